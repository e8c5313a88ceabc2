#include "control/session_api.hpp"

#include <memory>
#include <string>
#include <vector>

#include <mockhttp/errors.hpp>

#include "replay/case_writer.hpp"

#include "exchange/error_catalogue.hpp"
#include "exchange/json_answer.hpp"
#include "control/json_body.hpp"
#include "control/route_refusal.hpp"
#include "control/route_table.hpp"
#include "control/schema_catalog.hpp"
#include "core/engine.hpp"

namespace mockhttp::detail {

using nlohmann::json;

namespace {

json operation(const ReplaySessionState& session) {
  return {{"sessionId", session.id()}, {"sessionRevision", session.revision()}};
}

// Softprobe's error shape, for every error of its control API; invalid bodies carry the JSON
// Pointer as "path".
void send_error(DeliveryPlan& response, WireError error, const std::string& message, const std::string& pointer = "") {
  set_error(response, error, ErrorShape::softprobe, message, pointer.empty() ? json(nullptr) : json{{"path", pointer}});
}

// The body as JSON, checked against `schema`; nullopt (and the 400 sent) when it is not.
std::optional<json> body_of(const RecordedRequest& request, DeliveryPlan& response, const std::string& schema) {
  JsonBody read = read_json_body(request.body, EmptyBody::empty_object);
  if (!read) {
    send_error(response, WireError::invalid_request, *read.problem);
    return std::nullopt;
  }
  json document = std::move(read.document);
  if (const auto problem = first_schema_problem(schema, document)) {
    send_error(response, WireError::invalid_request, problem->message, problem->pointer);
    return std::nullopt;
  }
  return document;
}

ReplayMode mode_of(const std::string& name) {
  if (name == "capture") return ReplayMode::capture;
  if (name == "generate") return ReplayMode::generate;
  return ReplayMode::replay;
}

const char* mode_name(ReplayMode mode) {
  switch (mode) {
    case ReplayMode::capture:
      return "capture";
    case ReplayMode::generate:
      return "generate";
    case ReplayMode::replay:
      break;
  }
  return "replay";
}

json session_summary(const ReplaySessionState& session) {
  return {{"sessionId", session.id()}, {"mode", mode_name(session.mode())}, {"sessionRevision", session.revision()}};
}

json session_stats(const ReplaySessionState& session) {
  const auto stats = session.stats();
  json out = session_summary(session);
  out["stats"] = {
      {"injectedSpans", stats.injected}, {"extractedSpans", stats.extracted}, {"strictMisses", stats.strict_misses}};
  return out;
}

using SessionHandler = bool (*)(Engine&, const RecordedRequest&, DeliveryPlan&, const RouteCaptures&);

bool health(Engine&, const RecordedRequest&, DeliveryPlan& response, const RouteCaptures&) {
  // Softprobe's liveness probe; open even when a token guards the rest (its clients check it
  // before anything else).
  send_json(response, 200, {{"status", "ok"}, {"specVersion", "http-control-api@v1"}, {"schemaVersion", "1"}});
  return true;
}

bool meta(Engine&, const RecordedRequest&, DeliveryPlan& response, const RouteCaptures&) {
  send_json(response, 200,
            {{"runtimeVersion", std::string("mockhttp ") + MOCKHTTP_VERSION},
             {"specVersion", "http-control-api@v1"},
             {"schemaVersion", "1"}});
  return true;
}

bool list_sessions(Engine& core, const RecordedRequest&, DeliveryPlan& response, const RouteCaptures&) {
  json sessions = json::array();
  for (const auto& session : core.replay_sessions().list()) sessions.push_back(session_summary(*session));
  send_json(response, 200, {{"sessions", sessions}});
  return true;
}

bool create_session(Engine& core, const RecordedRequest& request, DeliveryPlan& response, const RouteCaptures&) {
  const auto body = body_of(request, response, "session-create.request.schema.json");
  if (!body) return true;
  ReplayPolicy policy;
  if (body->contains("policy")) {
    try {
      policy = ReplayPolicy::from_json((*body)["policy"], "/policy");
    } catch (const RuleError& e) {
      send_error(response, WireError::invalid_request, e.problem(), e.pointer());
      return true;
    }
  }
  const auto session = core.replay_sessions().create(mode_of((*body)["mode"].get<std::string>()));
  if (body->contains("policy")) session->set_policy(policy);
  send_json(response, 200, {{"sessionId", session->id()}, {"sessionRevision", 0}});
  return true;
}

// The session a /v1/sessions/{id}/... route names; null, with the 404 sent, when there is none.
std::shared_ptr<ReplaySessionState> session_named(Engine& core, const RouteCaptures& captures, DeliveryPlan& response) {
  const std::string& id = captures.at("id");
  auto session = core.replay_sessions().find(id);
  if (!session)
    send_error(response, WireError::unknown_session, "no replay session '" + id + "' (closed, or never started)");
  return session;
}

// mockhttp's own: what a capture session recorded, as a case document.
bool captured_case(Engine& core, const RecordedRequest&, DeliveryPlan& response, const RouteCaptures& captures) {
  const auto session = session_named(core, captures, response);
  if (session) send_json(response, 200, case_document(session->id(), session->id(), session->captured()));
  return true;
}

bool stats(Engine& core, const RecordedRequest&, DeliveryPlan& response, const RouteCaptures& captures) {
  const auto session = session_named(core, captures, response);
  if (session) send_json(response, 200, session_stats(*session));
  return true;
}

bool state(Engine& core, const RecordedRequest&, DeliveryPlan& response, const RouteCaptures& captures) {
  const auto session = session_named(core, captures, response);
  if (!session) return true;
  json out = session_stats(*session);
  const auto loaded = session->loaded_case();
  out["caseSummary"] = {
      {"caseId", loaded ? json(loaded->case_id()) : json(nullptr)},
      {"traceCount", loaded && loaded->document().contains("traces") ? loaded->document()["traces"].size() : 0},
      {"exchangeCount", loaded ? loaded->exchanges().size() : 0},
      {"ruleCount", session->rules().size()},
      {"policy", session->policy().to_json()}};
  send_json(response, 200, out);
  return true;
}

// A change to a session: its body read against `schema`, applied by `apply`, answered with the
// session's id and revision; a rule or case that does not read is a 400 naming where.
template <typename Apply>
bool change(Engine& core, const RecordedRequest& request, DeliveryPlan& response, const RouteCaptures& captures,
            const char* schema, Apply apply) {
  const auto session = session_named(core, captures, response);
  if (!session) return true;
  const auto body = body_of(request, response, schema);
  if (!body) return true;
  try {
    apply(*session, *body);
  } catch (const RuleError& e) {
    send_error(response, WireError::invalid_request, "invalid rule: " + e.problem(), e.pointer());
    return true;
  } catch (const CaseLoadError& e) {
    send_error(response, WireError::invalid_request, "invalid case: " + e.problem(), e.pointer());
    return true;
  }
  send_json(response, 200, operation(*session));
  return true;
}

bool load_case(Engine& core, const RecordedRequest& request, DeliveryPlan& response, const RouteCaptures& captures) {
  return change(core, request, response, captures, "session-load-case.request.schema.json",
                [](ReplaySessionState& session, const json& body) { session.load_case(ReplayCase::from_json(body)); });
}

bool set_policy(Engine& core, const RecordedRequest& request, DeliveryPlan& response, const RouteCaptures& captures) {
  return change(
      core, request, response, captures, "session-policy.request.schema.json",
      [](ReplaySessionState& session, const json& body) { session.set_policy(ReplayPolicy::from_json(body)); });
}

bool replace_rules(Engine& core, const RecordedRequest& request, DeliveryPlan& response,
                   const RouteCaptures& captures) {
  return change(core, request, response, captures, "session-rules.request.schema.json",
                [](ReplaySessionState& session, const json& body) {
                  std::vector<ReplayRule> rules;
                  for (std::size_t i = 0; i < body["rules"].size(); ++i) {
                    rules.push_back(ReplayRule::from_json(body["rules"][i], "/rules/" + std::to_string(i)));
                  }
                  session.replace_rules(std::move(rules));
                });
}

bool set_auth_fixture(Engine& core, const RecordedRequest& request, DeliveryPlan& response,
                      const RouteCaptures& captures) {
  return change(core, request, response, captures, "session-fixtures-auth.request.schema.json",
                [](ReplaySessionState& session, const json& body) { session.set_fixture("auth", body); });
}

bool close_session(Engine& core, const RecordedRequest& request, DeliveryPlan& response,
                   const RouteCaptures& captures) {
  const auto session = session_named(core, captures, response);
  if (!session) return true;
  if (!body_of(request, response, "session-close.request.schema.json")) return true;
  core.replay_sessions().close(session->id());
  send_json(response, 200, {{"sessionId", session->id()}, {"closed", true}});
  return true;
}

const RouteTable<SessionHandler>& session_routes() {
  static const RouteTable<SessionHandler> table = [] {
    RouteTable<SessionHandler> routes;
    routes.add("GET", "/health", health)
        .add("GET", "/v1/meta", meta)
        .add("GET", "/v1/sessions", list_sessions)
        .add("POST", "/v1/sessions", create_session)
        .add("GET", "/v1/sessions/{id}/stats", stats)
        .add("GET", "/v1/sessions/{id}/state", state)
        .add("GET", "/v1/sessions/{id}/case", captured_case)
        .add("POST", "/v1/sessions/{id}/load-case", load_case)
        .add("POST", "/v1/sessions/{id}/policy", set_policy)
        .add("POST", "/v1/sessions/{id}/rules", replace_rules)
        .add("POST", "/v1/sessions/{id}/fixtures/auth", set_auth_fixture)
        .add("POST", "/v1/sessions/{id}/close", close_session);
    return routes;
  }();
  return table;
}

}  // namespace

bool handle_session_call(Engine& core, const RecordedRequest& request, DeliveryPlan& response) {
  const auto match = session_routes().find(request.method, request.path);
  if (!match.handler) {
    return refuse_other_methods(request, match.allowed, WireError::session_method_not_allowed, ErrorShape::softprobe,
                                response);
  }
  return (*match.handler)(core, request, response, match.captures);
}

}  // namespace mockhttp::detail
