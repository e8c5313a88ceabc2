#include "replay/rule_predicate.hpp"

#include <algorithm>

#include <mockhttp/errors.hpp>

#include <re2/re2.h>

#include "criteria/criteria_node.hpp"
#include "encoding/json_pointer.hpp"
#include "encoding/unicode_text.hpp"
#include "matching/path_pattern.hpp"
#include "matching/request_evaluation.hpp"
#include "encoding/authority.hpp"

namespace mockhttp::detail {

using Json = nlohmann::json;

namespace {

constexpr const char* kWhenFields[] = {"direction", "service",    "host",    "hostSuffix",   "notHostSuffix", "method",
                                       "path",      "pathPrefix", "headers", "bodyJsonPath", "traceTags"};

[[noreturn]] void refuse(const std::string& pointer, const std::string& problem) { throw RuleError(pointer, problem); }

std::optional<std::string> text_at(const Json& when, const char* key, const std::string& pointer) {
  if (!when.contains(key)) return std::nullopt;
  const Json& value = when[key];
  if (!value.is_string())
    refuse(pointer_append(pointer, key), std::string(key) + " must be a string, got " + type_name(value));
  return value.get<std::string>();
}

// "$.user.id" -> $json with nested $key_values down to a key that merely exists.
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
  return as_json(inner);
}

}  // namespace

RulePredicate RulePredicate::from_json(const Json& when, const std::string& pointer) {
  if (!when.is_object()) refuse(pointer, "when must be an object, got " + type_name(when));
  for (const auto& item : when.items()) {
    const bool known = std::any_of(std::begin(kWhenFields), std::end(kWhenFields),
                                   [&](const char* field) { return item.key() == field; });
    if (!known) {
      refuse(pointer_append(pointer, item.key()),
             "unknown predicate \"" + item.key() +
                 "\" (known: direction, service, host, hostSuffix, notHostSuffix, method, path, pathPrefix, headers, "
                 "bodyJsonPath, traceTags)");
    }
  }
  RulePredicate p;
  p.direction = text_at(when, "direction", pointer);
  if (p.direction && *p.direction != "inbound" && *p.direction != "outbound") {
    refuse(pointer + "/direction", "direction must be \"inbound\" or \"outbound\", got \"" + *p.direction + "\"");
  }
  p.service = text_at(when, "service", pointer);
  p.host = text_at(when, "host", pointer);
  p.host_suffix = text_at(when, "hostSuffix", pointer);
  p.method = text_at(when, "method", pointer);
  p.path = text_at(when, "path", pointer);
  if (p.path && detail::count_path_segments(*p.path) > detail::kMaxPathSegments) {
    refuse(pointer + "/path", "path has " + std::to_string(detail::count_path_segments(*p.path)) +
                                  " segments; a rule's path may have at most " +
                                  std::to_string(detail::kMaxPathSegments));
  }
  p.path_prefix = text_at(when, "pathPrefix", pointer);
  p.body_json_path = text_at(when, "bodyJsonPath", pointer);
  if (when.contains("notHostSuffix")) {
    const Json& list = when["notHostSuffix"];
    if (!list.is_array() || list.empty())
      refuse(pointer + "/notHostSuffix", "notHostSuffix must be a non-empty list of strings");
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string()) refuse(pointer_append(pointer + "/notHostSuffix", i), "must be a string");
      p.not_host_suffixes.push_back(list[i].get<std::string>());
    }
  }
  if (when.contains("headers")) {
    const Json& headers = when["headers"];
    if (!headers.is_object()) refuse(pointer + "/headers", "headers must be an object of name: value or [values]");
    for (const auto& item : headers.items()) {
      const Json& v = item.value();
      const bool ok = v.is_string() || (v.is_array() && !v.empty() &&
                                        std::all_of(v.begin(), v.end(), [](const Json& e) { return e.is_string(); }));
      if (!ok)
        refuse(pointer_append(pointer + "/headers", item.key()),
               "a header must be a string or a non-empty list of strings");
      p.headers.emplace_back(item.key(), v.is_string() ? std::vector<std::string>{v.get<std::string>()}
                                                       : v.get<std::vector<std::string>>());
    }
  }
  if (p.body_json_path && (p.body_json_path->rfind("$.", 0) != 0 || p.body_json_path->size() < 3)) {
    refuse(pointer + "/bodyJsonPath",
           "bodyJsonPath must be a dotted JSONPath such as $.user.id, got \"" + *p.body_json_path + "\"");
  }
  if (when.contains("traceTags")) {
    const Json& tags = when["traceTags"];
    if (!tags.is_object()) refuse(pointer + "/traceTags", "traceTags must be an object");
    for (const auto& item : tags.items()) {
      if (!item.value().is_primitive() || item.value().is_null()) {
        refuse(pointer_append(pointer + "/traceTags", item.key()), "a trace tag must be a string, number or boolean");
      }
      p.trace_tags.emplace_back(item.key(), item.value());
    }
  }
  return p;
}

