#include <mockhttp/errors.hpp>
#include <mockhttp/replay_rule.hpp>

#include "criteria/criteria_node.hpp"
#include "replay/rule_predicate.hpp"
#include "encoding/json_pointer.hpp"
#include "encoding/unicode_text.hpp"
#include "encoding/host_list.hpp"

namespace mockhttp {

using Json = nlohmann::json;

namespace {

[[noreturn]] void fail(const std::string& pointer, const std::string& problem) { throw RuleError(pointer, problem); }

const std::string& string_at(const Json& object, const char* key, const std::string& pointer) {
  const Json& value = object.at(key);
  if (!value.is_string())
    fail(detail::pointer_append(pointer, key), std::string(key) + " must be a string, got " + detail::type_name(value));
  return value.get_ref<const std::string&>();
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
    if (!document[status_key].is_number_integer())
      fail(pointer + "/" + status_key, std::string(status_key) + " must be an integer");
    response.status(document[status_key].get<int>());
  }
  if (document.contains("headers")) {
    if (!document["headers"].is_object()) fail(pointer + "/headers", "headers must be an object");
    for (const auto& item : document["headers"].items()) {
      if (!item.value().is_string())
        fail(detail::pointer_append(pointer + "/headers", item.key()), "a header value must be a string");
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
      fail(detail::pointer_append(pointer, key),
           "unknown rule field \"" + key + "\" (known: id, name, priority, consume, when, then)");
    }
  }
  ReplayRule rule;
  if (document.contains("id"))
    rule.id = string_at(document, "id", pointer);
  else if (document.contains("name"))
    rule.id = string_at(document, "name", pointer);
  if (document.contains("priority")) {
    if (!document["priority"].is_number_integer()) fail(pointer + "/priority", "priority must be an integer");
    rule.priority = document["priority"].get<std::int64_t>();
  }
  if (document.contains("consume")) {
    const std::string& consume = string_at(document, "consume", pointer);
    if (consume != "once" && consume != "many")
      fail(pointer + "/consume", "consume must be \"once\" or \"many\", got \"" + consume + "\"");
    rule.consume_once = consume == "once";
  }
  if (!document.contains("when")) fail(pointer + "/when", "when is required (use {} to match every request)");
  detail::RulePredicate::from_json(document["when"], pointer + "/when");  // refuses a bad when now
  rule.when = document["when"];
  if (!document.contains("then")) fail(pointer + "/then", "then is required");
  const Json& then = document["then"];
  const std::string then_at = pointer + "/then";
  if (!then.is_object() || !then.contains("action")) fail(then_at, "then must be an object with an action");
  const std::string& action = string_at(then, "action", then_at);
  if (action == "mock") {
    rule.action = RuleAction::mock;
    if (then.contains("response"))
      rule.response = response_from_json(then["response"], then_at + "/response", "status");
  } else if (action == "error") {
    rule.action = RuleAction::error;
    if (!then.contains("error")) fail(then_at + "/error", "an error action needs error: {status, body}");
    if (!then["error"].is_object() || !then["error"].contains("status"))
      fail(then_at + "/error/status", "status is required");
    rule.response = response_from_json(then["error"], then_at + "/error", "status");
  } else if (action == "passthrough") {
    rule.action = RuleAction::passthrough;
  } else if (action == "capture_only") {
    rule.action = RuleAction::capture_only;
    if (then.contains("captureOnly")) {
      const Json& options = then["captureOnly"];
      const std::string at = then_at + "/captureOnly";
      if (!options.is_object())
        fail(at, "captureOnly must be an object such as {\"redactHeaders\": [\"authorization\"]}");
      for (const auto& option : options.items()) {
        if (option.key() != "redactHeaders")
          fail(detail::pointer_append(at, option.key()),
               "unknown captureOnly field \"" + option.key() + "\" (known: redactHeaders)");
      }
      if (options.contains("redactHeaders")) {
        const Json& names = options["redactHeaders"];
        if (!names.is_array()) fail(at + "/redactHeaders", "redactHeaders must be a list of header names");
        for (std::size_t i = 0; i < names.size(); ++i) {
          if (!names[i].is_string() || names[i].get<std::string>().empty()) {
            fail(at + "/redactHeaders/" + std::to_string(i), "a header name must be a non-empty string");
          }
          rule.redact_headers.push_back(names[i].get<std::string>());
        }
      }
    }
  } else if (action == "replay") {
    rule.action = RuleAction::replay;
  } else {
    fail(then_at + "/action",
         "action must be one of mock, error, passthrough, capture_only, replay; got \"" + action + "\"");
  }
  for (const auto& item : then.items()) {
    const std::string& key = item.key();
    const bool allowed = key == "action" || (key == "response" && rule.action == RuleAction::mock) ||
                         (key == "error" && rule.action == RuleAction::error) ||
                         (key == "captureOnly" && rule.action == RuleAction::capture_only);
    if (!allowed)
      fail(detail::pointer_append(then_at, key), "\"" + key + "\" does not belong to a " + action + " action");
  }
  return rule;
}

Json ReplayRule::to_json() const {
  static const char* kActions[] = {"mock", "error", "passthrough", "capture_only", "replay"};
  Json then = {{"action", kActions[static_cast<int>(action)]}};
  if (action == RuleAction::mock) then["response"] = response_to_json(response);
  if (action == RuleAction::error) then["error"] = {{"status", response.status()}, {"body", response.body()}};
  if (!redact_headers.empty()) then["captureOnly"] = {{"redactHeaders", redact_headers}};
  Json out = {{"priority", priority}, {"when", when}, {"then", then}};
  if (!id.empty()) out["id"] = id;
  if (consume_once) out["consume"] = "once";
  return out;
}

Request ReplayRule::matcher() const {
  return detail::CompiledPredicate::compile(detail::RulePredicate::from_json(when, "/when")).matcher;
}

ReplayPolicy ReplayPolicy::from_json(const Json& document, const std::string& pointer) {
  if (!document.is_object()) fail(pointer, "a policy must be an object, got " + detail::type_name(document));
  ReplayPolicy policy;
  if (document.contains("externalHttp")) {
    const std::string& value = string_at(document, "externalHttp", pointer);
    if (value != "strict" && value != "allow")
      fail(pointer + "/externalHttp", "externalHttp must be \"strict\" or \"allow\", got \"" + value + "\"");
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
      const std::string at = detail::pointer_append(detail::pointer_append(pointer, key), i);
      if (!list[i].is_string()) fail(at, "a host must be a string");
      // The one host grammar (docs/security.md#host-lists): checked here, where the pointer is known.
      std::string problem;
      if (!detail::HostPattern::parse(list[i].get<std::string>(), problem)) {
        fail(at, "\"" + list[i].get<std::string>() + "\" is not a host entry: " + problem);
      }
      target.push_back(list[i].get<std::string>());
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
