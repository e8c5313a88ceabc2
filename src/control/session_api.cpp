#include "control/session_api.hpp"

#include <mockhttp/errors.hpp>

#include "replay/case_writer.hpp"

#include "exchange/error_catalogue.hpp"
#include "exchange/json_answer.hpp"
#include "control/json_body.hpp"
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

// A known route called with another method: Softprobe's 405, naming the one it takes.
bool refuse_method(const RecordedRequest& request, DeliveryPlan& response, const char* allowed) {
  response.set_header("Allow", allowed);
  send_error(response, WireError::session_method_not_allowed,
             request.method + " " + request.path + " is not a route; it takes " + allowed);
  return true;
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

}  // namespace

bool handle_session_call(Engine& core, const RecordedRequest& request, DeliveryPlan& response) {
  const std::string& path = request.path;
  const bool get = request.method == "GET";
  if (path == "/health") {
    if (!get) return refuse_method(request, response, "GET");
    // Softprobe's liveness probe; open even when a token guards the rest (its clients check it
    // before anything else).
    send_json(response, 200, {{"status", "ok"}, {"specVersion", "http-control-api@v1"}, {"schemaVersion", "1"}});
    return true;
  }
  if (path == "/v1/meta") {
    if (!get) return refuse_method(request, response, "GET");
    send_json(response, 200,
              {{"runtimeVersion", std::string("mockhttp ") + MOCKHTTP_VERSION},
               {"specVersion", "http-control-api@v1"},
               {"schemaVersion", "1"}});
    return true;
  }
  const std::string prefix = "/v1/sessions";
  if (path.rfind(prefix, 0) != 0) return false;
  if (path == prefix && get) {
    json sessions = json::array();
    for (const auto& session : core.replay_sessions().list()) sessions.push_back(session_summary(*session));
    send_json(response, 200, {{"sessions", sessions}});
    return true;
  }
  if (path == prefix && request.method != "POST") return refuse_method(request, response, "GET, POST");

  if (path == prefix) {
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

  // /v1/sessions/{id}/{operation}[/...]
  const std::string rest = path.substr(prefix.size());
  if (rest.size() < 2 || rest[0] != '/') return false;
  const auto slash = rest.find('/', 1);
  if (slash == std::string::npos) return false;
  const std::string id = rest.substr(1, slash - 1);
  const std::string what = rest.substr(slash + 1);
  const bool reads = what == "stats" || what == "state" || what == "case";
  const bool changes =
      what == "load-case" || what == "policy" || what == "rules" || what == "fixtures/auth" || what == "close";
  if (!reads && !changes) return false;
  if (reads && !get) return refuse_method(request, response, "GET");
  if (changes && request.method != "POST") return refuse_method(request, response, "POST");

  const auto session = core.replay_sessions().find(id);
  if (!session) {
    send_error(response, WireError::unknown_session, "no replay session '" + id + "' (closed, or never started)");
    return true;
  }
  if (what == "case") {  // mockhttp's: what a capture session recorded, as a case document
    send_json(response, 200, case_document(session->id(), session->id(), session->captured()));
    return true;
  }
  if (reads) {
    json out = session_stats(*session);
    if (what == "state") {
      const auto loaded = session->loaded_case();
      out["caseSummary"] = {
          {"caseId", loaded ? json(loaded->case_id()) : json(nullptr)},
          {"traceCount", loaded && loaded->document().contains("traces") ? loaded->document()["traces"].size() : 0},
          {"exchangeCount", loaded ? loaded->exchanges().size() : 0},
          {"ruleCount", session->rules().size()},
          {"policy", session->policy().to_json()}};
    }
    send_json(response, 200, out);
    return true;
  }
  try {
    if (what == "load-case") {
      const auto body = body_of(request, response, "session-load-case.request.schema.json");
      if (!body) return true;
      session->load_case(ReplayCase::from_json(*body));
    } else if (what == "policy") {
      const auto body = body_of(request, response, "session-policy.request.schema.json");
      if (!body) return true;
      session->set_policy(ReplayPolicy::from_json(*body));
    } else if (what == "rules") {
      const auto body = body_of(request, response, "session-rules.request.schema.json");
      if (!body) return true;
      std::vector<ReplayRule> rules;
      for (std::size_t i = 0; i < (*body)["rules"].size(); ++i) {
        rules.push_back(ReplayRule::from_json((*body)["rules"][i], "/rules/" + std::to_string(i)));
      }
      session->replace_rules(std::move(rules));
    } else if (what == "fixtures/auth") {
      const auto body = body_of(request, response, "session-fixtures-auth.request.schema.json");
      if (!body) return true;
      session->set_fixture("auth", *body);
    } else {
      const auto body = body_of(request, response, "session-close.request.schema.json");
      if (!body) return true;
      core.replay_sessions().close(id);
      send_json(response, 200, {{"sessionId", id}, {"closed", true}});
      return true;
    }
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

}  // namespace mockhttp::detail
