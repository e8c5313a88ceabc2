// The JSON forms of a stub's model (StubDefinition, StubInfo) and the checks of a definition
// built in C++: the wire form of POST /__mock__/stubs and of stub files, read and written here
// so that every front end (the C++ API, the HTTP API, stub files, the CLI) shares them.
#include <mockhttp/stub_definition.hpp>

#include <string>
#include <utility>

#include <mockhttp/errors.hpp>

#include "exchange/trailer_fields.hpp"
#include "matching/impossible_matcher.hpp"
#include "matching/path_pattern.hpp"
#include "matching/request_fields.hpp"
#include "matching/scenario_states.hpp"
#include "wire/stub_json.hpp"
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

// A stub built in C++ meets the same trailer rule as one read from JSON, when it is mounted.
void require_sendable_trailers(const Response& response, const std::string& where) {
  for (const auto& [name, value] : response.trailers()) {
    if (auto problem = detail::why_not_a_trailer(name, value)) throw StubError(where + ".trailers: " + *problem);
  }
}

}  // namespace

void detail::require_scenario_text(const std::string& value, const char* field) {
  if (value.empty()) throw StubError(std::string(field) + " must not be empty");
  if (value.size() > detail::kMaxScenarioText) {
    throw StubError(std::string(field) + " is " + std::to_string(value.size()) + " bytes; at most " +
                    std::to_string(detail::kMaxScenarioText));
  }
}

