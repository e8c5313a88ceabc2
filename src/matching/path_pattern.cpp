#include "matching/path_pattern.hpp"

#include <algorithm>

namespace mockhttp::detail {

std::vector<std::string> split_path(const std::string& path) {
  const auto first = path.find_first_not_of('/');
  const auto last = path.find_last_not_of('/');
  const std::string trimmed = first == std::string::npos ? "" : path.substr(first, last - first + 1);
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (true) {
    const auto slash = trimmed.find('/', start);
    segments.push_back(trimmed.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return segments;
}

std::size_t count_path_segments(const std::string& path) {
  std::size_t first = path.find_first_not_of('/');
  if (first == std::string::npos) return 0;
  const std::size_t last = path.find_last_not_of('/');
  return 1 + static_cast<std::size_t>(std::count(path.begin() + static_cast<std::ptrdiff_t>(first),
                                                 path.begin() + static_cast<std::ptrdiff_t>(last) + 1, '/'));
}

PathPattern::PathPattern(const std::string& pattern) {
  for (auto& text : split_path(pattern)) {
    const bool parameter = text.size() >= 3 && text.front() == '{' && text.back() == '}';
    if (parameter) {
      segments_.push_back({text.substr(1, text.size() - 2), true});
    } else {
      if (!text.empty()) ++specificity_;
      segments_.push_back({std::move(text), false});
    }
  }
}

bool PathPattern::match(const std::vector<std::string>& segments, std::map<std::string, std::string>* params) const {
  if (segments.size() != segments_.size()) return false;
  std::map<std::string, std::string> captured;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (segments_[i].is_parameter) {
      captured[segments_[i].text] = segments[i];
    } else if (segments_[i].text != segments[i]) {
      return false;
    }
  }
  if (params) *params = std::move(captured);
  return true;
}

}  // namespace mockhttp::detail
