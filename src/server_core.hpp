#pragma once
// The state behind a MockServer: stubs, journal and the HTTP listener, and the handling of
// one request from capture to response. Shared with StubRefs through a weak_ptr.
// Thread safety: every member is safe from any thread; handle() runs on worker threads.
#include <memory>
#include <string>

#include <mockhttp/mock_server.hpp>

#include "http_listener.hpp"
#include "request_journal.hpp"
#include "stub_registry.hpp"

namespace mockhttp::detail {

class ServerCore {
 public:
  explicit ServerCore(const ServerOptions& options);
  ~ServerCore();

  void start();  // binds and serves; separate from construction so handlers see a whole object
  void stop();
  int port() const { return listener_ ? listener_->port() : 0; }
  const std::string& host() const { return host_; }

  StubRegistry& stubs() { return stubs_; }
  RequestJournal& journal() { return journal_; }
  Verification confirm(const Request& matcher, const Criteria& times) const;

 private:
  void handle(const httplib::Request& request, httplib::Response& response);

  std::string host_;
  int requested_port_;
  std::size_t worker_threads_;
  StubRegistry stubs_;
  RequestJournal journal_;
  std::unique_ptr<HttpListener> listener_;
};

}  // namespace mockhttp::detail
