#include "control/admin_api.hpp"

#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <mockhttp/errors.hpp>

#include "criteria/criteria_node.hpp"
#include "encoding/unicode_text.hpp"
#include "matching/scenario_states.hpp"
#include "exchange/error_catalogue.hpp"
#include "exchange/json_answer.hpp"
#include "control/request_inspection.hpp"
#include "control/json_body.hpp"
#include "control/route_refusal.hpp"
#include "control/route_table.hpp"
#include "control/schema_catalog.hpp"
#include "core/engine.hpp"
#include "matching/request_evaluation.hpp"

namespace mockhttp::detail {

using nlohmann::json;

namespace {

constexpr const char* kPrefix = "/__mock__";
// POST /__mock__/wait holds a worker thread while it waits: a minute at most.
constexpr std::int64_t kMaxWaitMs = 60000;

// A request matcher of an assertion: assertive-mock-api compares an assertion's string path
// literally ("/users/{id}" is that very string); in C++, confirm_request() reads it as the
// stub's template. The wire keeps its meaning by asking for literal equality.
Request literal_path_matcher(json fields, const std::string& pointer) {
  if (fields.is_object() && fields.contains("path") && fields["path"].is_string()) {
    fields["path"] = eq(fields["path"].get<std::string>()).to_json();
  }
  return Request::from_json(fields, pointer);
}

// FastAPI's 422 shape, which assertive-mock-api's clients see, plus the JSON Pointer.
void send_invalid(DeliveryPlan& response, const std::string& pointer, const std::string& problem,
                  const json& document) {
  json location = json::array({"body"});
  const json::json_pointer at(pointer);
  for (json::json_pointer step = at; !step.empty(); step = step.parent_pointer()) {
    location.insert(location.begin() + 1, step.back());
  }
  json input = document.contains(at) ? document.at(at) : json();
  // The input is echoed as FastAPI does, but not whole when it is large: a 10 MB field must not
  // come back as 10 MB.
  constexpr std::size_t kInputEchoed = 1024;
  if (const std::string text = input.dump(-1, ' ', false, json::error_handler_t::replace); text.size() > kInputEchoed) {
    input = "(" + std::to_string(text.size()) + " bytes of JSON, not echoed) " + preview(input);
  }
  // FastAPI's "detail" is a list of problems, given here as a member of the error's own.
  set_error(
      response, WireError::invalid_payload, ErrorShape::mockhttp, "",
      {{"detail", json::array({{{"type", "value_error"}, {"loc", location}, {"msg", problem}, {"input", input}}})},
       {"path", pointer},
       {"problem", problem}});
}

// assertive-mock-api answers these with FastAPI's {"detail": "..."}; the catalogue's code
// rides beside it, so its clients read them as before.
void send_detail(DeliveryPlan& response, WireError error, const std::string& detail) {
  set_error(response, error, ErrorShape::mockhttp, detail);
}

// The document the JSON Schema sees: each criteria reduced to a stand-in operator. valijson
// evaluates the criteria schema's alternatives at every level, so its cost grows with the square
// of the nesting (an 8 KB payload nested 4,000 deep took 22 s and 15 GB); the criteria reader,
// which runs first and whose verdicts test/schema_conformance_test.py holds to the same schema,
// checks criteria in linear time. The schema still checks the envelope and each field's shape.
json with_criteria_folded(const std::string& schema, const json& document) {
  static const json kStandIn = {{"$even", json::object()}};
  const auto fold = [](json& holder, const char* field) {
    if (!holder.is_object() || !holder.contains(field)) return;
    json& value = holder[field];
    if (value.is_array() || (value.is_object() && !value.empty() && value.begin().key().rfind('$', 0) == 0)) {
      value = kStandIn;
    } else if (value.is_object()) {
      for (auto& item : value.items()) {
        if (item.value().is_structured()) item.value() = kStandIn;
      }
    }
  };
  constexpr const char* kMatcherFields[] = {"method", "path", "headers", "query", "host", "body"};
  json folded = document;
  if (schema == "stub.schema.json" && folded.is_object() && folded.contains("request")) {
    for (const char* field : kMatcherFields) fold(folded["request"], field);
  } else if (schema == "assert.schema.json") {
    for (const char* field : kMatcherFields) fold(folded, field);
    fold(folded, "times");
  }
  return folded;
}

// One admin call: the request, the scope its headers name, and its JSON body once read.
struct AdminCall {
  const RecordedRequest& request;
  DeliveryPlan& response;
  std::shared_ptr<ScopeRecord> scope;  // null: global

