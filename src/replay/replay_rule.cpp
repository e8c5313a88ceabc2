#include <mockhttp/errors.hpp>
#include <mockhttp/replay_rule.hpp>

#include <re2/re2.h>

#include "criteria/criteria_node.hpp"
#include "encoding/json_pointer.hpp"
#include "encoding/unicode_text.hpp"
#include "transport/request_capture.hpp"

namespace mockhttp {

using Json = nlohmann::json;

namespace {

constexpr const char* kWhenFields[] = {"direction", "service", "host", "hostSuffix", "notHostSuffix", "method",
                                       "path", "pathPrefix", "headers", "bodyJsonPath", "traceTags"};

[[noreturn]] void fail(const std::string& pointer, const std::string& problem) { throw RuleError(pointer, problem); }

const std::string& string_at(const Json& object, const char* key, const std::string& pointer) {
  const Json& value = object.at(key);
  if (!value.is_string()) fail(detail::pointer_append(pointer, key), std::string(key) + " must be a string, got " + detail::type_name(value));
  return value.get_ref<const std::string&>();
}

std::string quoted(const std::string& literal) { return RE2::QuoteMeta(literal); }

void check_when(const Json& when, const std::string& pointer) {
  if (!when.is_object()) fail(pointer, "when must be an object, got " + detail::type_name(when));
  for (const auto& item : when.items()) {
    bool known = false;
    for (const char* field : kWhenFields) known = known || item.key() == field;
    if (!known) {
      fail(detail::pointer_append(pointer, item.key()),
           "unknown predicate \"" + item.key() +
               "\" (known: direction, service, host, hostSuffix, notHostSuffix, method, path, pathPrefix, headers, "
               "bodyJsonPath, traceTags)");
    }
  }
  for (const char* key : {"service", "host", "hostSuffix", "method", "path", "pathPrefix", "bodyJsonPath"}) {
    if (when.contains(key)) string_at(when, key, pointer);
  }
  if (when.contains("direction")) {
    const std::string& direction = string_at(when, "direction", pointer);
    if (direction != "inbound" && direction != "outbound") {
      fail(pointer + "/direction", "direction must be \"inbound\" or \"outbound\", got \"" + direction + "\"");
    }
  }
  if (when.contains("notHostSuffix")) {
    const Json& list = when["notHostSuffix"];
    if (!list.is_array() || list.empty()) fail(pointer + "/notHostSuffix", "notHostSuffix must be a non-empty list of strings");
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string()) fail(detail::pointer_append(pointer + "/notHostSuffix", i), "must be a string");
    }
  }
  if (when.contains("headers")) {
    const Json& headers = when["headers"];
    if (!headers.is_object()) fail(pointer + "/headers", "headers must be an object of name: value or [values]");
    for (const auto& item : headers.items()) {
      const Json& v = item.value();
      const bool ok = v.is_string() || (v.is_array() && !v.empty() &&
                                        std::all_of(v.begin(), v.end(), [](const Json& e) { return e.is_string(); }));
      if (!ok) fail(detail::pointer_append(pointer + "/headers", item.key()), "a header must be a string or a non-empty list of strings");
    }
  }
  if (when.contains("bodyJsonPath")) {
    const std::string& path = when["bodyJsonPath"].get_ref<const std::string&>();
    if (path.rfind("$.", 0) != 0 || path.size() < 3) {
      fail(pointer + "/bodyJsonPath", "bodyJsonPath must be a dotted JSONPath such as $.user.id, got \"" + path + "\"");
    }
  }
  if (when.contains("traceTags")) {
    const Json& tags = when["traceTags"];
    if (!tags.is_object()) fail(pointer + "/traceTags", "traceTags must be an object");
    for (const auto& item : tags.items()) {
      if (!item.value().is_primitive() || item.value().is_null()) {
        fail(detail::pointer_append(pointer + "/traceTags", item.key()), "a trace tag must be a string, number or boolean");
      }
    }
  }
}

