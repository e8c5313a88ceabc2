#pragma once
// Applies a Request matcher to a received request, field by field, with the weights that rank
// competing stubs (assertive-mock-api's: path 79, method 37, body 17, host 7, query 3,
// headers 2) and the per-field reasons that near-miss reports print.
#include <map>
#include <string>
#include <vector>

#include <mockhttp/near_miss.hpp>
#include <mockhttp/recorded_request.hpp>
#include <mockhttp/request.hpp>

#include "matching/path_pattern.hpp"

namespace mockhttp::detail {

// The JSON subjects criteria see, built once per received request.
struct RequestSubjects {
  explicit RequestSubjects(const RecordedRequest& request);
  nlohmann::json method, path, headers, query, host, body;
  std::vector<std::string> path_segments;  // split once, for every path pattern
};

// Stubs read a string path as a pattern; confirm_request() compares it literally.
enum class PathMode { pattern, literal };

struct FieldOutcome {
  const char* field;
  bool matched;
  std::string expected;
  std::string reason;
};

struct RequestEvaluation {
  bool matched = true;
  int strength = 0;  // configured fields that matched (1 for a catch-all)
  int weight = 0;
  int path_specificity = 0;
  std::map<std::string, std::string> path_params;
  std::vector<FieldOutcome> fields;  // every configured field evaluated so far, in order
};

// With `stop_at_first_mismatch` (the serving path), evaluation ends at the first failing field
// and builds no description or reason: those cost more than the match, and only reports read
// them. Without it every field is evaluated and explained, for reports. `compiled`: the
// matcher's path pattern compiled once at mount (stubs); otherwise it is compiled here.
RequestEvaluation evaluate_request(const Request& matcher, const RequestSubjects& subjects,
                                   PathMode mode, bool stop_at_first_mismatch,
                                   const PathPattern* compiled = nullptr);

// The report entry for one candidate, from a full evaluation.
NearMiss to_near_miss(std::string id, std::string description, const RequestEvaluation& evaluation);

// The `limit` closest near misses, closest first (more matched fields, then heavier ones).
std::vector<NearMiss> closest_near_misses(std::vector<std::pair<RequestEvaluation, NearMiss>> candidates,
                                          std::size_t limit);

}  // namespace mockhttp::detail
