#include <exception>
#include <utility>

#include <mockhttp/errors.hpp>
#include <mockhttp/mock_server.hpp>
#include <mockhttp/stub.hpp>

#include "core/engine.hpp"
#include "core/expectation_sink.hpp"
#include "matching/impossible_matcher.hpp"
#include "matching/path_pattern.hpp"
#include "matching/request_fields.hpp"
#include "matching/scenario_states.hpp"
#include "wire/wire_object.hpp"

namespace mockhttp {

using Json = nlohmann::json;

namespace {

Json scenario_json(const ScenarioStep& step) {
  Json out = {{"name", step.name}};
  if (step.required_state) out["when_state"] = *step.required_state;
  if (step.new_state) out["will_set_state"] = *step.new_state;
  return out;
}

ScenarioStep scenario_from_json(const Json& document, const std::string& pointer) {
  const detail::WireObject fields(document, pointer, {"name", "when_state", "will_set_state"}, "scenario");
  ScenarioStep step;
  step.name = fields.string("name");
  step.required_state = fields.optional_string("when_state");
  step.new_state = fields.optional_string("will_set_state");
  return step;
}

void require_text(const std::string& value, const char* field) {
  if (value.empty()) throw StubError(std::string(field) + " must not be empty");
  if (value.size() > detail::kMaxScenarioText) {
    throw StubError(std::string(field) + " is " + std::to_string(value.size()) + " bytes; at most " +
                    std::to_string(detail::kMaxScenarioText));
  }
}

}  // namespace

Json StubDefinition::to_json() const {
  Json action;
  if (sse) {
    action = {{"sse", sse->to_json()}};
  } else if (proxy) {
    action = {{"proxy", proxy->to_json()}};
  } else if (responder) {
    action = {{"callback", {{"description", "a C++ responder"}}}};
  } else if (!sequence.empty()) {
    Json responses = Json::array();
    for (const auto& item : sequence) responses.push_back(item.to_json());
    action = {{"sequence", {{"responses", responses}, {"cycle", sequence_end == SequenceEnd::cycle}}}};
  } else {
    action = {{"response", response.to_json()}};
  }
  Json out = {{"request", request.to_json()}, {"action", action}};
  if (max_calls) out["max_calls"] = *max_calls;
  if (!chaos.empty()) out["chaos"] = chaos.to_json();
  if (scenario) out["scenario"] = scenario_json(*scenario);
  if (expected_calls) out["expect"] = expected_calls->to_json();
  return out;
}

StubDefinition StubDefinition::from_json(const Json& document, const std::string& pointer) {
  const detail::WireObject fields(document, pointer,
                                  {"request", "action", "max_calls", "chaos", "scenario", "expect", "id", "stub_id"},
                                  "a stub");
  StubDefinition definition;
  if (!fields.has("request")) fields.fail("request", "request is required (use {} to match every request)");
  definition.request = Request::from_json(fields.at("request"), fields.pointer("request"));
  if (!fields.has("action")) fields.fail("action", "action is required: one of response, sequence, sse, proxy");
  if (fields.at("action").is_object() && fields.at("action").contains("callback")) {
    fields.fail("action", "a callback action is a C++ function and cannot be read from JSON");
  }
  const detail::WireObject action(fields.at("action"), fields.pointer("action"), {"response", "sequence", "sse", "proxy"},
                                  "action");
  const int actions = (action.has("response") ? 1 : 0) + (action.has("sequence") ? 1 : 0) + (action.has("sse") ? 1 : 0) +
                      (action.has("proxy") ? 1 : 0);
  if (actions != 1) {
    detail::WireObject::fail_at(fields.pointer("action"), "Exactly one of response, proxy or sse must be provided. (mockhttp also takes sequence.)");
  }
  if (action.has("response")) definition.response = Response::from_json(action.at("response"), action.pointer("response"));
  if (action.has("sequence")) {
    const detail::WireObject sequence(action.at("sequence"), action.pointer("sequence"), {"responses", "cycle"},
                                      "action.sequence");
    const Json& responses = sequence.at("responses");
    if (!sequence.has("responses") || !responses.is_array() || responses.empty()) {
      sequence.fail("responses", "responses must be a non-empty array of responses");
    }
    for (std::size_t i = 0; i < responses.size(); ++i) {
      definition.sequence.push_back(Response::from_json(responses[i], detail::pointer_append(sequence.pointer("responses"), i)));
    }
    definition.sequence_end = sequence.boolean_or("cycle", false) ? SequenceEnd::cycle : SequenceEnd::repeat_last;
  }
  if (action.has("sse")) definition.sse = EventStream::from_json(action.at("sse"), action.pointer("sse"));
  if (action.has("proxy")) definition.proxy = ProxyTarget::from_json(action.at("proxy"), action.pointer("proxy"));
  if (fields.has("max_calls")) definition.max_calls = fields.integer("max_calls", 0);
  if (fields.has("chaos")) definition.chaos = Chaos::from_json(fields.at("chaos"), fields.pointer("chaos"));
  if (fields.has("scenario")) definition.scenario = scenario_from_json(fields.at("scenario"), fields.pointer("scenario"));
  if (fields.has("expect")) definition.expected_calls = Criteria::from_json(fields.at("expect"), fields.pointer("expect"));
  return definition;
}

void StubDefinition::validate() const {
  if (auto problem = detail::why_no_request_can_match(request)) throw StubError(std::move(*problem));
  if (const auto& path = RequestFields::path_pattern(request)) {
    const std::size_t segments = detail::count_path_segments(*path);
    if (segments > detail::kMaxPathSegments) {
      throw StubError("request.path has " + std::to_string(segments) + " segments; a stub's path may have at most " +
                      std::to_string(detail::kMaxPathSegments) + " (docs/security.md)");
    }
  }
  if (max_calls && *max_calls < 0) throw StubError("max_calls must be >= 0, got " + std::to_string(*max_calls));
  chaos.validate();
  const int actions = (sse ? 1 : 0) + (proxy ? 1 : 0) + (responder ? 1 : 0) + (sequence.empty() ? 0 : 1);
  if (actions > 1) throw StubError("a stub answers with one action: a response, a sequence, a responder, sse or proxy");
  if (sse) sse->validate();
  if (proxy) proxy->validate();
  if (scenario) {
    require_text(scenario->name, "scenario.name");
    if (scenario->required_state) require_text(*scenario->required_state, "scenario.when_state");
    if (scenario->new_state) require_text(*scenario->new_state, "scenario.will_set_state");
  }
}

Json StubInfo::to_json() const {
  Json out = definition.to_json();
  out["stub_id"] = id;
  out["calls"] = calls;
  out["scope"] = scope ? Json(*scope) : Json(nullptr);
  out["mounted_at"] = definition.mounted_at.known() ? Json(definition.mounted_at.describe()) : Json(nullptr);
  return out;
}

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
  require_text(name, "in_scenario(name)");
  if (!definition_.scenario) definition_.scenario = ScenarioStep{};
  definition_.scenario->name = std::move(name);
  return *this;
}