RulePredicate RulePredicate::from(const CasePredicate& predicate) {
  RulePredicate p;
  p.direction = predicate.direction;
  if (p.direction && *p.direction != "inbound" && *p.direction != "outbound") {
    refuse("/when/direction", "direction must be \"inbound\" or \"outbound\", got \"" + *p.direction + "\"");
  }
  p.method = predicate.method;
  p.host = predicate.host;
  p.host_suffix = predicate.host_suffix;
  p.path = predicate.path;
  p.path_prefix = predicate.path_prefix;
  for (const auto& [name, value] : predicate.headers) p.headers.push_back({name, {value}});
  return p;
}

Json RulePredicate::to_json() const {
  Json out = Json::object();
  const auto put = [&](const char* key, const std::optional<std::string>& value) {
    if (value) out[key] = *value;
  };
  put("direction", direction);
  put("service", service);
  put("host", host);
  put("hostSuffix", host_suffix);
  if (!not_host_suffixes.empty()) out["notHostSuffix"] = not_host_suffixes;
  put("method", method);
  put("path", path);
  put("pathPrefix", path_prefix);
  if (!headers.empty()) {
    Json listed = Json::object();
    for (const auto& [name, values] : headers) listed[name] = values.size() == 1 ? Json(values.front()) : Json(values);
    out["headers"] = listed;
  }
  put("bodyJsonPath", body_json_path);
  if (!trace_tags.empty()) {
    Json tags = Json::object();
    for (const auto& [key, value] : trace_tags) tags[key] = value;
    out["traceTags"] = tags;
  }
  return out;
}

CompiledPredicate CompiledPredicate::compile(const RulePredicate& p) {
  Request request;
  if (p.method) request.method(*p.method);
  std::vector<Criteria> host;
  if (p.host) host.push_back(parse_authority(*p.host).host);
  if (p.host_suffix) host.push_back(ends_with(ascii_lowercase(*p.host_suffix)));
  if (!p.not_host_suffixes.empty()) {
    std::vector<Criteria> excluded;
    for (const auto& suffix : p.not_host_suffixes) excluded.push_back(ends_with(ascii_lowercase(suffix)));
    host.push_back(is_not(any_of(std::move(excluded))));
  }
  if (host.size() == 1) request.host(host.front());
  if (host.size() > 1) request.host(all_of(std::move(host)));
  // Rule paths are literal (a `{` is a character, not a template): plain criteria.
  if (p.path && p.path_prefix) {
    request.path(all_of({eq(*p.path), starts_with(*p.path_prefix)}));
  } else if (p.path) {
    request.path(eq(*p.path));
  } else if (p.path_prefix) {
    request.path(starts_with(*p.path_prefix));
  }
  for (const auto& [name, values] : p.headers) {
    if (values.size() == 1) {
      request.header(name, values.front());
    } else {
      std::vector<Criteria> any;
      for (const auto& v : values) any.push_back(v);
      request.header(name, any_of(std::move(any)));
    }
  }
  // The service a request comes from is not on the wire; callers name it in this header.
  if (p.service) request.header("x-softprobe-service", *p.service);
  // Trace tags travel as W3C baggage entries: "key=value" in the baggage header. One baggage
  // criteria holds them all (a second header() on the same name would replace the first).
  if (!p.trace_tags.empty()) {
    std::vector<Criteria> entries;
    for (const auto& [key, tag] : p.trace_tags) {
      const std::string value = tag.is_string() ? tag.get<std::string>() : tag.dump();
      entries.push_back(
          regex("(?:.*,)?\\s*" + RE2::QuoteMeta(key) + "\\s*=\\s*" + RE2::QuoteMeta(value) + "\\s*(?:[,;].*)?$"));
    }
    request.header("baggage", entries.size() == 1 ? entries.front() : all_of(std::move(entries)));
  }
  if (p.body_json_path) request.body(body_has_path(*p.body_json_path));
  return {std::move(request), p.direction, p.path};
}

bool CompiledPredicate::matches(const CapturedExchange& exchange) const {
  if (direction && exchange.direction != *direction) return false;
  RecordedRequest captured;
  captured.method = exchange.request.method;
  captured.path = exchange.request.path;
  captured.host = exchange.request.host;
  captured.headers = exchange.request.headers;
  captured.body = exchange.request.body;
  return evaluate_request(matcher, RequestSubjects(captured), PathMode::literal, true).matched;
}

}  // namespace mockhttp::detail
