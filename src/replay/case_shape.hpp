#pragma once
// The shape of a Softprobe case document (*.case.json): what the case reader needs before it
// reads — the fields and their types, traces as OTLP JSON (resourceSpans → scopeSpans → spans
// with traceId, spanId and key/value attributes). Our own reading of Softprobe's case format;
// rules and fixtures are checked by their own readers.
// Thread safety: pure functions.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace mockhttp::detail {

struct CaseShapeProblem {
  std::string pointer;  // JSON Pointer of the offending value
  std::string message;
};

// The first problem in document order; nullopt when the case has the shape the reader needs.
std::optional<CaseShapeProblem> first_case_shape_problem(const nlohmann::json& document);

}  // namespace mockhttp::detail