  std::uint64_t scope_id() const { return scope ? scope->id : kGlobalScope; }

  // Reads the body as JSON and checks it against `schema`; on failure the 422 is sent and
  // nullopt returned. The reader's message wins when it names the problem too: it is the
  // more precise of the two. Any Content-Type is accepted (`curl -d` sends a form type) as
  // long as the body is JSON.
  std::optional<json> payload(const std::string& schema, const std::function<void(const json&)>& read) const {
    JsonBody body = read_json_body(request.body, EmptyBody::required);
    if (!body) {
      send_invalid(response, "", *body.problem, json());
      return std::nullopt;
    }
    json document = std::move(body.document);
    const auto schema_problem = first_schema_problem(schema, with_criteria_folded(schema, document));
    try {
      read(document);
    } catch (const DocumentError& e) {
      send_invalid(response, e.pointer(), e.problem(), document);
      return std::nullopt;
    } catch (const Error& e) {
      send_invalid(response, "", e.what(), document);
      return std::nullopt;
    }
    if (schema_problem) {
      send_invalid(response, schema_problem->pointer, schema_problem->message, document);
      return std::nullopt;
    }
    return document;
  }
};

// assertive-mock-api's stub view: every field present, null where unset, so that clients can
// read any of them without checking first.
json stub_view(const StubInfo& stub) {
  json view = stub.to_json();
  const auto fill = [](json& object, std::initializer_list<const char*> fields) {
    for (const char* field : fields) {
      if (!object.contains(field)) object[field] = nullptr;
    }
  };
  fill(view["request"], {"method", "path", "headers", "query", "host", "body"});
  fill(view["action"], {"response", "proxy", "sse", "sequence"});
  if (view["action"]["response"].is_object()) fill(view["action"]["response"], {"body", "template_body"});
  fill(view, {"max_calls", "chaos", "scope", "scenario", "expect"});
  return view;
}

void welcome(Engine&, const AdminCall& call) {
  send_json(call.response, 200,
            {{"message", "Welcome to the Assertive Mock API Server! (mockhttp)"},
             {"available_endpoints",
              {"/__mock__/scopes", "/__mock__/scopes (GET list)", "/__mock__/stubs", "/__mock__/stubs/{stub_id}",
               "/__mock__/assert", "/__mock__/assert_sequence", "/__mock__/wait", "/__mock__/verify",
               "/__mock__/scenarios", "/__mock__/scenarios/{name}", "/__mock__/scenarios/reset", "/__mock__/requests",
               "/__mock__/requests/{id}/near_miss", "/__mock__/reset", "/__mock__/websockets", "/__admin__"}}});
}

void create_stub(Engine& core, const AdminCall& call) {
  std::optional<StubDefinition> definition;
  std::optional<std::string> id;
  const auto document = call.payload("stub.schema.json", [&](const json& doc) {
    definition = StubDefinition::from_json(doc);
    definition->validate();
    for (const char* key : {"id", "stub_id"}) {
      if (doc.is_object() && doc.contains(key) && doc[key].is_string()) id = doc[key].get<std::string>();
    }
  });
  if (!document) return;
  try {
    const std::string stub_id = core.mount(std::move(*definition), *StubPlacement::in(call.scope, nullptr), id);
    send_json(call.response, 200, {{"success", true}, {"stub_id", stub_id}});
  } catch (const StubError& e) {
    send_detail(call.response, WireError::stub_id_taken, e.what());
  } catch (const ScopeError& e) {
    send_detail(call.response, WireError::scope_not_found, e.what());
  }
}

// A listing is a page, so that a journal of a million entries or 100,000 stubs never becomes one
// document of hundreds of megabytes: at most `limit` items (kListedByDefault unless asked) and
// about kListingBytes of JSON, each written as it is read. "more" and "next_since" (requests) or
// "next_offset" (stubs) say how to ask for the rest.
constexpr std::size_t kListedByDefault = 10000;
constexpr std::size_t kListedAtMost = 100000;
constexpr std::size_t kListingBytes = 32u << 20;

// A query parameter read as a whole number in [0, most]; nullopt, with the 400 sent, otherwise.
std::optional<std::uint64_t> count_parameter(const AdminCall& call, const char* name, std::uint64_t fallback,
                                             std::uint64_t most) {
  if (!(call.request.query.count(name) > 0)) return fallback;
  const std::string text = query_value(call.request, name);
  const auto value = journal_id_of(text);  // digits only, at most 19 of them
  if (!value || *value > most) {
    set_error(call.response, WireError::invalid_query_parameter, ErrorShape::mockhttp,
              std::string(name) + " must be a whole number from 0 to " + std::to_string(most) + ", got \"" +
                  text.substr(0, 40) + "\"");
    return std::nullopt;
  }
  return value;
}

// Pages as the journal's listing does, by position in mount order: `offset` and `limit`.
void list_stubs(Engine& core, const AdminCall& call) {
  const auto limit = count_parameter(call, "limit", kListedByDefault, kListedAtMost);
  if (!limit) return;
  const auto offset = count_parameter(call, "offset", 0, std::numeric_limits<std::uint32_t>::max());
  if (!offset) return;
  const ScopeFilter filter =
      call.scope ? ScopeFilter::scope_and_global(call.scope->id) : ScopeFilter::only(kGlobalScope);
  const auto page = core.stubs(filter, static_cast<std::size_t>(*offset), static_cast<std::size_t>(*limit) + 1);
  std::string listed;
  std::size_t count = 0;
  bool more = false;
  for (const auto& stub : page) {
    if (count == *limit || (count > 0 && listed.size() > kListingBytes)) {
      more = true;
      break;
    }
    listed += (count++ == 0 ? "" : ",") + stub_view(stub).dump(-1, ' ', false, json::error_handler_t::replace);
  }
  send_text(call.response, 200,
            "{\"stubs\":[" + listed + "],\"more\":" + (more ? "true" : "false") +
                ",\"next_offset\":" + (more ? std::to_string(*offset + count) : "null") + "}",
            "application/json");
}

// With a scope header: that scope's stubs or global ones, as assertive-mock-api. Without one,
// any stub: ids are random UUIDs, and the Python client's session deletes its scoped stubs
// without the header (assertive-mock-api answers 404 there; mockhttp lets the client work).
void delete_stub(Engine& core, const AdminCall& call, const std::string& id) {
  const ScopeFilter filter = call.scope ? ScopeFilter::scope_and_global(call.scope->id) : ScopeFilter::everything();
  if (core.remove_stub(id, filter)) {
    send_json(call.response, 200, {{"success", true}, {"stub_id", id}});
  } else {
    send_detail(call.response, WireError::stub_not_found, "Stub '" + id + "' was not found");
  }
}

// An assertion's fields (POST /__mock__/assert, /wait): the matcher and `times`; `extra` names
// the other fields the endpoint reads itself.
void read_assertion(const json& doc, std::optional<Request>& matcher, Criteria& times,
                    std::initializer_list<const char*> extra = {}) {
  if (!doc.is_object()) throw DocumentError("", "an assertion must be an object, got " + type_name(doc));
  json fields = doc;
  if (fields.contains("times")) {
    const json& given = fields["times"];
    if (given.is_number_integer()) {
      if (given.get<std::int64_t>() < 0) throw DocumentError("/times", "times must be >= 0, got " + given.dump());
      times = Criteria(given);
    } else if (given.is_object()) {
      times = Criteria::from_json(given, "/times");
    } else if (!given.is_null()) {
      throw DocumentError("/times", "times must be a whole number or a criteria object, got " + type_name(given));
    }
    fields.erase("times");
  }
  for (const char* key : extra) fields.erase(key);
  matcher = literal_path_matcher(fields, "");
}

json verification_body(const Verification& verification) {
  json body = {{"result", verification.passed()}, {"matching_requests", verification.matching_requests()}};
  if (!verification.passed()) {
    json closest = json::array();
    for (const auto& miss : verification.closest_requests()) closest.push_back(miss.to_json());
    body["report"] = verification.report();
    body["closest_requests"] = closest;
  }
  return body;
}

// As assertive-mock-api: a scoped assertion counts the scope's requests and the global ones.
ScopeFilter assertion_filter(const AdminCall& call) {
  return call.scope ? ScopeFilter::scope_and_global(call.scope->id) : ScopeFilter::only(kGlobalScope);
}

void confirm(Engine& core, const AdminCall& call) {
  std::optional<Request> matcher;
  Criteria times = gte(1);
  const auto document =
      call.payload("assert.schema.json", [&](const json& doc) { read_assertion(doc, matcher, times); });
  if (!document) return;
  send_json(call.response, 200, verification_body(core.confirm(*matcher, times, assertion_filter(call))));
}

void wait_for(Engine& core, const AdminCall& call) {
  std::optional<Request> matcher;
  Criteria times = gte(1);
  std::int64_t timeout_ms = 5000;
  const auto document = call.payload("wait.schema.json", [&](const json& doc) {
    read_assertion(doc, matcher, times, {"timeout_ms"});
    if (doc.contains("timeout_ms") && !doc["timeout_ms"].is_null()) {
      const json& given = doc["timeout_ms"];
      if (!given.is_number_integer() || given.get<std::int64_t>() < 0 || given.get<std::int64_t>() > kMaxWaitMs) {
        throw DocumentError("/timeout_ms", "timeout_ms must be a whole number of milliseconds from 0 to " +
                                               std::to_string(kMaxWaitMs) + ", got " + given.dump());
      }
      timeout_ms = given.get<std::int64_t>();
    }
  });
  if (!document) return;
  send_json(
      call.response, 200,
      verification_body(core.wait_for(*matcher, times, std::chrono::milliseconds(timeout_ms), assertion_filter(call))));
}

void confirm_sequence(Engine& core, const AdminCall& call) {
  std::vector<Request> matchers;
  const auto document = call.payload("assert-sequence.schema.json", [&](const json& doc) {
    if (!doc.is_object() || !doc.contains("requests")) throw DocumentError("/requests", "requests is required");
    const json& requests = doc["requests"];
    if (!requests.is_array() || requests.empty()) {
      throw DocumentError("/requests", "requests must be a non-empty array of request matchers");
    }
    for (std::size_t i = 0; i < requests.size(); ++i) {
      matchers.push_back(literal_path_matcher(requests[i], "/requests/" + std::to_string(i)));
    }
  });
  if (!document) return;
  const Verification verification = core.confirm_sequence(matchers, assertion_filter(call));
  json body = {{"result", verification.passed()},
               {"matching_steps", verification.matching_requests()},
               {"report", verification.report()}};
  send_json(call.response, 200, body);
}

// With a scope header, the scope's stubs; without, every stub.
void verify(Engine& core, const AdminCall& call) {
  const Verification verification =
      core.verify(call.scope ? ScopeFilter::only(call.scope->id) : ScopeFilter::everything());
  send_json(call.response, 200,
            {{"result", verification.passed()},
             {"expectations_held", verification.matching_requests()},
             {"report", verification.report()}});
}

void list_scenarios(Engine& core, const AdminCall& call) {
  send_json(call.response, 200, {{"scenarios", core.scenario_states(call.scope_id())}});
}

void set_scenario(Engine& core, const AdminCall& call, const std::string& name) {
  std::string state;
  const auto document = call.payload("scenario-state.schema.json", [&](const json& doc) {
    if (!doc.is_object() || !doc.contains("state")) throw DocumentError("/state", "state is required");
    if (!doc["state"].is_string() || doc["state"].get<std::string>().empty()) {
      throw DocumentError("/state", "state must be a non-empty string, got " + doc["state"].dump());
    }
    state = doc["state"].get<std::string>();
    if (state.size() > detail::kMaxScenarioText) {
      throw DocumentError("/state", "state is " + std::to_string(state.size()) + " bytes; at most " +
                                        std::to_string(detail::kMaxScenarioText));
    }
  });
  if (!document) return;
  core.set_scenario_state(call.scope_id(), name, state);
  send_json(call.response, 200, {{"success", true}, {"name", name}, {"state", state}});
}

void reset_scenarios(Engine& core, const AdminCall& call) {
  core.reset_scenarios(call.scope ? ScopeFilter::only(call.scope->id) : ScopeFilter::everything());
  send_json(call.response, 200, {{"success", true}});
}

void create_scope(Engine& core, const AdminCall& call) {
  std::string name;
  const auto document = call.payload("scope.schema.json", [&](const json& doc) {
    if (!doc.is_object() || !doc.contains("name")) throw DocumentError("/name", "name is required");
    if (!doc["name"].is_string()) throw DocumentError("/name", "name must be a string, got " + type_name(doc["name"]));
    name = doc["name"].get<std::string>();
    try {
      normalize_scope_name(name);
    } catch (const ScopeError& e) {
      throw DocumentError("/name", e.what());
    }
  });
  if (!document) return;
  try {
    const auto record = core.create_scope(name);
    send_json(call.response, 201, {{"success", true}, {"name", record->name}});
  } catch (const ScopeError& e) {
    if (e.reason() != ScopeError::Reason::already_exists) throw;
    send_detail(call.response, WireError::scope_exists, "Scope '" + name + "' already exists");
  }
}

void list_scopes(Engine& core, const AdminCall& call) {
  send_json(call.response, 200, {{"scopes", core.scope_names()}});
}

void delete_scope(Engine& core, const AdminCall& call, const std::string& name) {
  try {
    normalize_scope_name(name);
  } catch (const ScopeError& e) {
    send_invalid(call.response, "/name", e.what(), json());
    return;
  }
  try {
    core.delete_scope(name);
    send_json(call.response, 200, {{"success", true}, {"name", ascii_lowercase(name)}});
  } catch (const ScopeError&) {
    send_detail(call.response, WireError::scope_not_found, "Scope '" + name + "' was not found");
  }
}

// Each entry carries its journal "id", which GET /__mock__/requests/{id}/near_miss takes.
void list_requests(Engine& core, const AdminCall& call) {
  const auto limit = count_parameter(call, "limit", kListedByDefault, kListedAtMost);
  if (!limit) return;
  const auto since = count_parameter(call, "since", 0, std::numeric_limits<std::uint64_t>::max());
  if (!since) return;
  const ScopeFilter filter =
      call.scope ? ScopeFilter::scope_and_global(call.scope->id) : ScopeFilter::only(kGlobalScope);
  // One more than the page, to know whether more remain; each entry is written as it is read.
  const auto entries = core.journal_entries(filter, *since, static_cast<std::size_t>(*limit) + 1);
  std::string listed;
  std::size_t count = 0;
  std::uint64_t last_id = *since;
  bool more = false;
  for (const auto& entry : entries) {
    if (count == *limit || (count > 0 && listed.size() > kListingBytes)) {
      more = true;
      break;
    }
    json shown = entry.request.to_json();
    shown["id"] = entry.id;
    listed += (count++ == 0 ? "" : ",") + shown.dump(-1, ' ', false, json::error_handler_t::replace);
    last_id = entry.id;
  }
  send_text(call.response, 200,
            "{\"requests\":[" + listed + "],\"more\":" + (more ? "true" : "false") +
                ",\"next_since\":" + (more ? std::to_string(last_id) : "null") + "}",
            "application/json");
}

// The near-miss report of an unmatched journaled request, by its id: what its 404 said, computed
// now against the stubs mounted now. Ids are unique across scopes, so no scope header is needed.
void near_miss_of_request(Engine& core, const AdminCall& call, const std::string& id_text) {
  const auto id = journal_id_of(id_text);
  const auto entry = id ? core.journal_entry(*id) : std::nullopt;
  if (!entry) {
    send_detail(call.response, WireError::journal_entry_not_found,
                "No journaled request has id '" + id_text +
                    "' (ids are the \"id\" of GET /__mock__/requests; dropped or cleared "
                    "requests are gone)");
    return;
  }
  std::string why_not;
  if (const auto report = near_miss_of(core, *entry, why_not)) {
    send_json(call.response, 200, *report);
  } else {
    send_detail(call.response, WireError::near_miss_unavailable, why_not);
  }
}

void clear_requests(Engine& core, const AdminCall& call) {
  core.clear_requests(ScopeFilter::only(call.scope_id()));
  send_json(call.response, 200, {{"success", true}});
}

void reset(Engine& core, const AdminCall& call) {
  core.forget(call.scope ? ScopeFilter::only(call.scope->id) : ScopeFilter::everything());
  send_json(call.response, 200, {{"success", true}});
}

// WebSocket connections (docs/websocket.md#push): with a scope header, the scope's; without,
// every one.
ScopeFilter socket_filter(const AdminCall& call) {
  return call.scope ? ScopeFilter::only(call.scope->id) : ScopeFilter::everything();
}

void list_websockets(Engine& core, const AdminCall& call) {
  const auto closed = call.request.query.find("closed");
  const bool include_closed = closed != call.request.query.end() && closed->second == "true";
  json connections = json::array();
  for (const auto& info : core.sockets().list(socket_filter(call), include_closed)) {
    connections.push_back(info.to_json());
  }
  send_json(call.response, 200, {{"connections", connections}});
}

void show_websocket(Engine& core, const AdminCall& call, const std::string& id_text) {
  const auto id = journal_id_of(id_text);
  std::optional<WebSocketConnectionInfo> info;
  for (const auto& listed : core.sockets().list(socket_filter(call), true)) {
    if (id && listed.id == *id) info = listed;
  }
  if (!info) {
    send_detail(call.response, WireError::websocket_not_found, "no WebSocket connection " + id_text + " in reach");
    return;
  }
  // The newest kListedAtMost journal entries are looked through; each message keeps its journal id.
  json messages = json::array();
  for (const auto& entry : core.journal_entries(socket_filter(call), 0, kListedAtMost, Engine::JournalEnd::newest)) {
    if (!entry.request.websocket || entry.request.connection_id != info->id) continue;
    json message = entry.request.to_json();
    message["id"] = entry.id;
    messages.push_back(std::move(message));
  }
  json body = info->to_json();
  body["messages"] = std::move(messages);
  send_json(call.response, 200, body);
}

// The open connections a push or a close names: one by id, or those whose upgrade request
// matches `request` (every open one when neither is given).
struct ChosenSockets {
  std::optional<std::uint64_t> connection;
  std::optional<Request> upgrade;

