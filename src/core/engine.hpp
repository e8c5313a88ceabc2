#pragma once
// The engine behind a MockServer: one request goes select → act → journal. It owns the stubs,
// scopes, journal, replay sessions and the HTTP listener, and offers the operations every front
// end (the C++ API, the admin API, the admin UI, Softprobe's control API, the CLI) is built
// on. It knows nothing of those front ends: control surfaces reach it as ControlRouters handed
// in through ServerOptions::control_surfaces, asked first for every request.
// Thread safety: every member is safe from any thread; requests are handled on worker threads.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <mockhttp/replay_rule.hpp>
#include <mockhttp/server_options.hpp>
#include <mockhttp/stub_definition.hpp>
#include <mockhttp/verification.hpp>

#include "actions/chaos_plan.hpp"
#include "core/call_codec.hpp"
#include "core/control_router.hpp"
#include "core/request_journal.hpp"
#include "core/scope_registry.hpp"
#include "core/socket_registry.hpp"
#include "core/stub_placement.hpp"
#include "core/stub_registry.hpp"
#include "encoding/host_list.hpp"
#include "matching/request_evaluation.hpp"
#include "replay/replay_sessions.hpp"
#include "transport/http_listener.hpp"
#include "transport/tls_identity.hpp"

namespace mockhttp {

class Engine : public std::enable_shared_from_this<Engine> {
 public:
  explicit Engine(const ServerOptions& options);
  ~Engine();

  void start();  // binds and serves; separate from construction so handlers see a whole object
  // Whether a request whose head has come may be answered while its body arrives (a gRPC
  // bidirectional call); cheap, called on the connection's loop.
  bool may_converse(const RecordedRequest& head) const;
  // The answer to a call a conversation stub wins, chosen on its head (method, metadata,
  // scope): the head of the answer and the conversation that answers each message; nullopt
  // when no conversation stub matches (the call is then answered whole, once its body is in).
  // Called on a worker.
  std::optional<detail::ConversationOpening> open_conversation(RecordedRequest head);
  void stop();  // wakes requests sleeping in chaos, then stops the listener
  // Read by request handlers on the listener's threads, which may run before start() returns.
  int port() const { return port_.load(std::memory_order_acquire); }
  const std::string& host() const { return host_; }
  const detail::TlsIdentity* tls() const { return tls_.get(); }  // null: plain HTTP
  // The server's TLS identity, or for a plain server one minted on first use: its CA signs the
  // leaves of intercepted CONNECT tunnels.
  const detail::TlsIdentity& identity() const;

  // Stubs. mount() validates and mounts at a placement (global, a scope, a group); `id`: one
  // of the caller's choosing (stub files, the HTTP API), else a random UUID. Throws StubError,
  // DocumentError or ScopeError.
  std::string mount(StubDefinition definition, const StubPlacement& placement,
                    std::optional<std::string> id = std::nullopt);
  bool remove_stub(const std::string& id, detail::ScopeFilter filter = detail::ScopeFilter::everything());
  std::vector<StubInfo> stubs(detail::ScopeFilter filter = detail::ScopeFilter::everything(), std::size_t skip = 0,
                              std::size_t limit = std::numeric_limits<std::size_t>::max()) const;
  std::optional<StubInfo> stub(const std::string& id) const;
  std::optional<std::int64_t> stub_calls(const std::string& id) const;

  // The journal and verification (core/engine_verification.cpp).
  std::vector<RecordedRequest> requests(detail::ScopeFilter filter) const;
  std::size_t dropped_requests() const { return journal_.dropped(); }
  void clear_requests(detail::ScopeFilter filter);
  Verification confirm(const Request& matcher, const Criteria& times, detail::ScopeFilter filter) const;
  // Blocks until the journal holds `times` matching requests or `timeout` passes (or the server
  // stops); woken by each journal append, never polling.
  Verification wait_for(const Request& matcher, const Criteria& times, std::chrono::milliseconds timeout,
                        detail::ScopeFilter filter) const;
  // Requests matching each matcher in turn, in journal order (others may come between).
  Verification confirm_sequence(const std::vector<Request>& matchers, detail::ScopeFilter filter) const;
  // How many calls a stub has answered, against `times`; the report names where it was mounted.
  Verification confirm_calls(const std::string& stub_id, const Criteria& times) const;
  // A verdict made without an engine (a StubRef whose server is gone).
  static Verification verdict(bool passed, std::size_t matching, std::string report) {
    return Verification(passed, matching, std::move(report), {});
  }

  // Expectations (mockhttp/expectations.hpp). verify(): every expect() of the stubs the filter
  // admits, now. settle(): the end of those stubs' life — failed expectations go to the sink and
  // unused stubs are noted, once per stub; the stubs themselves stay mounted.
  Verification verify(detail::ScopeFilter filter) const;
  Verification verify(const std::vector<std::string>& stub_ids) const;
  void settle(detail::ScopeFilter filter);
  void settle(const std::vector<std::string>& stub_ids);

