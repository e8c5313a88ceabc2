#pragma once
// MockServer: a real HTTP/1.1 server on a background thread of the test process.
//
//   MockServer server;                        // 127.0.0.1, an ephemeral port, serving now
//   server.when_requested_with(Request{}.method("GET").path("/users/{id}"))
//         .respond_with_json(200, {{"name", "Ada"}});
//   ... the code under test calls server.url() + "/users/7" ...
//   EXPECT_TRUE(server.confirm_request(Request{}.path("/users/7"), 1));
//
// Scopes (mockhttp/scope.hpp) let parallel tests share one server; stub groups
// (mockhttp/stub_group.hpp) remove their stubs when they end; chaos (mockhttp/chaos.hpp)
// delays and breaks responses, with every random draw replayable from seed().
//
// Thread safety: every member function may be called from any thread while requests are being
// served; stubs added before a request arrives are seen by it. The destructor stops the
// server: requests sleeping in a stub's latency are woken and closed, the others finish; then
// it verifies the expectations of the stubs still mounted (mockhttp/expectations.hpp). It
// must not run inside a stub's own request.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <mockhttp/control_surface.hpp>
#include <mockhttp/criteria.hpp>
#include <mockhttp/expectations.hpp>
#include <mockhttp/recorded_request.hpp>
#include <mockhttp/replay_session.hpp>
#include <mockhttp/request.hpp>
#include <mockhttp/scope.hpp>
#include <mockhttp/server_options.hpp>
#include <mockhttp/stub.hpp>
#include <mockhttp/stub_group.hpp>
#include <mockhttp/stubs_and_verification.hpp>
#include <mockhttp/tls.hpp>
#include <mockhttp/verification.hpp>

namespace mockhttp {

// Stubs and verification (when_requested_with, add_stub, stubs, requests, confirm_request,
// wait_for, confirm_sequence, verify) come from StubsAndVerification
// (mockhttp/stubs_and_verification.hpp) with the server's reach: stubs mounted here are global,
// every request may match them; stubs() and requests() list every one, scoped ones included,
// each with its scope; the counts count requests in no scope, so a parallel test's scoped
// traffic never changes them; verify() checks every expect() of every mounted stub.
class MockServer : public StubsAndVerification {
 public:
  MockServer();  // starts serving; throws ServerError
  explicit MockServer(ServerOptions options);
  ~MockServer();  // stops and joins; idempotent with stop()
  MockServer(MockServer&&) noexcept;
  MockServer& operator=(MockServer&&) noexcept;
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  std::string url() const;  // "http://127.0.0.1:PORT" ("https://..." with tls), no trailing slash
  int port() const;
  const std::string& host() const;

  // The PEM of the server's CA, which signs its certificate (with ServerOptions::tls) and the
  // leaves of the CONNECT tunnels it intercepts (a plain server mints one on first use): trust
  // it in the client. The same in a file (CURLOPT_CAINFO; removed when the server goes), and a
  // client certificate the CA signs (mTLS).
  const std::string& ca_certificate_pem() const;
  std::string ca_certificate_file() const;
  ClientCertificate issue_client_certificate(const std::string& common_name) const;

  // Stubs: see StubsAndVerification for when_requested_with, add_stub and stubs.
  // Mounts the stubs of a stub file (schemas/stub-file.schema.json: a list of stubs, or
  // {"stubs": [...]}, as assertive-mock-api's init file), or of every *.json file of a folder
  // in name order. All or nothing: on any problem nothing is mounted and DocumentError's
  // pointer() names the file and the JSON Pointer inside it ("stubs.json#/stubs/2/action").
  // Returns the stubs mounted.
  std::vector<StubRef> load_stubs(const std::string& file_or_folder);
  // Reads and checks stub files as load_stubs() does, without a server (mockhttp serve checks
  // them before it binds): throws DocumentError naming the file, the pointer and the problem.
  static void check_stub_files(const std::string& file_or_folder);
  bool remove_stub(const std::string& stub_id);

  // Journal and verification: see StubsAndVerification for requests, confirm_request,
  // wait_for, confirm_sequence and verify.
  std::size_t dropped_requests() const;  // entries dropped by journal_capacity so far

  // Scenarios of requests in no scope (a Scope has its own): the state, "Started" until moved.
  std::string scenario_state(const std::string& name) const;
  void set_scenario_state(const std::string& name, std::string state);
  void reset_scenarios();  // every scenario, in every scope, back to "Started"

  // Scopes. Names are 1-128 of [A-Za-z0-9_-], compared case-insensitively; throw ScopeError
  // when the name is malformed or taken (new_scope) or unknown (delete_scope).
  Scope new_scope(const std::string& name);
  std::vector<std::string> scopes() const;  // live scope names, oldest first
  void delete_scope(const std::string& name);

  // A group of global stubs, removed when it ends.
  StubGroup new_group();

  // Softprobe replay sessions (docs/replay.md): requests carrying x-softprobe-session-id are
  // answered by that session's rules. start_session's handle closes the session when it is
  // destroyed; attach() binds to an existing one (ReplaySession::id()) without owning it, and
  // throws Error when there is no such session.
  ReplaySession start_session(ReplayMode mode = ReplayMode::replay);
  ReplaySession attach(const std::string& session_id);

  // Chaos draws: the same seed and the same test give the same delays and faults.
  void set_seed(std::uint64_t seed);
  std::uint64_t seed() const;

  void clear_requests();
  void reset();  // removes every stub (scoped ones too), clears the journal, resets scenarios; scopes stay
  void stop();   // stops serving; later calls serve nothing but stay safe

 private:
  int exceptions_at_start_;  // std::uncaught_exceptions() when made: no verification while unwinding
};

}  // namespace mockhttp
