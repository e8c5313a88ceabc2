#pragma once
// Near-miss reports: when nothing matched, which candidates came closest and why each field
// failed. The 404 body of an unmatched request and a failed confirm_request() print the same.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mockhttp {

struct FieldMismatch {
  std::string field;     // "method", "path", "headers", "query", "host", "body", "max_calls"
  std::string expected;  // the criteria, described
  std::string reason;    // why the subject did not satisfy it
};

// One candidate (a stub for an unmatched request, a journaled request for a failed
// verification) with the fields it matched and the ones it did not.
struct NearMiss {
  std::string candidate_id;  // stub id, or the request's journal position
  std::string candidate;     // described in one line
  std::string mounted_at;    // a stub's "file:line" when mounted from C++; else empty
  std::vector<std::string> matched_fields;
  std::vector<FieldMismatch> mismatches;

  nlohmann::json to_json() const;
};

// Indented lines, one candidate then one line per mismatch.
std::string describe_near_misses(const std::vector<NearMiss>& misses);

}  // namespace mockhttp
