#pragma once
// Stub path patterns as assertive-mock-api reads them: "/users/{id}/orders" matches any path
// with the same number of segments whose literal segments are equal, capturing `id`.
#include <map>
#include <string>
#include <vector>

namespace mockhttp::detail {

class PathPattern {
 public:
  explicit PathPattern(const std::string& pattern);

  // On a match, fills `params` (when given) with the captured segments.
  bool match(const std::string& path, std::map<std::string, std::string>* params) const;
  // Literal, non-empty segments: the tie-breaker that prefers /users/me over /users/{id}.
  int specificity() const { return specificity_; }

 private:
  struct Segment {
    std::string text;
    bool is_parameter;
  };
  std::vector<Segment> segments_;
  int specificity_ = 0;
};

// A path split as the pattern sees it: slashes trimmed at both ends, then split on '/'.
std::vector<std::string> split_path(const std::string& path);

}  // namespace mockhttp::detail
