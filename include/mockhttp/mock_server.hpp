#pragma once
// MockServer: a real HTTP/1.1 server on a background thread of the test process.
//
//   MockServer server;                        // 127.0.0.1, an ephemeral port, serving now
//   server.when_requested_with(Request{}.method("GET").path("/users/{id}"))
//         .respond_with_json(200, {{"name", "Ada"}});
//   ... the code under test calls server.url() + "/users/7" ...
//   EXPECT_TRUE(server.confirm_request(Request{}.path("/users/7"), 1));
//
// Thread safety: every member function may be called from any thread while requests are being
// served; stubs added before a request arrives are seen by it. The destructor stops the
// server and waits for in-flight requests, so it must not run inside a stub's own request.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <mockhttp/criteria.hpp>
#include <mockhttp/recorded_request.hpp>
#include <mockhttp/request.hpp>
#include <mockhttp/stub.hpp>
#include <mockhttp/verification.hpp>

namespace mockhttp {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: an ephemeral port chosen by the OS
  // Connections served at once. Each open keep-alive connection holds a worker.
  std::size_t worker_threads = 64;
  // Journal entries kept; the oldest are dropped beyond it (0 keeps all).
  std::size_t journal_capacity = 0;
};

class MockServer {
 public:
  MockServer();                             // starts serving; throws ServerError
  explicit MockServer(ServerOptions options);
  ~MockServer();                            // stops and joins; idempotent with stop()
  MockServer(MockServer&&) noexcept;
  MockServer& operator=(MockServer&&) noexcept;
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  std::string url() const;  // "http://127.0.0.1:PORT", no trailing slash
  int port() const;
  const std::string& host() const;

  // Stubs.
  StubBuilder when_requested_with(Request request);
  StubRef add_stub(StubDefinition definition);
  std::vector<StubInfo> stubs() const;  // oldest first
  bool remove_stub(const std::string& stub_id);

  // Journal and verification.
  std::vector<RecordedRequest> requests() const;  // oldest first
  std::size_t dropped_requests() const;  // entries dropped by journal_capacity so far
  // `times` is an exact count (2) or a criteria on the count (between(1, 3)); at least once
  // by default.
  Verification confirm_request(const Request& matcher, const Criteria& times = gte(1)) const;

  void clear_requests();
  void reset();  // removes every stub and clears the journal
  void stop();   // stops serving; later calls serve nothing but stay safe

 private:
  std::shared_ptr<detail::ServerCore> core_;
};

}  // namespace mockhttp
