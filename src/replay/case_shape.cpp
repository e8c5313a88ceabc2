#include "replay/case_shape.hpp"

#include "criteria/criteria_node.hpp"
#include "encoding/json_pointer.hpp"

namespace mockhttp::detail {

namespace {

using Json = nlohmann::json;

// Each check returns the problem it found, so the first one wins without exceptions.
using Problem = std::optional<CaseShapeProblem>;

Problem wrong_type(const std::string& at, const char* expected, const Json& value) {
  return CaseShapeProblem{at, std::string("must be ") + expected + ", got " + type_name(value)};
}

Problem check_string(const Json& object, const char* key, const std::string& at, bool required) {
  if (!object.contains(key)) {
    return required ? Problem(CaseShapeProblem{at, std::string(key) + " is required"}) : std::nullopt;
  }
  if (!object[key].is_string()) return wrong_type(pointer_append(at, key), "a string", object[key]);
  return std::nullopt;
}

// An array under `key`: required, and with at least `min_items` elements.
Problem check_array(const Json& object, const char* key, const std::string& at, std::size_t min_items) {
  if (!object.contains(key)) return CaseShapeProblem{at, std::string(key) + " is required"};
  const Json& list = object[key];
  if (!list.is_array()) return wrong_type(pointer_append(at, key), "an array", list);
  if (list.size() < min_items) {
    return CaseShapeProblem{pointer_append(at, key), "must hold at least " + std::to_string(min_items) + " element(s)"};
  }
  return std::nullopt;
}

Problem check_attributes(const Json& list, const std::string& at) {
  if (!list.is_array()) return wrong_type(at, "an array of {key, value}", list);
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item = pointer_append(at, i);
    if (!list[i].is_object()) return wrong_type(item, "an object {key, value}", list[i]);
    if (auto p = check_string(list[i], "key", item, true)) return p;
    if (!list[i].contains("value")) return CaseShapeProblem{item, "value is required"};
    if (!list[i]["value"].is_object())
      return wrong_type(pointer_append(item, "value"), "an object such as {\"stringValue\": ...}", list[i]["value"]);
  }
  return std::nullopt;
}

Problem check_span(const Json& span, const std::string& at) {
  if (!span.is_object()) return wrong_type(at, "an object", span);
  for (const char* key : {"traceId", "spanId"}) {
    if (auto p = check_string(span, key, at, true)) return p;
  }
  for (const char* key : {"parentSpanId", "name", "startTimeUnixNano", "endTimeUnixNano"}) {
    if (auto p = check_string(span, key, at, false)) return p;
  }
  if (span.contains("kind") && !span["kind"].is_string() && !span["kind"].is_number_integer()) {
    return wrong_type(pointer_append(at, "kind"), "an integer or a string", span["kind"]);
  }
  if (!span.contains("attributes")) return CaseShapeProblem{at, "attributes is required"};
  return check_attributes(span["attributes"], pointer_append(at, "attributes"));
}

Problem check_trace(const Json& trace, const std::string& at) {
  if (!trace.is_object()) return wrong_type(at, "an object {resourceSpans: [...]}", trace);
  if (auto p = check_array(trace, "resourceSpans", at, 1)) return p;
  const Json& resources = trace["resourceSpans"];
  for (std::size_t r = 0; r < resources.size(); ++r) {
    const std::string resource_at = pointer_append(pointer_append(at, "resourceSpans"), r);
    const Json& resource_spans = resources[r];
    if (!resource_spans.is_object()) return wrong_type(resource_at, "an object", resource_spans);
    if (resource_spans.contains("resource")) {
      const Json& resource = resource_spans["resource"];
      if (!resource.is_object()) return wrong_type(pointer_append(resource_at, "resource"), "an object", resource);
      if (resource.contains("attributes")) {
        if (auto p = check_attributes(resource["attributes"],
                                      pointer_append(pointer_append(resource_at, "resource"), "attributes")))
          return p;
      }
    }
    if (auto p = check_array(resource_spans, "scopeSpans", resource_at, 1)) return p;
    const Json& scopes = resource_spans["scopeSpans"];
    for (std::size_t s = 0; s < scopes.size(); ++s) {
      const std::string scope_at = pointer_append(pointer_append(resource_at, "scopeSpans"), s);
      if (!scopes[s].is_object()) return wrong_type(scope_at, "an object", scopes[s]);
      if (auto p = check_array(scopes[s], "spans", scope_at, 1)) return p;
      const Json& spans = scopes[s]["spans"];
      for (std::size_t i = 0; i < spans.size(); ++i) {
        if (auto p = check_span(spans[i], pointer_append(pointer_append(scope_at, "spans"), i))) return p;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<CaseShapeProblem> first_case_shape_problem(const Json& document) {
  if (!document.is_object()) return wrong_type("", "an object", document);
  for (const char* key : {"version", "caseId"}) {
    if (auto p = check_string(document, key, "", true)) return p;
  }
  for (const char* key : {"suite", "mode", "createdAt"}) {
    if (auto p = check_string(document, key, "", false)) return p;
  }
  if (document.contains("mode")) {
    const std::string& mode = document["mode"].get_ref<const std::string&>();
    if (mode != "capture" && mode != "replay" && mode != "generate") {
      return CaseShapeProblem{"/mode", "must be capture, replay or generate, got \"" + mode + "\""};
    }
  }
  if (auto p = check_array(document, "traces", "", 0)) return p;
  const Json& traces = document["traces"];
  for (std::size_t t = 0; t < traces.size(); ++t) {
    if (auto p = check_trace(traces[t], pointer_append("/traces", t))) return p;
  }
  for (const char* key : {"rules", "fixtures"}) {
    if (document.contains(key) && !document[key].is_array())
      return wrong_type(pointer_append("", key), "an array", document[key]);
  }
  return std::nullopt;
}

}  // namespace mockhttp::detail