  // Scenarios: the states seen by requests of a scope (kGlobalScope: requests in no scope).
  std::string scenario_state(std::uint64_t scope_id, const std::string& name) const {
    return stubs_.scenarios().state(scope_id, name);
  }
  void set_scenario_state(std::uint64_t scope_id, const std::string& name, std::string state) {
    stubs_.scenarios().set(scope_id, name, std::move(state));
  }
  std::map<std::string, std::string> scenario_states(std::uint64_t scope_id) const {
    return stubs_.scenarios().of_scope(scope_id);
  }
  void reset_scenarios(detail::ScopeFilter filter);
  // Removes the stubs and journal entries the filter admits: what reset and scope deletion do.
  void forget(detail::ScopeFilter filter);

  // Scopes.
  std::shared_ptr<detail::ScopeRecord> create_scope(const std::string& name) { return scopes_.create(name); }
  std::vector<std::string> scope_names() const { return scopes_.names(); }
  detail::ScopeResolution resolve_scope(const nlohmann::json& headers) const { return scopes_.resolve(headers); }
  // Deletes a scope with everything it made. By name: throws ScopeError when unknown. By
  // record: false when that scope is already gone (a later one may have its name).
  void delete_scope(const std::string& name);
  bool delete_scope(const detail::ScopeRecord& record);

  // Replay sessions.
  detail::ReplaySessionRegistry& replay_sessions() { return replay_sessions_; }
  // The WebSocket connections stubs accepted (docs/websocket.md).
  detail::SocketRegistry& sockets() { return sockets_; }
  const detail::SocketRegistry& sockets() const { return sockets_; }

  // What the admin page inspects (core/engine_inspection.cpp); none of it runs while serving.
  // The journal with each entry's id: those after `after_id`, in journal order, at most `limit`
  // of them (the oldest or the newest such); one entry by id.
  enum class JournalEnd { oldest, newest };
  std::vector<detail::JournalEntry> journal_entries(detail::ScopeFilter filter, std::uint64_t after_id,
                                                    std::size_t limit, JournalEnd end = JournalEnd::oldest) const;
  std::optional<detail::JournalEntry> journal_entry(std::uint64_t id) const;
  std::vector<std::uint64_t> journal_ids(std::size_t newest) const;  // the newest ids, oldest first
  // The 404 report of an unmatched journaled request, computed when asked, against the stubs
  // mounted now and their scenarios' states now (the serving path keeps nothing for it).
  struct UnmatchedReport {
    std::vector<NearMiss> closest_stubs;
    std::string report;
  };
  UnmatchedReport unmatched_report(const detail::JournalEntry& entry) const;
  // The replay session a journaled request named, if any.
  static std::optional<std::string> replay_session_named_by(const RecordedRequest& request) {
    return replay_session_of(request);
  }
  // Each stub with, for a scenario step, the state its scenario is in now for the stub's scope.
  struct StubStatus {
    StubInfo info;
    std::optional<std::string> scenario_state;
  };
  std::vector<StubStatus> stub_statuses() const;

  void set_seed(std::uint64_t seed) { seed_.store(seed); }
  std::uint64_t seed() const { return seed_.load(); }

 private:
  // One request, as the transport read it, in; what the transport is to send, out.
  detail::DeliveryPlan handle(RecordedRequest request);
  // Journals a request with what answered it: a stub id, "rule:<id>", or nothing.
  void journal(detail::JournalEntry& entry, std::optional<std::string> answered_by);
  // The one delivery path of stubs and replay rules: waits the chaos delay, then plans the
  // action's answer, turning a TemplateError into a 500 and a ProxyFailure into a 502. `stub` is
  // the stub that answers (null for a rule): a recording proxy keeps its answer there.
  // `call_number` (1 for a stub's first answer) picks a sequence's response.
  struct Answering {
    const StubDefinition& action;
    const detail::MountedStub* stub;  // null for a replay rule
    // deliver() notes here what a gRPC call is answered (its messages): a codec's call is
    // journaled after its answer is decided.
    detail::JournalEntry& entry;
    std::shared_ptr<detail::ScopeRecord> scope;
    const detail::ChaosDecision& decision;
    std::int64_t call_number;
  };
  // The plan for a selected stub, its latency carried as the plan's delay.
  detail::DeliveryPlan answer(const Answering& answering);
  // The plan itself: an action's failure (a template, a refused or failed forward) is its error answer.
  detail::DeliveryPlan decide_delivery(const Answering& answering);
  detail::DeliveryPlan deliver(const Answering& answering);
  // A WebSocket stub's answer: the 101's headers and the session that runs the connection.
  detail::DeliveryPlan accept_websocket(const Answering& answering);
  // The chaos a stub's request gets: its own, with the server's default latency where it has none.
  const Chaos& effective_chaos(const StubDefinition& definition, Chaos& scratch) const;
  // Matching requests in the journal, counted without building any report.
  std::size_t count_matching(const Request& matcher, detail::ScopeFilter filter) const;
  // The report of a stub whose calls do not satisfy `times`, or nullopt when they do: the
  // stub, where it was mounted, its calls, and the closest requests that did not match it.
  std::optional<std::string> unmet_calls(const detail::MountedStub& stub, const Criteria& times) const;
  void settle(const std::vector<std::shared_ptr<detail::MountedStub>>& stubs);
  Verification verify(const std::vector<std::shared_ptr<detail::MountedStub>>& stubs) const;
  Response proxy(const StubDefinition& action, const detail::MountedStub* stub, const RecordedRequest& request,
                 const std::shared_ptr<detail::ScopeRecord>& scope);
  // A request carrying x-softprobe-session-id: the session's rules answer it.
  // The replay session a request names: its x-softprobe-session-id header, or the same key (or
  // x-sp-session-id) in its W3C tracestate.
  static std::optional<std::string> replay_session_of(const RecordedRequest& request);
  // A forwarded call and the upstream's answer, as a capture session records them.
  // `url`: where the passthrough forwarded the call ("https://api.example.test/v1/x").
  static CapturedExchange captured_exchange(const RecordedRequest& request, const std::string& host,
                                            const std::string& url, const detail::DeliveryPlan& answer);
  detail::DeliveryPlan answer_in_replay_session(const std::string& session_id, detail::JournalEntry& entry,
                                                const detail::RequestSubjects& subjects);
  // Why forwarding to `host` on `port` is refused, or "" when it may go: `named_by_request` for
  // a replay passthrough (the host comes from the request), else a proxy stub (the test named
  // it); `allowed_elsewhere`: another list the forward answers to allows it (the session
  // policy's allowHosts, a CONNECT passthrough's entry by name).
  std::string forward_refusal(const std::string& host, int port, bool named_by_request, bool allowed_elsewhere) const;
  // Intercept, pass through or refuse a CONNECT (ServerOptions::connect_passthrough_hosts).
  detail::TunnelDecision tunnel_decision(const detail::ConnectTarget& target) const;
  // Sleeps unless the server is stopping; false when it is.
  bool pause(std::chrono::milliseconds duration);
  std::string seed_note() const;