StubBuilder& StubBuilder::when_state(std::string state) {
  if (!definition_.scenario) throw StubError("when_state(\"" + state + "\") needs in_scenario(name) first");
  require_text(state, "when_state(state)");
  definition_.scenario->required_state = std::move(state);
  return *this;
}

StubBuilder& StubBuilder::will_set_state(std::string state) {
  if (!definition_.scenario) throw StubError("will_set_state(\"" + state + "\") needs in_scenario(name) first");
  require_text(state, "will_set_state(state)");
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
  Chaos chaos;
  chaos.fault = Fault{kind, probability};
  chaos.validate();
  definition_.chaos.fault = chaos.fault;
  return *this;
}

StubBuilder& StubBuilder::with_dribble(int chunks, std::chrono::milliseconds duration) {
  Chaos chaos;
  chaos.dribble = Dribble{chunks, duration.count()};
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
  std::string report = "A stub builder ended without a response, so no stub was mounted: {" +
                       definition_.request.describe() + "}";
  if (where.known()) report += " built at " + where.describe();
  report += ". End the chain with respond_with(...), respond_with_json(...), respond_with_template(...), "
            "respond_with_sequence(...), respond_with_sse(...) or proxy_to(...)";
  if (definition_.expected_calls) report += "; its expect(" + definition_.expected_calls->describe() + ") was never checked";
  report += ".";
  detail::report_unmet_expectation({"", definition_.request.describe(), where, std::move(report)});
}

StubRef StubBuilder::mount() {
  finished_ = true;  // even when mounting throws: the exception says what is wrong
  return engine_->mount(definition_, *placement_);
}

}  // namespace mockhttp
