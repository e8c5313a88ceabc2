#include "suite/body_comparison.hpp"

#include "suite/json_path.hpp"

namespace mockhttp::detail {

namespace {

constexpr std::size_t kMostIssuesListed = 50;  // a wholly different body is not 10,000 lines

std::string shown(const nlohmann::json& value) {
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return text.size() > 200 ? text.substr(0, 200) + "..." : text;
}

void compare(const nlohmann::json& expected, const nlohmann::json& actual, bool exact, const std::string& path,
             std::vector<BodyIssue>& issues) {
  if (issues.size() >= kMostIssuesListed) return;
  if (expected.is_object() && actual.is_object()) {
    for (const auto& [key, value] : expected.items()) {
      const std::string child = json_path_child(path, key);
      const auto found = actual.find(key);
      if (found == actual.end()) {
        issues.push_back({child, shown(value), "(absent)"});
      } else {
        compare(value, *found, exact, child, issues);
      }
    }
    if (exact) {
      for (const auto& [key, value] : actual.items()) {
        if (!expected.contains(key)) issues.push_back({json_path_child(path, key), "(absent)", shown(value)});
      }
    }
    return;
  }
  if (expected.is_array() && actual.is_array()) {
    if (expected.size() != actual.size()) {
      issues.push_back({path, shown(expected) + " (" + std::to_string(expected.size()) + " items)",
                        shown(actual) + " (" + std::to_string(actual.size()) + " items)"});
      return;
    }
    for (std::size_t i = 0; i < expected.size(); ++i)
      compare(expected[i], actual[i], exact, json_path_child(path, i), issues);
    return;
  }
  if (expected != actual) issues.push_back({path, shown(expected), shown(actual)});
}

}  // namespace

nlohmann::json body_as_json(const std::string& body) {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return body;
  return parsed;
}

std::vector<BodyIssue> compare_bodies(const nlohmann::json& expected, const nlohmann::json& actual, bool exact,
                                      const std::vector<std::string>& ignore) {
  nlohmann::json left = expected, right = actual;
  for (const auto& path : ignore) {
    const auto steps = parse_json_path(path);
    remove_selected(left, steps);
    remove_selected(right, steps);
  }
  std::vector<BodyIssue> issues;
  compare(left, right, exact, "$", issues);
  return issues;
}

}  // namespace mockhttp::detail
