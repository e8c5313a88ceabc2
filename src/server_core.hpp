#pragma once
// The state behind a MockServer: stubs, scopes, journal and the HTTP listener, and the handling
// of one request from capture to response. Shared with StubRefs through a weak_ptr and with
// Scopes and StubSessions through a shared_ptr.
// Thread safety: every member is safe from any thread; handle() runs on worker threads.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <mockhttp/mock_server.hpp>

#include "chaos_plan.hpp"
#include "http_listener.hpp"
#include "replay_sessions.hpp"
#include "request_journal.hpp"
#include "scope_registry.hpp"
#include "stub_registry.hpp"

namespace mockhttp::detail {

class ServerCore : public std::enable_shared_from_this<ServerCore> {
 public:
  explicit ServerCore(const ServerOptions& options);
  ~ServerCore();

  void start();  // binds and serves; separate from construction so handlers see a whole object
  void stop();   // wakes requests sleeping in chaos, then stops the listener
  int port() const { return listener_ ? listener_->port() : 0; }
  const std::string& host() const { return host_; }

  StubRegistry& stubs() { return stubs_; }
  RequestJournal& journal() { return journal_; }
  ScopeRegistry& scopes() { return scopes_; }
  ReplaySessionRegistry& replay_sessions() { return replay_sessions_; }

  std::vector<RecordedRequest> requests(ScopeFilter filter) const;
  Verification confirm(const Request& matcher, const Criteria& times, ScopeFilter filter) const;

  // Deletes a scope with everything it made. By name: throws ScopeError when unknown. By
  // record: false when that scope is already gone (a later one may have its name).
  void delete_scope(const std::string& name);
  bool delete_scope(const ScopeRecord& record);

  void set_seed(std::uint64_t seed) { seed_.store(seed); }
  std::uint64_t seed() const { return seed_.load(); }

 private:
  void handle(const httplib::Request& request, httplib::Response& response);
  // Answers a matched request with the stub's action; throws TemplateError or ProxyFailure.
  void answer(const MountedStub& stub, const JournalEntry& entry, const std::shared_ptr<ScopeRecord>& scope,
              const ChaosDecision& decision, const httplib::Request& request, httplib::Response& response);
  Response proxy(const MountedStub& stub, const RecordedRequest& request, const std::shared_ptr<ScopeRecord>& scope);
  // A request carrying x-softprobe-session-id: the session's rules answer it.
  void answer_in_replay_session(const std::string& session_id, std::shared_ptr<JournalEntry> entry,
                                const httplib::Request& request, httplib::Response& response);
  void forget_scope(const ScopeRecord& record);
  // Sleeps unless the server is stopping; false when it is.
  bool pause(std::chrono::milliseconds duration);
  std::string seed_note() const;

  std::string host_;
  int requested_port_;
  std::function<void(const std::string&)> request_log_;
  std::size_t worker_threads_;
  std::atomic<std::uint64_t> seed_;
  StubRegistry stubs_;
  ScopeRegistry scopes_;
  ReplaySessionRegistry replay_sessions_;
  RequestJournal journal_;
  std::mutex stopping_mutex_;
  std::condition_variable stopping_signal_;
  bool stopping_ = false;
  std::unique_ptr<HttpListener> listener_;
};

}  // namespace mockhttp::detail
