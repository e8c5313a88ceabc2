#include <cstdlib>

#include <mockhttp/errors.hpp>
#include <mockhttp/replay_case.hpp>

#include "criteria/criteria_node.hpp"
#include "encoding/json_pointer.hpp"
#include "encoding/unicode_text.hpp"
#include "encoding/authority.hpp"
#include "wire/json_file.hpp"
#include "encoding/bounded_json.hpp"
#include "replay/case_shape.hpp"
#include "replay/rule_predicate.hpp"

namespace mockhttp {

using Json = nlohmann::json;

namespace {

// OTLP JSON's AnyValue: {"stringValue": ...} | {"intValue": "12"} | {"doubleValue": 1.5} |
// {"boolValue": true} | {"bytesValue": "base64"} | {"arrayValue": {"values": [...]}} |
// {"kvlistValue": {"values": [{"key", "value"}]}}. int64 travels as a string in OTLP JSON.
Json decode_value(const Json& value) {
  if (!value.is_object() || value.empty()) return nullptr;
  if (value.contains("stringValue")) return value["stringValue"];
  if (value.contains("boolValue")) return value["boolValue"];
  if (value.contains("doubleValue")) return value["doubleValue"];
  if (value.contains("bytesValue")) return value["bytesValue"];
  if (value.contains("intValue")) {
    const Json& number = value["intValue"];
    if (number.is_string()) {
      try {
        return std::stoll(number.get<std::string>());
      } catch (const std::exception&) {
        return number;
      }
    }
    return number;
  }
  if (value.contains("arrayValue")) {
    Json out = Json::array();
    for (const auto& element : value["arrayValue"].value("values", Json::array())) out.push_back(decode_value(element));
    return out;
  }
  if (value.contains("kvlistValue")) {
    Json out = Json::object();
    for (const auto& entry : value["kvlistValue"].value("values", Json::array())) {
      if (entry.contains("key")) out[entry["key"].get<std::string>()] = decode_value(entry.value("value", Json()));
    }
    return out;
  }
  return value;  // a type OTLP may add later: kept as written
}

Json attributes_of(const Json& list) {
  Json out = Json::object();
  if (!list.is_array()) return out;
  for (const auto& attribute : list) {
    if (attribute.is_object() && attribute.contains("key") && attribute["key"].is_string()) {
      out[attribute["key"].get<std::string>()] = decode_value(attribute.value("value", Json()));
    }
  }
  return out;
}

std::string text_of(const Json& attributes, const char* key) {
  if (!attributes.contains(key)) return "";
  const Json& value = attributes[key];
  return value.is_string() ? value.get<std::string>() : value.dump();
}

Headers headers_with_prefix(const Json& attributes, const std::string& prefix) {
  Headers headers;
  for (const auto& item : attributes.items()) {
    const std::string& key = item.key();
    if (key.rfind(prefix, 0) != 0 || key.size() == prefix.size() || key[prefix.size()] == ':') continue;
    headers.emplace_back(key.substr(prefix.size()),
                         item.value().is_string() ? item.value().get<std::string>() : item.value().dump());
  }
  return headers;
}

CapturedExchange exchange_of(const Json& span, const std::string& resource_service) {
  CapturedExchange exchange;
  const Json attributes = attributes_of(span.value("attributes", Json::array()));
  exchange.attributes = attributes;
  exchange.trace_id = span.value("traceId", "");
  exchange.span_id = span.value("spanId", "");
  for (const auto& [field, target] :
       {std::pair<const char*, std::uint64_t*>{"startTimeUnixNano", &exchange.start_unix_nano},
        std::pair<const char*, std::uint64_t*>{"endTimeUnixNano", &exchange.end_unix_nano}}) {
    // OTLP JSON writes 64-bit integers as strings; some exporters write numbers.
    if (!span.contains(field)) continue;
    const Json& value = span[field];
    if (value.is_number_unsigned()) *target = value.get<std::uint64_t>();
    if (value.is_string()) *target = std::strtoull(value.get<std::string>().c_str(), nullptr, 10);
  }
  exchange.direction = text_of(attributes, "sp.traffic.direction");
  exchange.service = attributes.contains("sp.service.name") ? text_of(attributes, "sp.service.name") : resource_service;
  exchange.span_type = text_of(attributes, "sp.span.type");

  CapturedRequest& request = exchange.request;
  request.method = text_of(attributes, "http.request.method");
  if (request.method.empty()) request.method = text_of(attributes, "http.request.header.:method");
  for (char& c : request.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string host = text_of(attributes, "url.host");
  if (host.empty()) host = text_of(attributes, "http.request.header.:authority");
  if (host.empty()) host = text_of(attributes, "http.request.header.host");
  request.host = detail::parse_authority(host).host;
  request.path = text_of(attributes, "url.path");
  if (request.path.empty()) request.path = text_of(attributes, "http.request.header.:path");
  request.path = request.path.substr(0, request.path.find('?'));
  request.headers = headers_with_prefix(attributes, "http.request.header.");
  request.body = text_of(attributes, "http.request.body");

  CapturedResponse& response = exchange.response;
  std::string status = text_of(attributes, "http.response.status_code");
  if (status.empty()) status = text_of(attributes, "http.response.header.:status");
  if (!status.empty()) {
    try {
      response.status = std::stoi(status);
    } catch (const std::exception&) {
      response.status = 200;
    }
  }
  response.headers = headers_with_prefix(attributes, "http.response.header.");
  response.body = text_of(attributes, "http.response.body");
  return exchange;
}

std::string describe_exchange(const CapturedExchange& e) {
  return e.span_id + " (" + (e.direction.empty() ? "?" : e.direction) + " " +
         (e.request.method.empty() ? "?" : e.request.method) + " " + e.request.host + e.request.path + ")";
}

[[noreturn]] void invalid(const std::string& source, const std::string& pointer, const std::string& reason) {
  throw CaseLoadError(source, 0, pointer, reason);
}

}  // namespace

bool CasePredicate::matches(const CapturedExchange& e) const {
  return detail::CompiledPredicate::compile(detail::RulePredicate::from(*this)).matches(e);
}

std::string CasePredicate::describe() const {
  Json out = Json::object();
  if (direction) out["direction"] = *direction;
  if (method) out["method"] = *method;
  if (host) out["host"] = *host;
  if (host_suffix) out["host_suffix"] = *host_suffix;
  if (path) out["path"] = *path;
  if (path_prefix) out["path_prefix"] = *path_prefix;
  if (!headers.empty()) out["headers"] = headers;
  return out.dump();
}

Json CapturedResponse::body_as_json() const {
  try {
    return detail::parse_bounded_json(body);
  } catch (const detail::JsonTooDeep& e) {
    throw DocumentError("/body", std::string("the captured response body was not read: ") + e.what());
  } catch (const Json::exception&) {
    throw DocumentError("/body", "the captured response body is not JSON");
  }
}

CapturedResponse CapturedResponse::with_json_body(const Json& document) const {
  CapturedResponse copy = *this;
  copy.body = document.dump();
  return copy;
}

Response CapturedResponse::to_response() const {
  Response response(status);
  for (const auto& [name, value] : headers) {
    const std::string lower = detail::ascii_lowercase(name);
    if (lower == "content-length" || lower == "transfer-encoding" || lower == "connection" || lower == "date") continue;
    response.header(name, value);
  }
  response.body(body);
  return response;
}

ReplayCase ReplayCase::load_from_file(const std::string& path) {
  const detail::JsonFile file = detail::read_json_file(path);
  if (!file.document) throw CaseLoadError(path, file.byte, "", file.problem);
  return from_json(*file.document, path);
}

ReplayCase ReplayCase::from_json(const Json& document, const std::string& source) {
  if (detail::json_depth(document) > detail::kMaxJsonDepth) {
    invalid(source, "",
            "the case is nested deeper than " + std::to_string(detail::kMaxJsonDepth) +
                " levels; mockhttp reads documents up to that depth");
  }
  if (const auto problem = detail::first_case_shape_problem(document)) {
    invalid(source, problem->pointer, problem->message);
  }
  ReplayCase loaded;
  loaded.document_ = document;
  loaded.version_ = document["version"].get<std::string>();
  loaded.case_id_ = document["caseId"].get<std::string>();
  loaded.suite_ = document.value("suite", "");
  loaded.mode_ = document.value("mode", "");
  loaded.created_at_ = document.value("createdAt", "");

  const Json& traces = document["traces"];
  for (std::size_t t = 0; t < traces.size(); ++t) {
    for (const auto& resource_spans : traces[t]["resourceSpans"]) {
      const Json resource =
          attributes_of(resource_spans.value("resource", Json::object()).value("attributes", Json::array()));
      const std::string service = text_of(resource, "service.name");
      for (const auto& scope_spans : resource_spans["scopeSpans"]) {
        for (const auto& span : scope_spans["spans"]) loaded.exchanges_.push_back(exchange_of(span, service));
      }
    }
  }
  if (document.contains("rules") && document["rules"].is_array()) {
    const Json& rules = document["rules"];
    for (std::size_t i = 0; i < rules.size(); ++i) {
      try {
        ReplayRule rule = ReplayRule::from_json(rules[i], detail::pointer_append("/rules", i));
        if (rule.id.empty()) rule.id = "case-rule-" + std::to_string(i + 1);
        loaded.rules_.push_back(std::move(rule));
      } catch (const RuleError& e) {
        invalid(source, e.pointer(), e.problem());
      }
    }
  }
  if (document.contains("fixtures") && document["fixtures"].is_array()) {
    const Json& fixtures = document["fixtures"];
    for (std::size_t i = 0; i < fixtures.size(); ++i) {
      const std::string at = detail::pointer_append("/fixtures", i);
      if (!fixtures[i].is_object() || !fixtures[i].contains("name") || !fixtures[i]["name"].is_string()) {
        invalid(source, at, "a fixture must be an object with a string name and a value");
      }
      loaded.fixtures_.push_back({fixtures[i]["name"].get<std::string>(), fixtures[i].value("value", Json())});
    }
  }
  return loaded;
}

std::vector<CapturedExchange> ReplayCase::find_all(const CasePredicate& predicate) const {
  // Compiled once, into the matcher rules and stubs use.
  const auto compiled = detail::CompiledPredicate::compile(detail::RulePredicate::from(predicate));
  std::vector<CapturedExchange> found;
  for (const auto& exchange : exchanges_) {
    if (compiled.matches(exchange)) found.push_back(exchange);
  }
  return found;
}

const CapturedExchange& ReplayCase::find(const CasePredicate& predicate) const {
  const auto compiled = detail::CompiledPredicate::compile(detail::RulePredicate::from(predicate));
  std::vector<const CapturedExchange*> found;
  for (const auto& exchange : exchanges_) {
    if (compiled.matches(exchange)) found.push_back(&exchange);
  }
  if (found.size() == 1) return *found.front();
  std::vector<std::string> ids;
  std::string listed;
  for (const auto* e : found) {
    ids.push_back(e->span_id);
    listed += "\n  " + describe_exchange(*e);
  }
  if (found.empty()) {
    std::string spans;
    for (const auto& e : exchanges_) spans += "\n  " + describe_exchange(e);
    throw CaseLookupError("find_in_case " + predicate.describe() + " matched no span of case '" + case_id_ + "' (" +
                              std::to_string(exchanges_.size()) + " span(s)" + (spans.empty() ? "" : ":" + spans) + ")",
                          {});
  }
  throw CaseLookupError("find_in_case " + predicate.describe() + " matched " + std::to_string(found.size()) +
                            " spans of case '" + case_id_ + "'; narrow the predicate or use find_all_in_case:" + listed,
                        std::move(ids));
}

}  // namespace mockhttp
