#pragma once
// A replay rule's `when` — Softprobe's predicates (direction, service, host, hostSuffix,
// notHostSuffix, method, path, pathPrefix, headers, bodyJsonPath, traceTags) — typed, and what
// it compiles to: the same Request matcher stubs use, plus the traffic direction. A rule from a
// case file, from POST /v1/sessions/{id}/rules, from add_rule() and from mock_outbound() is read
// into one RulePredicate and compiled once; find_in_case() compiles its CasePredicate the same
// way, so one matcher decides everywhere.
// Thread safety: value types.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <mockhttp/replay_case.hpp>
#include <mockhttp/request.hpp>

namespace mockhttp::detail {

struct RulePredicate {
  std::optional<std::string> direction;  // "inbound" or "outbound"
  std::optional<std::string> service;
  std::optional<std::string> host;
  std::optional<std::string> host_suffix;
  std::vector<std::string> not_host_suffixes;
  std::optional<std::string> method;
  std::optional<std::string> path;
  std::optional<std::string> path_prefix;
  std::vector<std::pair<std::string, std::vector<std::string>>> headers;  // name: any of the values
  std::optional<std::string> body_json_path;                              // "$.user.id"
  std::vector<std::pair<std::string, nlohmann::json>> trace_tags;

  // Throws RuleError with the JSON Pointer (below `pointer`) of the first problem.
  static RulePredicate from_json(const nlohmann::json& when, const std::string& pointer);
  static RulePredicate from(const CasePredicate& predicate);
  nlohmann::json to_json() const;
};

struct CompiledPredicate {
  Request matcher;
  std::optional<std::string> direction;
  std::optional<std::string> literal_path;  // `path`: what the rule index files the rule under

  static CompiledPredicate compile(const RulePredicate& predicate);
  // find_in_case(): the exchange's direction, then the matcher on its captured request.
  bool matches(const CapturedExchange& exchange) const;
};

}  // namespace mockhttp::detail
