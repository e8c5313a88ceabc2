#pragma once
// Stub path patterns as assertive-mock-api reads them: "/users/{id}/orders" matches any path
// with the same number of segments whose literal segments are equal, capturing `id`.
#include <map>
#include <string>
#include <vector>

namespace mockhttp::detail {

std::vector<std::string> split_path(const std::string& path);

// The most segments a stub's path or a replay rule's path may have (docs/security.md): real
// paths have a few dozen; a bound keeps the path index shallow whatever a client posts.
inline constexpr std::size_t kMaxPathSegments = 256;
// Counts '/'-separated segments without splitting (no allocation per segment for a hostile path).
std::size_t count_path_segments(const std::string& path);

class PathPattern {
 public:
  explicit PathPattern(const std::string& pattern);

  // On a match, fills `params` (when given) with the captured segments. `segments`: the
  // request path already split (split_path), as RequestSubjects keeps it.
  bool match(const std::vector<std::string>& segments, std::map<std::string, std::string>* params) const;
  bool match(const std::string& path, std::map<std::string, std::string>* params) const {
    return match(split_path(path), params);
  }
  // Literal, non-empty segments: the tie-breaker that prefers /users/me over /users/{id}.
  int specificity() const { return specificity_; }

  struct Segment {
    std::string text;  // the literal, or the parameter's name
    bool is_parameter;
  };
  const std::vector<Segment>& segments() const { return segments_; }

 private:
  std::vector<Segment> segments_;
  int specificity_ = 0;
};

// A path split as the pattern sees it: slashes trimmed at both ends, then split on '/'.
std::vector<std::string> split_path(const std::string& path);

}  // namespace mockhttp::detail