  std::vector<std::uint64_t> in(Engine& core, const AdminCall& call) const {
    std::vector<std::uint64_t> ids;
    for (const auto& info : core.sockets().list(socket_filter(call), false)) {
      if (connection && info.id != *connection) continue;
      if (upgrade && !evaluate_request(*upgrade, RequestSubjects(info.upgrade), PathMode::pattern, true).matched) {
        continue;
      }
      ids.push_back(info.id);
    }
    return ids;
  }
  static ChosenSockets from_json(const json& doc) {
    ChosenSockets chosen;
    if (doc.contains("connection") && !doc["connection"].is_null()) {
      chosen.connection = doc["connection"].get<std::uint64_t>();
    }
    if (doc.contains("request") && !doc["request"].is_null())
      chosen.upgrade = Request::from_json(doc["request"], "/request");
    return chosen;
  }
};

void answer_chosen(const AdminCall& call, const ChosenSockets& chosen, const std::vector<std::uint64_t>& reached,
                   const char* verb) {
  if (chosen.connection && reached.empty()) {
    send_detail(call.response, WireError::websocket_not_found,
                "no open WebSocket connection " + std::to_string(*chosen.connection) + " in reach");
    return;
  }
  send_json(call.response, 200, {{verb, reached}});
}

void send_to_websockets(Engine& core, const AdminCall& call) {
  ChosenSockets chosen;
  std::optional<WebSocketMessage> message;
  const auto document = call.payload("websocket-send.schema.json", [&](const json& doc) {
    if (!doc.is_object() || !doc.contains("message")) throw DocumentError("/message", "message is required");
    for (const char* refused : {"code", "reason"}) {
      if (doc.contains(refused))
        throw DocumentError(std::string("/") + refused, "a push takes no close code or reason");
    }
    message = WebSocketMessage::from_json(doc["message"], "/message");
    message->delay = std::chrono::milliseconds(0);
    chosen = ChosenSockets::from_json(doc);
  });
  if (!document) return;
  std::vector<std::uint64_t> reached;
  for (const auto id : chosen.in(core, call)) {
    if (core.sockets().perform(id, {SocketAction::send(*message)})) reached.push_back(id);
  }
  answer_chosen(call, chosen, reached, "sent_to");
}

void close_websockets(Engine& core, const AdminCall& call) {
  ChosenSockets chosen;
  std::uint16_t code = 1000;
  std::string reason;
  const auto document = call.payload("websocket-send.schema.json", [&](const json& doc) {
    if (doc.is_object() && doc.contains("message")) throw DocumentError("/message", "a close takes no message");
    if (doc.contains("code")) {
      if (!doc["code"].is_number_integer() || !close_code_sendable(doc["code"].get<std::uint16_t>())) {
        throw DocumentError("/code",
                            "code must be a close code a server may send (1000-1003, 1007-1014, "
                            "3000-4999), got " +
                                doc["code"].dump());
      }
      code = doc["code"].get<std::uint16_t>();
    }
    if (doc.contains("reason")) {
      if (!doc["reason"].is_string()) throw DocumentError("/reason", "reason must be a string");
      reason = doc["reason"].get<std::string>();
      if (reason.size() > 123) {
        throw DocumentError("/reason",
                            "a close reason holds at most 123 bytes of UTF-8, got " + std::to_string(reason.size()));
      }
    }
    chosen = ChosenSockets::from_json(doc);
  });
  if (!document) return;
  std::vector<std::uint64_t> reached;
  for (const auto id : chosen.in(core, call)) {
    if (core.sockets().perform(id, {SocketAction::close(code, reason)})) reached.push_back(id);
  }
  answer_chosen(call, chosen, reached, "closed");
}

}  // namespace

namespace {

// A route of the admin API: what it does, and whether it answers within the caller's scope
// (the scope headers are resolved first; a call matching two scopes is refused).
struct AdminRoute {
  std::function<void(Engine&, const AdminCall&, const RouteCaptures&)> act;
  bool scope_aware = true;
};

template <void (*Act)(Engine&, const AdminCall&)>
AdminRoute plain(bool scope_aware = true) {
  return {[](Engine& core, const AdminCall& call, const RouteCaptures&) { Act(core, call); }, scope_aware};
}

template <void (*Act)(Engine&, const AdminCall&, const std::string&)>
AdminRoute with(const char* capture, bool scope_aware = true) {
  return {[capture](Engine& core, const AdminCall& call, const RouteCaptures& captures) {
            Act(core, call, captures.at(capture));
          },
          scope_aware};
}

const RouteTable<AdminRoute>& admin_routes() {
  static const RouteTable<AdminRoute> table = [] {
    RouteTable<AdminRoute> routes;
    routes.add("*", "/__mock__", plain<welcome>(false))
        .add("GET", "/__mock__/stubs", plain<list_stubs>())
        .add("POST", "/__mock__/stubs", plain<create_stub>())
        .add("DELETE", "/__mock__/stubs/{id}", with<delete_stub>("id"))
        .add("POST", "/__mock__/assert", plain<confirm>())
        .add("POST", "/__mock__/assert_sequence", plain<confirm_sequence>())
        .add("POST", "/__mock__/wait", plain<wait_for>())
        .add("POST", "/__mock__/verify", plain<verify>())
        .add("GET", "/__mock__/scenarios", plain<list_scenarios>())
        .add("POST", "/__mock__/scenarios/reset", plain<reset_scenarios>())
        .add("PUT", "/__mock__/scenarios/{name}", with<set_scenario>("name"))
        .add("GET", "/__mock__/scopes", plain<list_scopes>(false))
        .add("POST", "/__mock__/scopes", plain<create_scope>(false))
        .add("DELETE", "/__mock__/scopes/{name}", with<delete_scope>("name", false))
        .add("GET", "/__mock__/requests", plain<list_requests>())
        .add("DELETE", "/__mock__/requests", plain<clear_requests>())
        .add("GET", "/__mock__/requests/{id}/near_miss", with<near_miss_of_request>("id", false))
        .add("POST", "/__mock__/reset", plain<reset>())
        .add("GET", "/__mock__/websockets", plain<list_websockets>())
        .add("GET", "/__mock__/websockets/{id}", with<show_websocket>("id"))
        .add("POST", "/__mock__/websockets/send", plain<send_to_websockets>())
        .add("POST", "/__mock__/websockets/close", plain<close_websockets>());
    return routes;
  }();
  return table;
}

}  // namespace

bool handle_admin_call(Engine& core, const RecordedRequest& request, DeliveryPlan& response) {
  if (request.path.rfind(kPrefix, 0) != 0) return false;
  const auto match = admin_routes().find(request.method, request.path);
  if (!match.handler) {
    return answer_options(request, match.allowed, response);
  }
  AdminCall call{request, response, nullptr};
  if (match.handler->scope_aware) {
    const ScopeResolution resolution = core.resolve_scope(request.headers_json());
    if (!resolution.collisions.empty()) {
      set_error(response, WireError::scope_collision, ErrorShape::mockhttp,
                "Multiple scope headers matched this request", {{"scopes", resolution.collisions}});
      return true;
    }
    call.scope = resolution.scope;
  }
  match.handler->act(core, call, match.captures);
  return true;
}

}  // namespace mockhttp::detail