// "$.user.id" -> $json with nested $key_values down to a value that merely exists.
Criteria body_has_path(const std::string& json_path) {
  std::vector<std::string> keys;
  std::size_t start = 2;
  while (start <= json_path.size()) {
    const auto dot = json_path.find('.', start);
    keys.push_back(json_path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  Criteria inner = exists();
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) inner = key_values({{*it, inner}});
  return json_body(inner);
}

Json response_to_json(const Response& response) {
  Json headers = Json::object();
  for (const auto& [name, value] : response.headers()) headers[name] = value;
  return {{"status", response.status()}, {"headers", headers}, {"body", response.body()}};
}

Response response_from_json(const Json& document, const std::string& pointer, const char* status_key) {
  if (!document.is_object()) fail(pointer, "must be an object, got " + detail::type_name(document));
  Response response;
  if (document.contains(status_key)) {
    if (!document[status_key].is_number_integer()) fail(pointer + "/" + status_key, std::string(status_key) + " must be an integer");
    response.status(document[status_key].get<int>());
  }
  if (document.contains("headers")) {
    if (!document["headers"].is_object()) fail(pointer + "/headers", "headers must be an object");
    for (const auto& item : document["headers"].items()) {
      if (!item.value().is_string()) fail(detail::pointer_append(pointer + "/headers", item.key()), "a header value must be a string");
      response.header(item.key(), item.value().get<std::string>());
    }
  }
  if (document.contains("body") && !document["body"].is_null()) {
    const Json& body = document["body"];
    body.is_string() ? response.body(body.get<std::string>()) : response.json_body(body);
  }
  return response;
}

}  // namespace

ReplayRule ReplayRule::from_json(const Json& document, const std::string& pointer) {
  if (!document.is_object()) fail(pointer, "a rule must be an object, got " + detail::type_name(document));
  for (const auto& item : document.items()) {
    const std::string& key = item.key();
    if (key != "id" && key != "name" && key != "priority" && key != "consume" && key != "when" && key != "then") {
      fail(detail::pointer_append(pointer, key), "unknown rule field \"" + key + "\" (known: id, name, priority, consume, when, then)");
    }
  }
  ReplayRule rule;
  if (document.contains("id")) rule.id = string_at(document, "id", pointer);
  else if (document.contains("name")) rule.id = string_at(document, "name", pointer);
  if (document.contains("priority")) {
    if (!document["priority"].is_number_integer()) fail(pointer + "/priority", "priority must be an integer");
    rule.priority = document["priority"].get<std::int64_t>();
  }
  if (document.contains("consume")) {
    const std::string& consume = string_at(document, "consume", pointer);
    if (consume != "once" && consume != "many") fail(pointer + "/consume", "consume must be \"once\" or \"many\", got \"" + consume + "\"");
    rule.consume_once = consume == "once";
  }
  if (!document.contains("when")) fail(pointer + "/when", "when is required (use {} to match every request)");
  check_when(document["when"], pointer + "/when");
  rule.when = document["when"];
  if (!document.contains("then")) fail(pointer + "/then", "then is required");
  const Json& then = document["then"];
  const std::string then_at = pointer + "/then";
  if (!then.is_object() || !then.contains("action")) fail(then_at, "then must be an object with an action");
  const std::string& action = string_at(then, "action", then_at);
  if (action == "mock") {
    rule.action = RuleAction::mock;
    if (then.contains("response")) rule.response = response_from_json(then["response"], then_at + "/response", "status");
  } else if (action == "error") {
    rule.action = RuleAction::error;
    if (!then.contains("error")) fail(then_at + "/error", "an error action needs error: {status, body}");
    if (!then["error"].is_object() || !then["error"].contains("status")) fail(then_at + "/error/status", "status is required");
    rule.response = response_from_json(then["error"], then_at + "/error", "status");
  } else if (action == "passthrough") {
    rule.action = RuleAction::passthrough;
  } else if (action == "capture_only") {
    rule.action = RuleAction::capture_only;
  } else if (action == "replay") {
    rule.action = RuleAction::replay;
  } else {
    fail(then_at + "/action", "action must be one of mock, error, passthrough, capture_only, replay; got \"" + action + "\"");
  }
  for (const auto& item : then.items()) {
    const std::string& key = item.key();
    const bool allowed = key == "action" || (key == "response" && rule.action == RuleAction::mock) ||
                         (key == "error" && rule.action == RuleAction::error);
    if (!allowed) fail(detail::pointer_append(then_at, key), "\"" + key + "\" does not belong to a " + action + " action");
  }
  return rule;
}

Json ReplayRule::to_json() const {
  static const char* kActions[] = {"mock", "error", "passthrough", "capture_only", "replay"};
  Json then = {{"action", kActions[static_cast<int>(action)]}};
  if (action == RuleAction::mock) then["response"] = response_to_json(response);
  if (action == RuleAction::error) then["error"] = {{"status", response.status()}, {"body", response.body()}};
  Json out = {{"priority", priority}, {"when", when}, {"then", then}};
  if (!id.empty()) out["id"] = id;
  if (consume_once) out["consume"] = "once";
  return out;
}

