#pragma once
// ReplayRule and ReplayPolicy: Softprobe's "when this request happens, do this", and what
// happens to requests no rule matches (docs/replay.md). A rule's `when` compiles to the same
// Request matcher and criteria that stubs use, and a mock rule's answer is a Response.
// Thread safety: value types.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <mockhttp/request.hpp>
#include <mockhttp/response.hpp>

namespace mockhttp {

// What a replay session does with the requests it answers (MockServer::start_session): replay
// a case, capture real exchanges into one, or generate.
enum class ReplayMode { capture, replay, generate };

// The header that names a request's replay session (ReplaySession::kHeader).
inline constexpr const char* kReplaySessionHeader = "x-softprobe-session-id";

// How a mock_outbound() rule ranks and lasts.
struct RuleOptions {
  std::string id;  // generated ("mock-N") when empty
  std::int64_t priority = 100;
  bool consume_once = false;
};

enum class RuleAction { mock, error, passthrough, capture_only, replay };

struct ReplayRule {
  std::string id;  // "id" or "name"; generated ("rule-N") when absent
  std::int64_t priority = 0;
  bool consume_once = false;
  nlohmann::json when = nlohmann::json::object();  // as written: direction, host, hostSuffix, ...
  RuleAction action = RuleAction::mock;
  Response response;  // mock: then.response; error: then.error's status and body
  // capture_only: then.captureOnly.redactHeaders — headers whose values a capture never keeps.
  std::vector<std::string> redact_headers;

  // Reads Softprobe's rule document (schemas/softprobe/rule.schema.json, plus `id` and
  // `hostSuffix`, which its documentation uses). Throws RuleError with the JSON Pointer.
  static ReplayRule from_json(const nlohmann::json& document, const std::string& pointer = "");
  nlohmann::json to_json() const;
  // The request matcher `when` compiles to.
  Request matcher() const;
};

struct ReplayPolicy {
  bool strict_external_http = false;  // externalHttp: strict
  bool passthrough_on_miss = true;    // defaultOnMiss: passthrough (else error)
  // Entries: docs/security.md#host-lists, where a bare name also covers its subdomains
  // ("stripe.com" lists api.stripe.com). set_policy() throws RuleError for a bad one.
  std::vector<std::string> allow_hosts;
  std::vector<std::string> block_hosts;

  // externalHttp: strict — a request no rule matches fails unless its host is allowed.
  static ReplayPolicy strict() {
    ReplayPolicy policy;
    policy.strict_external_http = true;
    return policy;
  }
  ReplayPolicy& allow_host(std::string host) {
    allow_hosts.push_back(std::move(host));
    return *this;
  }
  ReplayPolicy& block_host(std::string host) {
    block_hosts.push_back(std::move(host));
    return *this;
  }
  // defaultOnMiss: error — a request no rule matches fails instead of passing through.
  ReplayPolicy& error_on_miss() {
    passthrough_on_miss = false;
    return *this;
  }

  // {"externalHttp": "strict"|"allow", "defaultOnMiss": "error"|"passthrough", "allowHosts",
  // "blockHosts"}; unknown keys are kept by Softprobe and ignored here. Throws RuleError.
  static ReplayPolicy from_json(const nlohmann::json& document, const std::string& pointer = "");
  nlohmann::json to_json() const;
};

}  // namespace mockhttp
