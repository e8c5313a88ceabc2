#pragma once
// A case's body assertion: the expected body (the captured ingress answer, or the suite's own)
// against the application's, as JSON when both parse, each difference at its JSONPath.
// json-subset: every value the expected body has must be in the actual one (objects may have
// more keys; arrays must have the same length). exact: the same JSON, or the same bytes.
// Thread safety: pure functions.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <mockhttp/suite.hpp>

namespace mockhttp::detail {

// The body as JSON, or as a JSON string when it is not JSON.
nlohmann::json body_as_json(const std::string& body);

// The differences, ignore paths left out of both sides first; empty when they agree.
// Throws std::runtime_error for an ignore path that is not one (parse_json_path).
std::vector<BodyIssue> compare_bodies(const nlohmann::json& expected, const nlohmann::json& actual, bool exact,
                                      const std::vector<std::string>& ignore);

}  // namespace mockhttp::detail
