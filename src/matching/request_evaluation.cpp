#include "matching/request_evaluation.hpp"
#include "matching/request_fields.hpp"

#include <algorithm>

#include "criteria/criteria_node.hpp"
#include "matching/path_pattern.hpp"

namespace mockhttp::detail {

using nlohmann::json;

RequestSubjects::RequestSubjects(const RecordedRequest& request)
    : method(request.method),
      path(request.path),
      headers(request.headers_json()),
      query(request.query_json()),
      host(request.host),
      body(request.body),
      path_segments(split_path(request.path)) {}

namespace {

struct FieldWeights {
  static constexpr int path = 79, method = 37, body = 17, host = 7, query = 3, headers = 2;
};

}  // namespace

RequestEvaluation evaluate_request(const Request& matcher, const RequestSubjects& subjects,
                                   PathMode mode, bool stop_at_first_mismatch, const PathPattern* compiled) {
  RequestEvaluation result;
  const bool explain = !stop_at_first_mismatch;
  const auto record = [&](const char* field, int weight, bool matched, std::string expected,
                          std::string reason) {
    result.fields.push_back({field, matched, std::move(expected), std::move(reason)});
    if (matched) {
      ++result.strength;
      result.weight += weight;
    } else {
      result.matched = false;
    }
    return matched || !stop_at_first_mismatch;
  };
  const auto check = [&](const char* field, int weight, const std::optional<Criteria>& criteria,
                         const json& subject) {
    if (!criteria) return true;
    MatchResult outcome = criteria->evaluate(subject);
    return record(field, weight, outcome.matched, explain ? criteria->describe() : std::string(),
                  explain ? std::move(outcome.reason) : std::string());
  };

  if (const auto& pattern = RequestFields::path_pattern(matcher)) {
    const std::string& path = subjects.path.get_ref<const std::string&>();
    bool matched = false;
    if (mode == PathMode::pattern) {
      std::optional<PathPattern> local;
      if (!compiled) local.emplace(*pattern);
      const PathPattern& used = compiled ? *compiled : *local;
      matched = used.match(subjects.path_segments, &result.path_params);
      result.path_specificity = used.specificity();
    } else {
      matched = path == *pattern;
    }
    const std::string expected = explain ? (mode == PathMode::pattern ? "pattern " : "") + json(*pattern).dump() : "";
    if (!record("path", FieldWeights::path, matched, expected,
                matched || !explain ? "" : "expected " + expected + ", got " + preview(subjects.path))) {
      return result;
    }
  }
  if (!check("path", FieldWeights::path, RequestFields::path(matcher), subjects.path)) return result;
  if (!check("method", FieldWeights::method, RequestFields::method(matcher), subjects.method)) return result;
  if (!check("headers", FieldWeights::headers, RequestFields::headers(matcher), subjects.headers)) return result;
  if (!check("body", FieldWeights::body, RequestFields::body(matcher), subjects.body)) return result;
  if (!check("host", FieldWeights::host, RequestFields::host(matcher), subjects.host)) return result;
  if (!check("query", FieldWeights::query, RequestFields::query(matcher), subjects.query)) return result;

  if (result.fields.empty()) {  // a catch-all: it matches, and loses to any real match
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
