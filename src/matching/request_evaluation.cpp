#include "matching/request_evaluation.hpp"
#include "matching/request_fields.hpp"

#include <algorithm>

#include "criteria/criteria_node.hpp"
#include "matching/path_pattern.hpp"

namespace mockhttp::detail {

using nlohmann::json;

RequestSubjects::RequestSubjects(const RecordedRequest& request)
    : request_(request), path_segments_(split_path(request.path)) {}

const json& RequestSubjects::method() const {
  return get(method_, [&] { return json(request_.method); });
}
const json& RequestSubjects::path() const {
  return get(path_, [&] { return json(request_.path); });
}
const json& RequestSubjects::headers() const {
  return get(headers_, [&] { return request_.headers_json(); });
}
const json& RequestSubjects::query() const {
  return get(query_, [&] { return request_.query_json(); });
}
const json& RequestSubjects::host() const {
  return get(host_, [&] { return json(request_.host); });
}
const json& RequestSubjects::body() const {
  return get(body_, [&] { return json(request_.body); });
}
const json& RequestSubjects::client_certificate() const {
  return get(client_certificate_,
             [&] { return request_.client_certificate ? json(*request_.client_certificate) : json(nullptr); });
}
const json& RequestSubjects::protocol() const {
  return get(protocol_, [&] { return json(request_.protocol); });
}

const json& RequestSubjects::websocket() const {
  return get(websocket_, [&] {
    return request_.websocket ? json(message_direction_name(request_.websocket->direction)) : json(nullptr);
  });
}

bool RequestSubjects::asks_websocket_upgrade() const {
  const auto upgrade = request_.header("Upgrade");
  if (!upgrade) return false;
  // A token list ("websocket", or "h2c, websocket"): any token naming it, in any case.
  std::string tokens = *upgrade;
  for (char& c : tokens)
    c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : (c == ',' || c == '\t' ? ' ' : c));
  return (" " + tokens + " ").find(" websocket ") != std::string::npos;
}

namespace {

struct FieldWeights {
  // Each weight exceeds the sum of the lighter ones, so the ranking is a strict order of fields.
  static constexpr int path = 79, method = 37, body = 17, host = 7, query = 3, headers = 2, client_certificate = 1,
                       protocol = 1, websocket = 1;
};

}  // namespace

RequestEvaluation evaluate_request(const Request& matcher, const RequestSubjects& subjects, PathMode mode,
                                   bool stop_at_first_mismatch, const PathPattern* compiled) {
  RequestEvaluation result;
  const bool explain = !stop_at_first_mismatch;
  int configured = 0;  // fields the matcher names
  const auto record = [&](const char* field, int weight, bool matched, std::string expected, std::string reason) {
    ++configured;
    // The serving path keeps no per-field outcome: only reports read them.
    if (explain) result.fields.push_back({field, matched, std::move(expected), std::move(reason)});
    if (matched) {
      ++result.strength;
      result.weight += weight;
    } else {
      result.matched = false;
    }
    return matched || !stop_at_first_mismatch;
  };
  const auto check = [&](const char* field, int weight, const std::optional<Criteria>& criteria,
                         const json& (RequestSubjects::*subject)() const) {
    if (!criteria) return true;
    MatchResult outcome = criteria->evaluate((subjects.*subject)());
    return record(field, weight, outcome.matched, explain ? criteria->describe() : std::string(),
                  explain ? std::move(outcome.reason) : std::string());
  };

  // A WebSocket message is seen only by matchers of messages, and a request only by the others:
  // `confirm_request(Request{}.path("/feed"))` counts the upgrade, not each message on it.
  const auto& direction = RequestFields::websocket(matcher);
  if (direction.has_value() != subjects.is_message()) {
    result.matched = false;
    if (explain) {
      result.fields.push_back(
          {"websocket", false, direction ? "a WebSocket message" : "an HTTP request",
           direction ? "an HTTP request, not a WebSocket message" : "a WebSocket message, not an HTTP request"});
    }
    return result;
  }
  if (!check("websocket", FieldWeights::websocket, direction, &RequestSubjects::websocket)) return result;

  if (const auto& pattern = RequestFields::path_pattern(matcher)) {
    bool matched = false;
    if (mode == PathMode::pattern) {
      std::optional<PathPattern> local;
      if (!compiled) local.emplace(*pattern);
      const PathPattern& used = compiled ? *compiled : *local;
      matched = used.match(subjects.path_segments(), &result.path_params);
      result.path_specificity = used.specificity();
    } else {
      matched = subjects.path().get_ref<const std::string&>() == *pattern;
    }
    // "pattern" only where the template has a `{name}`: a plain path is just a path.
    const bool templated = mode == PathMode::pattern && pattern->find('{') != std::string::npos;
    const std::string expected = explain ? (templated ? "pattern " : "") + json(*pattern).dump() : "";
    if (!record("path", FieldWeights::path, matched, expected,
                matched || !explain ? "" : "expected " + expected + ", got " + preview(subjects.path()))) {
      return result;
    }
  }
  if (!check("path", FieldWeights::path, RequestFields::path(matcher), &RequestSubjects::path)) return result;
  if (!check("method", FieldWeights::method, RequestFields::method(matcher), &RequestSubjects::method)) return result;
  if (!check("headers", FieldWeights::headers, RequestFields::headers(matcher), &RequestSubjects::headers))
    return result;
  if (!check("body", FieldWeights::body, RequestFields::body(matcher), &RequestSubjects::body)) return result;
  if (!check("host", FieldWeights::host, RequestFields::host(matcher), &RequestSubjects::host)) return result;
  if (!check("query", FieldWeights::query, RequestFields::query(matcher), &RequestSubjects::query)) return result;
  if (!check("client_certificate", FieldWeights::client_certificate, RequestFields::client_certificate(matcher),
             &RequestSubjects::client_certificate)) {
    return result;
  }
  if (!check("protocol", FieldWeights::protocol, RequestFields::protocol(matcher), &RequestSubjects::protocol)) {
    return result;
  }

  if (configured == 0) {  // a catch-all: it matches, and loses to any real match
    result.strength = 1;
    result.weight = 1;
  }
  return result;
}

NearMiss to_near_miss(std::string id, std::string description, const RequestEvaluation& evaluation) {
  NearMiss miss;
  miss.candidate_id = std::move(id);
  miss.candidate = std::move(description);
  for (const auto& field : evaluation.fields) {
    if (field.matched) {
      miss.matched_fields.emplace_back(field.field);
    } else {
      miss.mismatches.push_back({field.field, field.expected, field.reason});
    }
  }
  return miss;
}

std::vector<NearMiss> closest_near_misses(std::vector<std::pair<RequestEvaluation, NearMiss>> candidates,
                                          std::size_t limit) {
  std::stable_sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
    if (a.first.strength != b.first.strength) return a.first.strength > b.first.strength;
    return a.first.weight > b.first.weight;
  });
  if (candidates.size() > limit) candidates.resize(limit);
  std::vector<NearMiss> closest;
  for (auto& candidate : candidates) closest.push_back(std::move(candidate.second));
  return closest;
}

}  // namespace mockhttp::detail
