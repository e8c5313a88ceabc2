#pragma once
// Validation against the JSON Schemas compiled into the library, with valijson.
//
// valijson evaluates `pattern`, `patternProperties`, `propertyNames` and `format` with
// std::regex, which mockhttp never runs on request data (it can recurse once per character
// and overflow the stack on a long string). Those keywords are dropped from the compiled
// schemas; the C++ readers enforce the same constraints (test/schema_conformance_test.py and
// the readers' tests hold both to one set of documents).
// Thread safety: every member is safe from any thread.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace mockhttp::detail {

struct SchemaProblem {
  std::string pointer;  // JSON Pointer of the offending value
  std::string message;
};

// Every problem valijson reports, deepest first; empty when the document is valid.
std::vector<SchemaProblem> schema_problems(const std::string& schema_file, const nlohmann::json& document);

// The single most useful problem: the deepest one that says what is wrong rather than that a
// branch failed.
std::optional<SchemaProblem> first_schema_problem(const std::string& schema_file, const nlohmann::json& document);

}  // namespace mockhttp::detail
