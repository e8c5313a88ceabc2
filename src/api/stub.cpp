#include <exception>
#include <utility>

#include <mockhttp/errors.hpp>
#include <mockhttp/stub.hpp>

#include "core/engine.hpp"
#include "core/expectation_sink.hpp"
#include "wire/stub_json.hpp"

namespace mockhttp {

using Json = nlohmann::json;

std::int64_t StubRef::calls() const {
  const auto engine = engine_.lock();
  if (!engine) return 0;
  return engine->stub_calls(id_).value_or(0);
}

Verification StubRef::confirm_calls(const Criteria& times) const {
  const auto engine = engine_.lock();
  if (!engine) {
    const bool passed = times.matches(Json(0));
    return Engine::verdict(passed, 0, "Stub " + id_ + " is gone with its server: 0 calls");
  }
  return engine->confirm_calls(id_, times);
}

bool StubRef::remove() const {
  const auto engine = engine_.lock();
  return engine && engine->remove_stub(id_);
}

StubBuilder& StubBuilder::max_calls(std::int64_t calls) {
  if (calls < 0) throw StubError("max_calls must be >= 0, got " + std::to_string(calls));
  definition_.max_calls = calls;
  return *this;
}

StubBuilder& StubBuilder::expect(Criteria times) {
  definition_.expected_calls = std::move(times);
  return *this;
}

StubBuilder& StubBuilder::in_scenario(std::string name) {
  detail::require_scenario_text(name, "in_scenario(name)");
  if (!definition_.scenario) definition_.scenario = ScenarioStep{};
  definition_.scenario->name = std::move(name);
  return *this;
}

StubBuilder& StubBuilder::when_state(std::string state) {
  if (!definition_.scenario) throw StubError("when_state(\"" + state + "\") needs in_scenario(name) first");
  detail::require_scenario_text(state, "when_state(state)");
  definition_.scenario->required_state = std::move(state);
  return *this;
}

StubBuilder& StubBuilder::will_set_state(std::string state) {
  if (!definition_.scenario) throw StubError("will_set_state(\"" + state + "\") needs in_scenario(name) first");
  detail::require_scenario_text(state, "will_set_state(state)");
  definition_.scenario->new_state = std::move(state);
  return *this;
}

StubBuilder& StubBuilder::with_latency(Latency latency) {
  Chaos chaos;
  chaos.latency = latency;
  chaos.validate();
  definition_.chaos.latency = latency;
  return *this;
}

StubBuilder& StubBuilder::with_latency(std::chrono::milliseconds base, std::chrono::milliseconds jitter) {
  Chaos chaos;
  chaos.latency = Latency{base.count(), jitter.count()};
  chaos.validate();
  definition_.chaos.latency = chaos.latency;
  return *this;
}

StubBuilder& StubBuilder::with_connection_drop(double probability) {
  return with_fault(FaultKind::connection_drop, probability);
}

StubBuilder& StubBuilder::with_fault(FaultKind kind, double probability) {
  return with_fault(Fault{kind, probability});
}

StubBuilder& StubBuilder::with_fault(Fault fault) {
  Chaos chaos;
  chaos.fault = fault;
  chaos.validate();
  definition_.chaos.fault = chaos.fault;
  return *this;
}

StubBuilder& StubBuilder::with_dribble(int chunks, std::chrono::milliseconds duration) {
  Chaos chaos;
  chaos.dribble = Dribble{chunks, duration};
  chaos.validate();
  definition_.chaos.dribble = chaos.dribble;
  return *this;
}

StubRef StubBuilder::respond_with(Response response) {
  definition_.response = std::move(response);
  return mount();
}

StubRef StubBuilder::respond_with(int status, std::string body, Headers headers) {
  Response response(status);
  for (auto& [name, value] : headers) response.header(std::move(name), std::move(value));
  return respond_with(std::move(response.body(std::move(body))));
}

StubRef StubBuilder::respond_with_json(int status, const Json& body, Headers headers) {
  Response response(status);
  for (auto& [name, value] : headers) response.header(std::move(name), std::move(value));
  return respond_with(std::move(response.json_body(body)));
}

StubRef StubBuilder::respond_with_template(int status, std::string template_body, Headers headers) {
  Response response(status);
  for (auto& [name, value] : headers) response.header(std::move(name), std::move(value));
  return respond_with(std::move(response.template_body(std::move(template_body))));
}

StubRef StubBuilder::respond_with_sequence(std::vector<Response> responses, SequenceEnd end) {
  if (responses.empty()) throw StubError("respond_with_sequence needs at least one response");
  definition_.sequence = std::move(responses);
  definition_.sequence_end = end;
  return mount();
}

StubRef StubBuilder::respond_with(Responder responder) {
  if (!responder) throw StubError("respond_with(Responder): the responder is empty");
  definition_.responder = std::move(responder);
  return mount();
}

StubRef StubBuilder::respond_with_sse(EventStream stream) {
  definition_.sse = std::move(stream);
  return mount();
}

StubRef StubBuilder::respond_with_grpc(GrpcReply reply) {
  definition_.grpc = {std::move(reply)};
  return mount();
}

StubRef StubBuilder::respond_with_grpc_sequence(std::vector<GrpcReply> replies, SequenceEnd end) {
  if (replies.empty()) throw StubError("respond_with_grpc_sequence needs at least one reply");
  definition_.grpc = std::move(replies);
  definition_.sequence_end = end;
  return mount();
}

StubRef StubBuilder::respond_with_grpc(GrpcResponder responder) {
  if (!responder) throw StubError("respond_with_grpc(GrpcResponder): the responder is empty");
  definition_.grpc_responder = std::move(responder);
  return mount();
}

StubRef StubBuilder::respond_with_grpc_conversation(GrpcConversation conversation) {
  definition_.grpc_conversation = std::move(conversation);
  return mount();
}

StubRef StubBuilder::respond_with_websocket(WebSocketScript script) {
  definition_.websocket = std::move(script);
  return mount();
}

StubRef StubBuilder::proxy_to(ProxyTarget target) {
  definition_.proxy = std::move(target);
  return mount();
}

StubBuilder::StubBuilder(StubBuilder&& other) noexcept
    : engine_(std::move(other.engine_)),
      placement_(std::move(other.placement_)),
      definition_(std::move(other.definition_)),
      finished_(std::exchange(other.finished_, true)),
      exceptions_at_start_(other.exceptions_at_start_) {}

StubBuilder::~StubBuilder() {
  if (finished_ || std::uncaught_exceptions() > exceptions_at_start_) return;
  // A chain that stopped at a setter: the test would pass having mounted nothing.
  const SourceLocation& where = definition_.mounted_at;
  std::string report =
      "A stub builder ended without a response, so no stub was mounted: {" + definition_.request.describe() + "}";
  if (where.known()) report += " built at " + where.describe();
  report +=
      ". End the chain with respond_with(...), respond_with_json(...), respond_with_template(...), "
      "respond_with_sequence(...), respond_with_sse(...) or proxy_to(...)";
  if (definition_.expected_calls)
    report += "; its expect(" + definition_.expected_calls->describe() + ") was never checked";
  report += ".";
  detail::report_unmet_expectation({"", definition_.request.describe(), where, std::move(report)});
}

StubRef StubBuilder::mount() {
  finished_ = true;  // even when mounting throws: the exception says what is wrong
  return StubRef(engine_->mount(definition_, *placement_), engine_);
}

}  // namespace mockhttp