  std::string host_;
  int requested_port_;
  std::function<void(const std::string&)> request_log_;
  std::size_t max_connections_;
  detail::RequestLimits limits_;
  std::vector<std::shared_ptr<const detail::ControlRouter>> routers_;
  std::vector<std::shared_ptr<const detail::CallCodec>> codecs_;  // ServerOptions::message_codecs
  // The codec of a request's protocol, or null for plain HTTP.
  const detail::CallCodec* codec_of(const RecordedRequest& request) const;
  // A call's deadline its stub's answer would pass (noted in the request), or nullopt.
  static std::optional<std::chrono::milliseconds> past_deadline(const detail::CallCodec& codec,
                                                                RecordedRequest& request,
                                                                const detail::MountedStub& stub,
                                                                const detail::ChaosDecision& decision,
                                                                std::int64_t call_number);
  // The server's gRPC codec; throws StubError when it has none.
  const detail::CallCodec& grpc_codec() const;
  // The encoded answer a stub gives its call numbered `call_number` (its grpc_status fault's
  // when that fired), or null when it has none.
  static const detail::EncodedAnswers::Turn* encoded_answer(const detail::MountedStub& stub,
                                                            const detail::ChaosDecision& decision,
                                                            std::int64_t call_number);
  // A codec's call, answered: an engine error in the protocol's form, and the status it sends
  // noted in the call's journal entry.
  static detail::DeliveryPlan settle_call(const detail::CallCodec& codec, detail::DeliveryPlan plan,
                                          RecordedRequest& call);
  detail::DeliveryPlan handle_decoded(RecordedRequest request, const detail::CallCodec* codec);
  // What answered a call the protocol answers itself (gRPC's server reflection), in the journal.
  static constexpr const char* kBuiltInAnswer = "builtin:grpc.reflection";
  // The protocol's own conversation for a call no conversation stub answers, or nullopt.
  std::optional<detail::ConversationOpening> built_in_conversation(const detail::CallCodec& codec,
                                                                   detail::JournalEntry entry);
  // A conversation stub's replies and head, encoded at mount; throws StubError.
  detail::EncodedConversation encode_conversation(const StubDefinition& definition) const;
  detail::HostList forward_allowed_hosts_;
  std::optional<Latency> default_latency_;
  std::unique_ptr<detail::TlsIdentity> tls_;
  mutable std::once_flag identity_minted_;
  mutable std::unique_ptr<detail::TlsIdentity> minted_identity_;
  detail::HostList connect_passthrough_hosts_;
  std::string upstream_ca_file_;
  std::atomic<std::uint64_t> seed_;
  detail::StubRegistry stubs_;
  detail::ScopeRegistry scopes_;
  detail::ReplaySessionRegistry replay_sessions_;
  detail::RequestJournal journal_;
  detail::SocketRegistry sockets_;
  std::mutex stopping_mutex_;
  std::condition_variable stopping_signal_;
  bool stopping_ = false;
  std::unique_ptr<detail::HttpListener> listener_;
  std::atomic<int> port_{0};  // the listener's, once bound
};

}  // namespace mockhttp
