#include "matching/impossible_matcher.hpp"

#include <nlohmann/json.hpp>

#include "criteria/criteria_node.hpp"
#include "encoding/form_body.hpp"
#include "matching/request_fields.hpp"

namespace mockhttp::detail {

namespace {

using Json = nlohmann::json;

// `q=x&page=2` as the builder calls and the wire form that say the same (decoded as a query is;
// a query a form reader refuses is shown as written).
std::string query_advice(const std::string& path, const std::string& query) {
  std::string calls = "path(" + Json(path).dump() + ")";
  Json wire = Json::object();
  std::string why;
  if (const auto fields = parse_form_urlencoded(query, why)) {
    for (const auto& [name, value] : *fields) {
      calls += ".query(" + Json(name).dump() + ", " + Json(value).dump() + ")";
      wire[name] = value;
    }
  } else {
    return calls + " with query criteria for " + Json(query).dump();
  }
  return calls + " (on the wire: {\"path\": " + Json(path).dump() + ", \"query\": " + wire.dump() + "})";
}

// A literal value that is not a string, for a field whose values always are.
std::optional<std::string> non_string_literal(const char* field, const std::string& name, const Criteria& criteria,
                                              const char* builder) {
  if (!criteria.is_literal()) return std::nullopt;
  const Json& value = node_of(criteria).literal();
  if (value.is_string()) return std::nullopt;
  const std::string text = value.is_null() ? "" : value.dump();
  return std::string("request.") + field + " " + Json(name).dump() + ": " + value.dump() + " is " +
         (value.is_null() ? std::string("null") : "a " + type_name(value)) + ", but a " + field +
         " value is always a string, so no request can match: write " + builder + "(" + Json(name).dump() + ", " +
         Json(text).dump() + ") (on the wire: " + Json(name).dump() + ": " + Json(text).dump() +
         "), or a criteria such as regex(...)";
}

}  // namespace

std::optional<std::string> why_no_request_can_match(const Request& matcher) {
  if (const auto& path = RequestFields::path_pattern(matcher)) {
    const std::size_t query = path->find('?');
    if (query != std::string::npos) {
      return "request.path " + Json(*path).dump() + " holds a query string, which is never part of a request's path, " +
             "so no request can match: write " + query_advice(path->substr(0, query), path->substr(query + 1));
    }
    if (path->find('#') != std::string::npos) {
      return "request.path " + Json(*path).dump() + " holds a fragment ('#...'), which clients never send, " +
             "so no request can match: leave it out";
    }
  }
  for (const auto& [name, criteria] : RequestFields::query_values(matcher)) {
    if (auto problem = non_string_literal("query", name, criteria, "query")) return problem;
  }
  for (const auto& [name, criteria] : RequestFields::header_values(matcher)) {
    if (auto problem = non_string_literal("headers", name, criteria, "header")) return problem;
  }
  return std::nullopt;
}

}  // namespace mockhttp::detail