Request ReplayRule::matcher() const {
  Request request;
  if (when.contains("method")) request.method(when["method"].get<std::string>());
  std::vector<Criteria> host;
  if (when.contains("host")) host.push_back(detail::host_without_port(when["host"].get<std::string>()));
  if (when.contains("hostSuffix")) host.push_back(ends_with(detail::ascii_lowercase(when["hostSuffix"].get<std::string>())));
  if (when.contains("notHostSuffix")) {
    std::vector<Criteria> excluded;
    for (const auto& suffix : when["notHostSuffix"]) excluded.push_back(ends_with(detail::ascii_lowercase(suffix.get<std::string>())));
    host.push_back(is_not(any_of(std::move(excluded))));
  }
  if (host.size() == 1) request.host(host.front());
  if (host.size() > 1) request.host(all_of(std::move(host)));
  // Rule paths are literal (a `{` in one is a character, not a template): plain criteria.
  if (when.contains("path")) request.path(eq(when["path"].get<std::string>()));
  if (when.contains("pathPrefix")) {
    const Criteria prefix = starts_with(when["pathPrefix"].get<std::string>());
    request.path(when.contains("path") ? all_of({eq(when["path"].get<std::string>()), prefix}) : prefix);
  }
  if (when.contains("headers")) {
    for (const auto& item : when["headers"].items()) {
      if (item.value().is_string()) {
        request.header(item.key(), item.value().get<std::string>());
      } else {
        std::vector<Criteria> values;
        for (const auto& v : item.value()) values.push_back(v.get<std::string>());
        request.header(item.key(), any_of(std::move(values)));
      }
    }
  }
  // The service a request comes from is not on the wire; callers name it in this header.
  if (when.contains("service")) request.header("x-softprobe-service", when["service"].get<std::string>());
  // Trace tags travel as W3C baggage entries: "key=value" in the baggage header.
  if (when.contains("traceTags")) {
    for (const auto& item : when["traceTags"].items()) {
      const std::string value = item.value().is_string() ? item.value().get<std::string>() : item.value().dump();
      request.header("baggage", regex("(?:.*,)?\\s*" + quoted(item.key()) + "\\s*=\\s*" + quoted(value) + "\\s*(?:[,;].*)?$"));
    }
  }
  if (when.contains("bodyJsonPath")) request.body(body_has_path(when["bodyJsonPath"].get<std::string>()));
  return request;
}

ReplayPolicy ReplayPolicy::from_json(const Json& document, const std::string& pointer) {
  if (!document.is_object()) fail(pointer, "a policy must be an object, got " + detail::type_name(document));
  ReplayPolicy policy;
  if (document.contains("externalHttp")) {
    const std::string& value = string_at(document, "externalHttp", pointer);
    if (value != "strict" && value != "allow") fail(pointer + "/externalHttp", "externalHttp must be \"strict\" or \"allow\", got \"" + value + "\"");
    policy.strict_external_http = value == "strict";
  }
  if (document.contains("defaultOnMiss")) {
    const std::string& value = string_at(document, "defaultOnMiss", pointer);
    if (value != "error" && value != "passthrough") {
      fail(pointer + "/defaultOnMiss", "defaultOnMiss must be \"error\" or \"passthrough\", got \"" + value + "\"");
    }
    policy.passthrough_on_miss = value == "passthrough";
  }
  for (const char* key : {"allowHosts", "blockHosts"}) {
    if (!document.contains(key)) continue;
    const Json& list = document[key];
    if (!list.is_array()) fail(detail::pointer_append(pointer, key), std::string(key) + " must be a list of hosts");
    auto& target = std::string(key) == "allowHosts" ? policy.allow_hosts : policy.block_hosts;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string()) fail(detail::pointer_append(detail::pointer_append(pointer, key), i), "a host must be a string");
      target.push_back(detail::host_without_port(list[i].get<std::string>()));
    }
  }
  return policy;
}

Json ReplayPolicy::to_json() const {
  return {{"externalHttp", strict_external_http ? "strict" : "allow"},
          {"defaultOnMiss", passthrough_on_miss ? "passthrough" : "error"},
          {"allowHosts", allow_hosts},
          {"blockHosts", block_hosts}};
}

}  // namespace mockhttp