Json StubDefinition::to_json() const {
  Json action;
  if (sse) {
    action = {{"sse", sse->to_json()}};
  } else if (proxy) {
    action = {{"proxy", proxy->to_json()}};
  } else if (grpc.size() == 1) {
    action = {{"grpc", grpc.front().to_json()}};
  } else if (!grpc.empty()) {
    Json replies = Json::array();
    for (const auto& reply : grpc) replies.push_back(reply.to_json());
    action = {{"grpc", replies}};
  } else if (grpc_conversation) {
    action = {{"grpc_conversation", grpc_conversation->to_json()}};
  } else if (websocket) {
    action = {{"websocket", websocket->to_json()}};
  } else if (responder || grpc_responder) {
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
  const detail::WireObject fields(
      document, pointer, {"request", "action", "max_calls", "chaos", "scenario", "expect", "id", "stub_id"}, "a stub");
  StubDefinition definition;
  if (!fields.has("request")) fields.fail("request", "request is required (use {} to match every request)");
  definition.request = Request::from_json(fields.at("request"), fields.pointer("request"));
  if (!fields.has("action"))
    fields.fail("action",
                "action is required: one of response, sequence, sse, proxy, grpc, grpc_conversation, websocket");
  if (fields.at("action").is_object() && fields.at("action").contains("callback")) {
    fields.fail("action", "a callback action is a C++ function and cannot be read from JSON");
  }
  const detail::WireObject action(fields.at("action"), fields.pointer("action"),
                                  {"response", "sequence", "sse", "proxy", "grpc", "grpc_conversation", "websocket"},
                                  "action");
  const int actions = (action.has("response") ? 1 : 0) + (action.has("sequence") ? 1 : 0) +
                      (action.has("sse") ? 1 : 0) + (action.has("proxy") ? 1 : 0) + (action.has("grpc") ? 1 : 0) +
                      (action.has("grpc_conversation") ? 1 : 0) + (action.has("websocket") ? 1 : 0);
  if (actions != 1) {
    detail::WireObject::fail_at(
        fields.pointer("action"),
        "Exactly one of response, proxy or sse must be provided. (mockhttp also takes sequence, grpc, "
        "grpc_conversation and websocket.)");
  }
  if (action.has("response"))
    definition.response = Response::from_json(action.at("response"), action.pointer("response"));
  if (action.has("sequence")) {
    const detail::WireObject sequence(action.at("sequence"), action.pointer("sequence"), {"responses", "cycle"},
                                      "action.sequence");
    const Json& responses = sequence.at("responses");
    if (!sequence.has("responses") || !responses.is_array() || responses.empty()) {
      sequence.fail("responses", "responses must be a non-empty array of responses");
    }
    for (std::size_t i = 0; i < responses.size(); ++i) {
      definition.sequence.push_back(
          Response::from_json(responses[i], detail::pointer_append(sequence.pointer("responses"), i)));
    }
    definition.sequence_end = sequence.boolean_or("cycle", false) ? SequenceEnd::cycle : SequenceEnd::repeat_last;
  }
  if (action.has("sse")) definition.sse = EventStream::from_json(action.at("sse"), action.pointer("sse"));
  if (action.has("proxy")) definition.proxy = ProxyTarget::from_json(action.at("proxy"), action.pointer("proxy"));
  if (action.has("grpc")) {
    // One reply, or a list answered in turn (the last repeats).
    const Json& grpc = action.at("grpc");
    if (grpc.is_array()) {
      if (grpc.empty()) action.fail("grpc", "grpc must be a reply or a non-empty list of replies");
      for (std::size_t i = 0; i < grpc.size(); ++i) {
        definition.grpc.push_back(GrpcReply::from_json(grpc[i], detail::pointer_append(action.pointer("grpc"), i)));
      }
    } else {
      definition.grpc.push_back(GrpcReply::from_json(grpc, action.pointer("grpc")));
    }
  }
  if (action.has("grpc_conversation")) {
    definition.grpc_conversation =
        GrpcConversation::from_json(action.at("grpc_conversation"), action.pointer("grpc_conversation"));
  }
  if (action.has("websocket")) {
    definition.websocket = WebSocketScript::from_json(action.at("websocket"), action.pointer("websocket"));
  }
  if (fields.has("max_calls")) definition.max_calls = fields.integer("max_calls", 0);
  if (fields.has("chaos")) definition.chaos = Chaos::from_json(fields.at("chaos"), fields.pointer("chaos"));
  if (fields.has("scenario"))
    definition.scenario = scenario_from_json(fields.at("scenario"), fields.pointer("scenario"));
  if (fields.has("expect"))
    definition.expected_calls = Criteria::from_json(fields.at("expect"), fields.pointer("expect"));
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
  require_sendable_trailers(response, "response");
  for (std::size_t i = 0; i < sequence.size(); ++i) {
    require_sendable_trailers(sequence[i], "sequence[" + std::to_string(i) + "]");
  }
  const int actions = (sse ? 1 : 0) + (proxy ? 1 : 0) + (responder ? 1 : 0) + (sequence.empty() ? 0 : 1) +
                      (grpc.empty() ? 0 : 1) + (grpc_responder ? 1 : 0) + (grpc_conversation ? 1 : 0) +
                      (websocket ? 1 : 0);
  if (actions > 1) {
    throw StubError(
        "a stub answers with one action: a response, a sequence, a responder, sse, proxy, grpc, a gRPC "
        "conversation or a WebSocket script");
  }
  if (websocket) websocket->validate();
  if (grpc_conversation && grpc_conversation->unmatched() == UnmatchedMessage::near_miss) {
    throw StubError(
        "action.grpc_conversation.unmatched: near_miss is a WebSocket answer; a gRPC call ends (end_call) or "
        "ignores the message");
  }
  if (chaos.fault && chaos.fault->kind == FaultKind::grpc_status && grpc.empty() && !grpc_responder &&
      !grpc_conversation) {
    throw StubError(
        "chaos.faults.grpc_status ends a gRPC call with a status; this stub answers no gRPC call (action.grpc or "
        "respond_with_grpc)");
  }
  if (sse) sse->validate();
  if (proxy) proxy->validate();
  if (scenario) {
    detail::require_scenario_text(scenario->name, "scenario.name");
    if (scenario->required_state) detail::require_scenario_text(*scenario->required_state, "scenario.when_state");
    if (scenario->new_state) detail::require_scenario_text(*scenario->new_state, "scenario.will_set_state");
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

}  // namespace mockhttp
