#include "core/engine.hpp"

#include <algorithm>
#include <cstdint>
#include <random>

#include <mockhttp/errors.hpp>
#include <mockhttp/replay_session.hpp>  // kReplaySessionHeader (kReplaySessionHeader, a model value, is the same)

#include "criteria/criteria_node.hpp"
#include "encoding/http_url.hpp"
#include "transport/address_kind.hpp"
#include "encoding/unicode_text.hpp"
#include "exchange/error_catalogue.hpp"
#include "actions/proxy_forwarding.hpp"
#include "actions/response_delivery.hpp"
#include "core/conversation_run.hpp"
#include "core/websocket_run.hpp"
#include "core/session_ledger.hpp"
#include "actions/template_renderer.hpp"

namespace mockhttp {

using nlohmann::json;
using namespace detail;

namespace {

// The response of a sequence that answers the stub's `call_number`th call (1 for the first).
// Which of `size` answers given in turn answers the call numbered `call_number` (1 first).
std::size_t turn_index(std::size_t size, SequenceEnd end, std::int64_t call_number) {
  const auto index = static_cast<std::size_t>(call_number > 0 ? call_number - 1 : 0);
  return end == SequenceEnd::cycle ? index % size : std::min(index, size - 1);
}

std::size_t sequence_index(const StubDefinition& action, std::int64_t call_number) {
  return turn_index(action.sequence.size(), action.sequence_end, call_number);
}

DeliveryPlan responder_failure(const MountedStub* stub, const std::string& what) {
  json where = json::object();
  if (stub) {
    where["stub_id"] = stub->id;
    where["mounted_at"] =
        stub->definition.mounted_at.known() ? json(stub->definition.mounted_at.describe()) : json(nullptr);
  }
  return error_answer(WireError::responder_failed, "the stub's C++ responder threw: " + what, where);
}

// An option's host list, read with the one host grammar (docs/security.md#host-lists).
HostList option_host_list(const std::vector<std::string>& entries, const std::string& option) {
  try {
    return HostList::parse(entries, option);
  } catch (const HostListError& e) {
    throw ServerError(e.what());
  }
}

// What the journal keeps of a reply's messages: their JSON, without the delays.
std::string reply_messages_json(const GrpcReply& reply) {
  json messages = json::array();
  for (const auto& sent : reply.messages()) messages.push_back(sent.message);
  return messages.dump();
}

std::uint64_t random_seed() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

}  // namespace

Engine::Engine(const ServerOptions& options)
    : host_(options.host),
      requested_port_(options.port),
      request_log_(options.request_log),
      max_connections_(options.max_connections == 0 ? 1 : options.max_connections),
      limits_{options.max_body_bytes,
              options.max_header_count,
              options.request_head_timeout,
              options.http2,
              options.http2_max_concurrent_streams,
              WebSocketLimits{options.websocket_max_message_bytes, options.websocket_max_unsent_bytes}},
      default_latency_(options.default_latency),
      tls_(options.tls ? std::make_unique<TlsIdentity>(*options.tls) : nullptr),
      upstream_ca_file_(options.upstream_ca_file),
      seed_(options.seed.value_or(random_seed())),
      journal_(options.journal_capacity, options.journal_max_bytes) {
  forward_allowed_hosts_ = option_host_list(options.forward_allowed_hosts, "ServerOptions::forward_allowed_hosts");
  connect_passthrough_hosts_ =
      option_host_list(options.connect_passthrough_hosts, "ServerOptions::connect_passthrough_hosts");
  if (default_latency_) {
    Chaos checked;
    checked.latency = default_latency_;
    try {
      checked.validate();
    } catch (const StubError& e) {
      throw ServerError(std::string("ServerOptions::default_latency: ") + e.what());
    }
  }
  for (const auto& surface : options.control_surfaces) {
    auto router = std::dynamic_pointer_cast<const ControlRouter>(surface);
    if (!router) {
      throw ServerError(
          "ServerOptions::control_surfaces: " + (surface ? "'" + surface->name() + "'" : std::string("a null entry")) +
          " is not a surface made by mockhttp/control.hpp");
    }
    routers_.push_back(std::move(router));
  }
  for (const auto& codec : options.message_codecs) {
    auto call_codec = std::dynamic_pointer_cast<const CallCodec>(codec);
    if (!call_codec) {
      throw ServerError(
          "ServerOptions::message_codecs: " + (codec ? "'" + codec->name() + "'" : std::string("a null entry")) +
          " is not a codec made by a mockhttp library (mockhttp/grpc.hpp)");
    }
    codecs_.push_back(std::move(call_codec));
  }
}

std::optional<std::chrono::milliseconds> Engine::past_deadline(const CallCodec& codec, RecordedRequest& request,
                                                               const MountedStub& stub, const ChaosDecision& decision,
                                                               std::int64_t call_number) {
  request.deadline = codec.deadline(request);
  if (!request.deadline) return std::nullopt;
  // What the answer takes: the latency, then its parts' pauses (an encoded answer's are known).
  auto needed = std::chrono::milliseconds(std::max<std::int64_t>(decision.delay_ms, 0));
  if (const auto* encoded = encoded_answer(stub, decision, call_number)) {
    for (const auto& part : encoded->plan.parts) needed += part.after;
  }
  request.deadline_exceeded = needed > *request.deadline;
  return request.deadline_exceeded ? request.deadline : std::nullopt;
}

const CallCodec& Engine::grpc_codec() const {
  for (const auto& codec : codecs_) {
    if (codec->name() == "grpc") return *codec;
  }
  throw StubError(
      "action.grpc: this server has no gRPC services to encode messages with (ServerOptions::message_codecs, "
      "GrpcServices in mockhttp/grpc.hpp; mockhttp serve --proto)");
}

const EncodedAnswers::Turn* Engine::encoded_answer(const MountedStub& stub, const ChaosDecision& decision,
                                                   std::int64_t call_number) {
  const EncodedAnswers& encoded = stub.encoded_answers;
  if (decision.fault == FaultKind::grpc_status && encoded.status_fault) return &*encoded.status_fault;
  if (encoded.turns.empty()) return nullptr;
  return &encoded.turns[turn_index(encoded.turns.size(), stub.definition.sequence_end, call_number)];
}

DeliveryPlan Engine::settle_call(const CallCodec& codec, DeliveryPlan plan, RecordedRequest& call) {
  if (plan.server_error) plan = codec.failure(std::move(plan));
  if (!call.grpc_answer) call.grpc_answer.emplace();
  codec.note_status(plan, *call.grpc_answer);
  return plan;
}

const CallCodec* Engine::codec_of(const RecordedRequest& request) const {
  for (const auto& codec : codecs_) {
    if (codec->reads(request)) return codec.get();
  }
  return nullptr;
}

Engine::~Engine() { stop(); }

void Engine::start() {
  HttpListener::Hooks hooks;
  hooks.handle = [this](RecordedRequest request) { return handle(std::move(request)); };
  hooks.may_converse = [this](const RecordedRequest& head) { return may_converse(head); };
  hooks.open_conversation = [this](RecordedRequest head) { return open_conversation(std::move(head)); };
  hooks.pause = [this](std::chrono::milliseconds duration) { return pause(duration); };
  hooks.log = request_log_;
  if (request_log_) {
    hooks.on_overflow = [this] {
      request_log_("mockhttp: max_connections (" + std::to_string(max_connections_) +
                   ") connections are open; a new connection is answered 503");
    };
  }
  ConnectSupport connect;
  connect.policy = [this](const ConnectTarget& target) { return tunnel_decision(target); };
  connect.authority = [this]() -> const CertificateAuthority& { return identity().authority(); };
  // The listener serves before it is assigned here: a handler asking port() reads the atomic,
  // never the unique_ptr this thread is writing.
  auto listener = std::make_unique<HttpListener>(host_, requested_port_, max_connections_, limits_, std::move(hooks),
                                                 tls_.get(), std::move(connect));
  port_.store(listener->port(), std::memory_order_release);
  listener_ = std::move(listener);
}

const TlsIdentity& Engine::identity() const {
  if (tls_) return *tls_;
  std::call_once(identity_minted_, [this] { minted_identity_ = std::make_unique<TlsIdentity>(TlsOptions{}); });
  return *minted_identity_;
}

TunnelDecision Engine::tunnel_decision(const ConnectTarget& target) const {
  if (!connect_passthrough_hosts_.matches(target.host, target.port)) return {TunnelDecision::Kind::intercept, ""};
  // Listed by name (not by a wildcard), the test asked for that very host: a private one may go.
  const bool named = connect_passthrough_hosts_.names(target.host, target.port);
  if (forward_refusal(target.host, target.port, true, named).empty()) return {TunnelDecision::Kind::pass_through, ""};
  return {TunnelDecision::Kind::refuse, "a CONNECT passthrough may not reach " + target.host + ", which resolves to " +
                                            describe(classify_host(target.host)) + ": list it by name in " +
                                            "ServerOptions::connect_passthrough_hosts (serve --connect-passthrough " +
                                            target.host + "), or in forward_allowed_hosts"};
}

void Engine::stop() {
  {
    std::lock_guard<std::mutex> lock(stopping_mutex_);
    stopping_ = true;
  }
  stopping_signal_.notify_all();
  journal_.interrupt_waiters();
  sockets_.interrupt_waiters();
  if (listener_) listener_->stop();
}

bool Engine::pause(std::chrono::milliseconds duration) {
  std::unique_lock<std::mutex> lock(stopping_mutex_);
  return !stopping_signal_.wait_for(lock, duration, [this] { return stopping_; });
}

std::string Engine::seed_note() const {
  if (!stubs_.any_chaos()) return "";
  return "\n(chaos seed " + std::to_string(seed()) + ": MockServer::set_seed(" + std::to_string(seed()) +
         ") replays these delays and faults)";
}

DeliveryPlan Engine::handle(RecordedRequest request) {
  const CallCodec* codec = codecs_.empty() ? nullptr : codec_of(request);
  if (!codec) return handle_decoded(std::move(request), nullptr);
  // A call of a codec's protocol: its messages become JSON before anything reads them, and
  // every answer the engine makes on its own (nothing matched, an error) takes its form.
  if (auto refusal = codec->decode(request)) {
    JournalEntry entry{std::move(request)};
    DeliveryPlan plan = settle_call(*codec, std::move(*refusal), entry.request);
    journal(entry, std::nullopt);
    return plan;
  }
  DeliveryPlan plan = handle_decoded(std::move(request), codec);
  if (!plan.server_error) return plan;  // a stub's own answer goes as the stub said
  return codec->failure(std::move(plan));
}

DeliveryPlan Engine::handle_decoded(RecordedRequest request, const CallCodec* codec) {
  try {
    DeliveryPlan control_answer;
    // A surface's own prefixes answer first; its single paths (GET /health) only when no stub
    // does, so a user's stub on them wins.
    const ControlRouter* after_stubs = nullptr;
    for (const auto& router : routers_) {
      if (router->answers_after_stubs(request.path)) {
        after_stubs = router.get();
      } else if (router->route(*this, request, control_answer)) {
        return control_answer;
      }
    }
    JournalEntry entry{std::move(request)};
    const RequestSubjects subjects(entry.request);
    if (const auto session_id = replay_session_of(entry.request)) {
      if (after_stubs && after_stubs->route(*this, entry.request, control_answer))
        return control_answer;  // sessions have no stubs
      return answer_in_replay_session(*session_id, entry, subjects);
    }
    const ScopeResolution resolution = scopes_.resolve(subjects);
    if (!resolution.collisions.empty()) {
      return error_answer(WireError::scope_collision, "Multiple scope headers matched this request",
                          {{"scopes", resolution.collisions}, {"request", entry.request.to_json()}});
    }
    if (resolution.scope) {
      entry.scope_id = resolution.scope->id;
      entry.request.scope = resolution.scope->name;
    }

    auto selection = stubs_.select(subjects, entry.scope_id);
    if (!selection && after_stubs && after_stubs->route(*this, entry.request, control_answer)) {
      return control_answer;  // not journaled
    }
    ChaosDecision decision;
    std::optional<std::chrono::milliseconds> overrun;  // a call's deadline its answer would pass
    if (selection) {
      const MountedStub& stub = *selection->stub;
      entry.request.path_params = selection->path_params;
      entry.request.scenario = std::move(selection->transition);
      Chaos scratch;
      const Chaos& chaos = effective_chaos(stub.definition, scratch);
      if (!chaos.empty()) {
        decision = decide_chaos(chaos, seed(), stub.sequence, selection->call_number);
        entry.request.chaos = AppliedChaos{decision.delay_ms, decision.fault};
      }
      if (codec) overrun = past_deadline(*codec, entry.request, stub, decision, selection->call_number);
    }
    // A request is journaled before its answer is made; a codec's call once its answer is
    // decided, with what the answer says (gRPC: its status and messages).
    const auto journal_in_scope = [&] {
      journal(entry, selection ? std::optional<std::string>(selection->stub->id) : std::nullopt);
      // A scope deleted while this request was in flight has swept its journal already.
      if (resolution.scope && !resolution.scope->live.load()) journal_.remove(ScopeFilter::only(resolution.scope->id));
    };
    if (!codec) journal_in_scope();

    DeliveryPlan plan;
    if (!selection) {
      const UnmatchedReport unmatched = unmatched_report(entry);
      if (!codec) {
        json closest = json::array();
        for (const auto& miss : unmatched.closest_stubs) closest.push_back(miss.to_json());
        return error_answer(
            WireError::no_stub_match_found, "",
            {{"request", entry.request.to_json()}, {"closest_stubs", closest}, {"report", unmatched.report}}, 2);
      }
      plan = codec->unmatched(entry.request, unmatched.closest_stubs);
    } else if (overrun) {
      // The call ends at its deadline, as a server enforcing it ends it.
      plan = error_answer(WireError::deadline_exceeded,
                          "the stub's answer would take longer than the call's deadline of " +
                              std::to_string(overrun->count()) + " ms (grpc-timeout)");
      plan.delay = *overrun;
    } else {
      plan = answer({selection->stub->definition, selection->stub.get(), entry, resolution.scope, decision,
                     selection->call_number});
    }
    if (codec) {
      plan = settle_call(*codec, std::move(plan), entry.request);
      journal_in_scope();
    }
    return plan;
  } catch (const std::exception& e) {
    return error_answer(WireError::internal_error, e.what());
  }
}

void Engine::journal(JournalEntry& entry, std::optional<std::string> answered_by) {
  entry.request.matched_stub_id = std::move(answered_by);
  journal_.append(entry.request, entry.scope_id);
}

const Chaos& Engine::effective_chaos(const StubDefinition& definition, Chaos& scratch) const {
  if (!default_latency_ || definition.chaos.latency) return definition.chaos;
  scratch = definition.chaos;
  scratch.latency = default_latency_;
  return scratch;
}

DeliveryPlan Engine::answer(const Answering& answering) {
  DeliveryPlan plan = decide_delivery(answering);
  // The latency delays the answer, not the work: the transport waits it out without a thread.
  plan.delay = std::chrono::milliseconds(std::max<std::int64_t>(answering.decision.delay_ms, 0));
  return plan;
}

DeliveryPlan Engine::decide_delivery(const Answering& answering) {
  try {
    return deliver(answering);
  } catch (const TemplateError& e) {
    return error_answer(WireError::template_render_error, e.what());
  } catch (const ForwardRefused& e) {
    return error_answer(WireError::forward_refused, e.what());
  } catch (const ProxyFailure& e) {
    return error_answer(WireError::proxy_error, e.what());
  }
}

std::string Engine::forward_refusal(const std::string& host, int port, bool named_by_request,
                                    bool allowed_elsewhere) const {
  if (allowed_elsewhere || forward_allowed_hosts_.matches(host, port)) return "";
  const AddressKind kind = classify_host(host);
  const bool refused = kind == AddressKind::link_local || kind == AddressKind::special_purpose ||
                       (named_by_request && (kind == AddressKind::loopback || kind == AddressKind::private_network));
  if (!refused) return "";
  return std::string(named_by_request ? "a replay passthrough" : "a proxy stub") + " may not forward to " + host +
         ", which resolves to " + describe(kind) + ": allow it with ServerOptions::forward_allowed_hosts (serve " +
         "--allow-forward " + host + ")" + (named_by_request ? " or the session policy's allowHosts" : "");
}

DeliveryPlan Engine::accept_websocket(const Answering& answering) {
  const StubDefinition& action = answering.action;
  const JournalEntry& upgrade = answering.entry;
  // A fault breaks the upgrade as it breaks any answer; latency delays the 101.
  if (answering.decision.fault) return plan_response(Response{}, action.chaos, answering.decision);
  const WebSocketScript& script = *action.websocket;
  DeliveryPlan plan;
  plan.status = 101;
  // The subprotocol: the first the stub names among those the client offers.
  std::string chosen;
  if (const auto offered = upgrade.request.header("Sec-WebSocket-Protocol")) {
    std::vector<std::string> names;
    std::string name;
    for (const char c : *offered + ",") {
      if (c == ',') {
        if (!name.empty()) names.push_back(name);
        name.clear();
      } else if (c != ' ' && c != '\t') {
        name += c;
      }
    }
    for (const auto& spoken : script.subprotocols()) {
      if (chosen.empty() && std::find(names.begin(), names.end(), spoken) != names.end()) chosen = spoken;
    }
  }
  if (!chosen.empty()) plan.headers.emplace_back("Sec-WebSocket-Protocol", chosen);
  for (const auto& header : script.headers()) plan.headers.push_back(header);
  WebSocketConnectionInfo info;
  info.id = upgrade.request.connection_id;
  info.stub_id = answering.stub ? answering.stub->id : std::string();
  info.upgrade = upgrade.request;
  info.upgrade.matched_stub_id = info.stub_id;
  info.subprotocol = chosen;
  info.opened_at = std::chrono::system_clock::now();
  auto record = sockets_.open(std::move(info), upgrade.scope_id);
  plan.session = std::make_shared<WebSocketRun>(
      script, upgrade, answering.stub ? answering.stub->id : std::string(), std::move(record), sockets_,
      [this](JournalEntry& entry) { journal_.append(entry.request, entry.scope_id); },
      WebSocketRun::Seeding{seed(), answering.stub ? answering.stub->sequence : 0, answering.call_number});
  return plan;
}

DeliveryPlan Engine::deliver(const Answering& answering) {
  const StubDefinition& action = answering.action;
  const RecordedRequest& request = answering.entry.request;
  if (action.websocket) return accept_websocket(answering);
  if (action.sse) {
    // Rendered up front: a template error is a clean 500, not a stream cut short.
    const TemplateContext context(request);
    std::vector<StreamedEvent> events;
    for (SseEvent event : action.sse->events()) {
      event.data(render_template(event.data(), context));
      if (event.id()) event.id(render_template(*event.id(), context));
      if (event.event()) event.event(render_template(*event.event(), context));
      events.push_back({sse_frame(event), event.delay().value_or(action.sse->default_delay()).count()});
    }
    return plan_event_stream(events, answering.decision);
  }
  if (action.proxy) {
    return plan_response(proxy(action, answering.stub, request, answering.scope), action.chaos, answering.decision);
  }
  if (answering.stub) {
    if (const auto* encoded = encoded_answer(*answering.stub, answering.decision, answering.call_number)) {
      answering.entry.request.grpc_answer.emplace().messages_json = encoded->messages_json;
      return plan_encoded_answer(encoded->plan, answering.decision);
    }
  }
  if (action.grpc_responder) {
    GrpcReply reply;
    try {
      reply = action.grpc_responder(request);
    } catch (const std::exception& e) {
      return responder_failure(answering.stub, e.what());
    } catch (...) {
      return responder_failure(answering.stub, "an exception that is not a std::exception");
    }
    try {
      DeliveryPlan plan = plan_encoded_answer(grpc_codec().encode(reply, action.request), answering.decision);
      answering.entry.request.grpc_answer.emplace().messages_json = reply_messages_json(reply);
      return plan;
    } catch (const StubError& e) {
      return responder_failure(answering.stub, std::string("its reply: ") + e.what());
    }
  }
  Response produced;
  const Response* chosen = &action.response;
  if (action.responder) {
    try {
      produced = action.responder(request);
    } catch (const std::exception& e) {
      return responder_failure(answering.stub, e.what());
    } catch (...) {
      return responder_failure(answering.stub, "an exception that is not a std::exception");
    }
    chosen = &produced;
  } else if (!action.sequence.empty()) {
    chosen = &action.sequence[sequence_index(action, answering.call_number)];
  }
  if (chosen->is_template()) {
    // The template context is built only for templated answers: a static one costs no copies.
    Response rendered = *chosen;
    rendered.body(render_template_body(rendered, TemplateContext(request)));
    return plan_response(rendered, action.chaos, answering.decision);
  }
  return plan_response(*chosen, action.chaos, answering.decision);
}

Response Engine::proxy(const StubDefinition& action, const MountedStub* stub, const RecordedRequest& request,
                       const std::shared_ptr<ScopeRecord>& scope) {
  if (stub) {
    const auto url = parse_http_url(action.proxy->url);
    const std::string refusal = url ? forward_refusal(url->parsed.host, url->port(), false, false) : "";
    if (!refusal.empty()) throw ForwardRefused(refusal);
  }
  Response upstream = forward_to_upstream(*action.proxy, request);
  if (stub && action.proxy->record && !stub->recorded.exchange(true)) {
    // The recording lives where the proxy stub lives, and wins over it as the newer stub.
    StubDefinition recording;
    recording.request = action.request;
    recording.response = upstream;
    const bool scoped = stub->scope.id != kGlobalScope && scope && scope->id == stub->scope.id;
    (void)mount(std::move(recording), *StubPlacement::in(scoped ? scope : nullptr, nullptr));
  }
  return upstream;
}

std::optional<std::string> Engine::replay_session_of(const RecordedRequest& request) {
  // One pass over the headers: every request asks, and almost none is in a session.
  const std::string* tracestate = nullptr;
  for (const auto& [name, value] : request.headers) {
    if (ascii_equals_ignoring_case(name, kReplaySessionHeader)) return value;
    if (!tracestate && ascii_equals_ignoring_case(name, "tracestate")) tracestate = &value;
  }
  if (!tracestate) return std::nullopt;
  // Softprobe's session-headers: an application propagates the session in W3C `tracestate`
  // (`x-softprobe-session-id=<id>`, or the short `x-sp-session-id=<id>`) rather than copying
  // the header; list members are comma-separated `key=value`, possibly spaced.
  std::string_view rest = *tracestate;
  while (true) {
    const auto comma = rest.find(',');
    std::string_view member = rest.substr(0, comma);
    const auto first = member.find_first_not_of(" \t");
    member = first == std::string_view::npos ? std::string_view()
                                             : member.substr(first, member.find_last_not_of(" \t") - first + 1);
    const auto equals = member.find('=');
    if (equals != std::string_view::npos && equals + 1 < member.size()) {
      const std::string_view key = member.substr(0, equals);
      if (key == kReplaySessionHeader || key == "x-sp-session-id") return std::string(member.substr(equals + 1));
    }
    if (comma == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(comma + 1);
  }
}

DeliveryPlan Engine::answer_in_replay_session(const std::string& session_id, JournalEntry& entry,
                                              const RequestSubjects& subjects) {
  const auto session = replay_sessions_.find(session_id);
  if (!session) {
    journal(entry, std::nullopt);
    return error_answer(WireError::unknown_session,
                        "no replay session '" + session_id + "' (closed, or never started)");
  }
  const RecordedRequest& recorded = entry.request;
  RuleDecision decision = session->decide(subjects, recorded);

  // Forwarding to ourselves would loop: the app called mockhttp directly, not through it as a proxy.
  // Inside an intercepted tunnel the host is the one the client's CONNECT named, over https.
  const std::string authority = recorded.tunnel ? *recorded.tunnel : recorded.header("host").value_or("");
  const Authority named = parse_authority(authority);
  const bool to_ourselves =
      (named.host == "127.0.0.1" || named.host == "localhost" || named.host == host_) && named.port == port();
  if (decision.kind == RuleDecision::Kind::forward && (authority.empty() || to_ourselves)) {
    decision.kind = RuleDecision::Kind::refuse;
    decision.refusal =
        "no rule matched, and passing the request through would call mockhttp itself (send it with "
        "HTTP_PROXY pointing at mockhttp, or add a rule)";
  }
  // The host a passthrough would reach is the request's to name: a non-public one must be allowed.
  if (decision.kind == RuleDecision::Kind::forward) {
    const int port = named.port.value_or(recorded.tunnel ? 443 : 80);
    const std::string refusal = forward_refusal(named.host, port, true, session->policy_allows_host(named.host, port));
    if (!refusal.empty()) {
      journal(entry, decision.rule_id.empty() ? std::nullopt : std::optional<std::string>("rule:" + decision.rule_id));
      return error_answer(WireError::forward_refused, refusal, {{"session_id", session_id}});
    }
  }
  // Rules and stubs are journaled alike: what answered, by id (a rule's as "rule:<id>").
  journal(entry, decision.rule_id.empty() ? std::nullopt : std::optional<std::string>("rule:" + decision.rule_id));

  if (decision.kind == RuleDecision::Kind::refuse) {
    json closest = json::array();
    for (const auto& miss : decision.closest_rules) closest.push_back(miss.to_json());
    const std::string report =
        "Replay session " + session_id + " refused " + recorded.method + " " + recorded.host + recorded.path + ": " +
        decision.refusal +
        (decision.closest_rules.empty() ? "\n  (the session has no rules)\n"
                                        : "\nClosest rules:\n" + describe_near_misses(decision.closest_rules));
    DeliveryPlan refused = error_answer(
        WireError::no_rule_match, decision.refusal,
        {{"session_id", session_id}, {"request", recorded.to_json()}, {"closest_rules", closest}, {"report", report}},
        2);
    // Softprobe's strict-miss guide tells users to look for this header on a refused call.
    refused.set_header("x-softprobe-strict-miss", "1");
    return refused;
  }
  // A rule's answer is a stub's action: a response, or a proxy to the host the request named.
  StubDefinition action;
  std::string upstream_url;  // only a forward has one
  if (decision.kind == RuleDecision::Kind::respond) {
    action.response = std::move(decision.response);
  } else {
    upstream_url = (recorded.tunnel ? "https://" : "http://") + authority + recorded.path;
    action.proxy = ProxyTarget{upstream_url, {}, 5, false};
    action.proxy->ca_file = upstream_ca_file_;
  }
  const ChaosDecision no_chaos;
  DeliveryPlan answered = answer({action, nullptr, entry, nullptr, no_chaos, 1});
  if (session->mode() == ReplayMode::capture && decision.kind == RuleDecision::Kind::forward) {
    session->record(captured_exchange(recorded, named.host, upstream_url, answered), decision.redact_headers);
  }
  return answered;
}

CapturedExchange Engine::captured_exchange(const RecordedRequest& request, const std::string& host,
                                           const std::string& url, const DeliveryPlan& answer) {
  const auto unix_nano = [](std::chrono::system_clock::time_point at) {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count());
  };
  CapturedExchange exchange;
  exchange.direction = "outbound";
  exchange.span_type = "extract";
  exchange.request.method = request.method;
  exchange.request.host = host;
  exchange.request.path = request.path;
  exchange.attributes["url.full"] = url;  // where it went, scheme included
  for (const auto& [name, value] : request.headers) {
    // The session header only routed the call to the session; a replay sends its own.
    if (ascii_lowercase(name) != kReplaySessionHeader) exchange.request.headers.emplace_back(name, value);
  }
  exchange.request.body = request.body;
  exchange.response.status = answer.status;
  for (const auto& [name, value] : answer.headers) {
    // The sandbox mockhttp adds to every stub's answer is not the upstream's: a case keeps what it sent.
    if (value == kStubSandboxPolicy && ascii_equals_ignoring_case(name, "content-security-policy")) continue;
    exchange.response.headers.emplace_back(name, value);
  }
  exchange.response.body = answer.body;
  exchange.start_unix_nano = unix_nano(request.received_at);
  exchange.end_unix_nano = unix_nano(std::chrono::system_clock::now());
  return exchange;
}

std::vector<RecordedRequest> Engine::requests(ScopeFilter filter) const {
  const JournalView view = journal_.snapshot(filter);
  std::vector<RecordedRequest> out;
  out.reserve(view.size());
  for (std::size_t i = 0; i < view.size(); ++i) out.push_back(view[i].request);
  return out;
}

void Engine::forget(ScopeFilter filter) {
  stubs_.remove(filter);
  clear_requests(filter);
  reset_scenarios(filter);
  sockets_.forget(filter);
}

void Engine::reset_scenarios(ScopeFilter filter) {
  if (filter.admits_everything()) {
    stubs_.scenarios().reset_all();
  } else {
    stubs_.scenarios().reset(filter.scope());
  }
}

void Engine::clear_requests(ScopeFilter filter) {
  // Clearing everything also restarts the count of entries dropped by journal_capacity.
  if (filter.admits_everything()) {
    journal_.clear();
  } else {
    journal_.remove(filter);
  }
}

void Engine::delete_scope(const std::string& name) { forget(ScopeFilter::only(scopes_.remove(name)->id)); }

bool Engine::delete_scope(const ScopeRecord& record) {
  if (!scopes_.remove(record)) return false;
  forget(ScopeFilter::only(record.id));
  return true;
}

namespace {
ScopeError deleted_scope(const ScopeRecord& scope) {
  return ScopeError(ScopeError::Reason::deleted,
                    "scope '" + scope.name + "' was deleted; its stubs can no longer be added");
}
}  // namespace

EncodedConversation Engine::encode_conversation(const StubDefinition& definition) const {
  const CallCodec& codec = grpc_codec();
  RecordedRequest probe;
  if (const auto& path = RequestFields::path_pattern(definition.request)) probe.path = *path;
  if (!codec.converses(probe)) {
    throw StubError(
        "action.grpc_conversation: " + (probe.path.empty() ? std::string("the stub's method") : probe.path.substr(1)) +
        " does not stream both ways (a conversation answers a bidirectional method, matched with "
        "grpc_method(\"package.Service/Method\"))");
  }
  const GrpcConversation& conversation = *definition.grpc_conversation;
  EncodedConversation encoded;
  for (std::size_t i = 0; i < conversation.rules().size(); ++i) {
    try {
      encoded.rules.push_back(codec.encode_step(conversation.rules()[i].reply, definition.request, false));
    } catch (const StubError& e) {
      throw StubError("action.grpc_conversation.replies[" + std::to_string(i) + "]: " + e.what());
    }
  }
  try {
    encoded.closing = codec.encode_step(conversation.closing(), definition.request, true);
  } catch (const StubError& e) {
    throw StubError(std::string("action.grpc_conversation.at_end: ") + e.what());
  }
  encoded.head = codec.conversation_head(conversation.closing());
  return encoded;
}

std::optional<ConversationOpening> Engine::built_in_conversation(const CallCodec& codec, JournalEntry entry) {
  // Journaled when it ends, as answered by the protocol itself.
  auto journaled = std::make_shared<JournalEntry>(entry);
  auto conversation = codec.built_in_conversation(entry.request, [this, journaled](GrpcAnswer answer) {
    journaled->request.grpc_answer = std::move(answer);
    journal(*journaled, std::string(kBuiltInAnswer));
  });
  if (!conversation) return std::nullopt;
  return ConversationOpening{codec.conversation_head(GrpcReply{}), std::move(conversation)};
}

bool Engine::may_converse(const RecordedRequest& head) const {
  if (codecs_.empty()) return false;
  const CallCodec* codec = codec_of(head);
  return codec && codec->converses(head);
}

std::optional<ConversationOpening> Engine::open_conversation(RecordedRequest head) {
  std::shared_ptr<const CallCodec> codec;
  for (const auto& candidate : codecs_) {
    if (candidate->reads(head) && candidate->converses(head)) codec = candidate;
  }
  if (!codec) return std::nullopt;
  try {
    JournalEntry entry{std::move(head)};
    entry.request.body.clear();
    const RequestSubjects subjects(entry.request);
    const ScopeResolution resolution = scopes_.resolve(subjects);
    if (!resolution.collisions.empty()) return std::nullopt;  // answered whole: its error says so
    if (resolution.scope) {
      entry.scope_id = resolution.scope->id;
      entry.request.scope = resolution.scope->name;
    }
    auto selection = stubs_.select(subjects, entry.scope_id, true);
    if (!selection) return built_in_conversation(*codec, std::move(entry));
    const std::shared_ptr<const MountedStub> stub = selection->stub;
    entry.request.scenario = std::move(selection->transition);
    entry.request.deadline = codec->deadline(entry.request);
    Chaos scratch;
    const Chaos& chaos = effective_chaos(stub->definition, scratch);
    ChaosDecision decision;
    if (!chaos.empty()) {
      decision = decide_chaos(chaos, seed(), stub->sequence, selection->call_number);
      entry.request.chaos = AppliedChaos{decision.delay_ms, decision.fault};
    }
    if (decision.fault) {
      // A fault breaks the call as it opens, as it breaks any call.
      DeliveryPlan broken = decision.fault == FaultKind::grpc_status && stub->encoded_answers.status_fault
                                ? stub->encoded_answers.status_fault->plan
                                : plan_encoded_answer(stub->encoded_answers.conversation->head, decision);
      broken.delay = std::chrono::milliseconds(std::max<std::int64_t>(decision.delay_ms, 0));
      broken = settle_call(*codec, std::move(broken), entry.request);
      journal(entry, stub->id);
      return ConversationOpening{std::move(broken), nullptr};
    }
    DeliveryPlan opening = stub->encoded_answers.conversation->head;
    const auto delay = std::chrono::milliseconds(std::max<std::int64_t>(decision.delay_ms, 0));
    auto run = std::make_shared<ConversationRun>(
        codec, stub, std::move(entry), delay,
        [this](JournalEntry& ended, const std::string& stub_id) { journal(ended, stub_id); });
    return ConversationOpening{std::move(opening), std::move(run)};
  } catch (const std::exception& e) {
    return ConversationOpening{codec->failure(error_answer(WireError::internal_error, e.what())), nullptr};
  }
}

std::string Engine::mount(StubDefinition definition, const StubPlacement& placement,
                          std::optional<std::string> chosen_id) {
  definition.validate();
  if (definition.websocket && !linked_websocket_support()) {
    throw StubError(
        "action.websocket: this program does not link mockhttp::websocket, which serves WebSocket "
        "(target_link_libraries(your_tests PRIVATE mockhttp::websocket))");
  }
  EncodedAnswers encoded_answers;
  if (definition.grpc_conversation) encoded_answers.conversation = encode_conversation(definition);
  if (!definition.grpc.empty() || definition.grpc_responder || definition.grpc_conversation) {
    const CallCodec& codec = grpc_codec();
    // Encoded once, here: a message that does not fit the method's type fails the mount.
    for (std::size_t i = 0; i < definition.grpc.size(); ++i) {
      try {
        encoded_answers.turns.push_back(
            {codec.encode(definition.grpc[i], definition.request), reply_messages_json(definition.grpc[i])});
      } catch (const StubError& e) {
        if (definition.grpc.size() == 1) throw;
        throw StubError("reply " + std::to_string(i) + " of the sequence: " + e.what());
      }
    }
    if (const auto& fault = definition.chaos.fault; fault && fault->kind == FaultKind::grpc_status) {
      encoded_answers.status_fault = EncodedAnswers::Turn{
          codec.encode(GrpcReply{}.status(fault->grpc_status, fault->grpc_message), definition.request), "[]"};
    }
  }
  StubScope scope;
  if (placement.scope) {
    if (!placement.scope->live.load(std::memory_order_acquire)) throw deleted_scope(*placement.scope);
    scope = StubScope{placement.scope->id, placement.scope->name};
  }
  std::string id =
      stubs_.add(std::move(definition), std::move(scope), std::move(chosen_id), std::move(encoded_answers));
  // A scope deleted while we mounted has already swept its stubs: take ours back out.
  if (placement.scope && !placement.scope->live.load(std::memory_order_acquire)) {
    stubs_.remove(id);
    throw deleted_scope(*placement.scope);
  }
  if (placement.group && !placement.group->record(id)) {
    stubs_.remove(id);
    throw StubError("the stub group was closed; open a new one to add stubs");
  }
  return id;
}

bool Engine::remove_stub(const std::string& id, ScopeFilter filter) { return stubs_.remove(id, filter); }
std::vector<StubInfo> Engine::stubs(ScopeFilter filter, std::size_t skip, std::size_t limit) const {
  return stubs_.list(filter, skip, limit);
}
std::optional<StubInfo> Engine::stub(const std::string& id) const { return stubs_.find(id); }
std::optional<std::int64_t> Engine::stub_calls(const std::string& id) const { return stubs_.calls(id); }

}  // namespace mockhttp
