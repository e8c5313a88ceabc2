#pragma once
// ReplaySession: a Softprobe replay session on a MockServer, mirroring the Python SDK
// (start_session, attach, load_case_from_file, load_case, find_in_case, find_all_in_case,
// mock_outbound, clear_rules, set_policy, fixtures, close). Requests that carry
// `x-softprobe-session-id: <id>` are answered by the session's rules; others by stubs.
//
//   MockServer server;
//   ReplaySession session = server.start_session(ReplayMode::replay);   // closed at scope exit
//   session.load_case_from_file("cases/checkout-happy-path.case.json");
//   auto hit = session.find_in_case(CasePredicate::outbound().with_method("POST")
//                                       .with_host_suffix("stripe.com").with_path_prefix("/v1/payment_intents"));
//   session.mock_outbound(CasePredicate{}.with_host_suffix("stripe.com").with_path_prefix("/v1/payment_intents"),
//                         hit.response);
//   session.set_policy(ReplayPolicy::strict());
//   // the app under test calls server.url() with session.header(), or uses HTTP_PROXY=server.url()
//
// Rules: the highest priority wins; on a tie session rules beat case-embedded rules; within a
// layer the later rule wins (docs/replay.md).
// Thread safety: every member may be called from any thread; one ReplaySession object must not
// be moved or destroyed while another thread uses it.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <mockhttp/replay_case.hpp>
#include <mockhttp/replay_rule.hpp>

namespace mockhttp {

class Engine;              // the engine behind a MockServer, inside the library
class ReplaySessionState;  // a session's case, rules, policy and fixtures, inside the library

// [[nodiscard]]: a session whose handle is dropped at once is closed at once (start_session), so
// every function returning one warns when its result is discarded.
class [[nodiscard]] ReplaySession {
 public:
  static constexpr const char* kHeader = kReplaySessionHeader;

  ~ReplaySession();  // close() when this handle started the session; never throws
  ReplaySession(ReplaySession&& other) noexcept;
  ReplaySession& operator=(ReplaySession&& other) noexcept;
  ReplaySession(const ReplaySession&) = delete;
  ReplaySession& operator=(const ReplaySession&) = delete;

  const std::string& id() const;
  std::pair<std::string, std::string> header() const { return {kHeader, id()}; }
  std::uint64_t revision() const;  // bumped by every change of case, rules, policy or fixtures

  // All or nothing: a case that fails to load (CaseLoadError) leaves the session as it was.
  void load_case_from_file(const std::string& path);
  void load_case(const ReplayCase& loaded);
  void load_case(const nlohmann::json& document);

  // From the loaded case; CaseLookupError (no case loaded: zero matches).
  CapturedExchange find_in_case(const CasePredicate& predicate) const;
  std::vector<CapturedExchange> find_all_in_case(const CasePredicate& predicate) const;

  // Adds a session rule answering `response` to requests matching `when` (a mock rule). Rules
  // accumulate, as the SDK merges them on the client.
  void mock_outbound(const CasePredicate& when, const CapturedResponse& response, RuleOptions options = {});
  void add_rule(ReplayRule rule);         // any action: error, passthrough, ...
  std::vector<ReplayRule> rules() const;  // the session layer
  void clear_rules();                     // the session layer only; case rules stay

  void set_policy(const ReplayPolicy& policy);
  ReplayPolicy policy() const;

  // case.fixtures[] by name, overlaid by set_fixture().
  std::map<std::string, nlohmann::json> fixtures() const;
  void set_fixture(const std::string& name, nlohmann::json value);

  // Capture mode (start_session(ReplayMode::capture)): every call the application sends through
  // mockhttp with the session header goes to the real upstream and is recorded, with the headers
  // of capture_only rules' `captureOnly.redactHeaders` masked. The exchanges so far, as a case
  // document (one OTLP span per exchange) that ReplayCase reads and replays:
  [[nodiscard]] nlohmann::json captured_case(
      const std::string& case_id = "") const;  // caseId: the session id by default
  [[nodiscard]] std::vector<CapturedExchange> captured() const;
  // The same document written to `path` (pretty-printed); throws Error when it cannot be written.
  void write_case(const std::string& path, const std::string& case_id = "") const;

  // Ends the session: its id is unknown from then on. Idempotent.
  void close();
  bool closed() const;

 private:
  friend class MockServer;
  ReplaySession(std::shared_ptr<Engine> core, std::shared_ptr<ReplaySessionState> state, bool owner);

  std::shared_ptr<Engine> core_;
  std::shared_ptr<ReplaySessionState> state_;
  bool owner_ = true;
};

}  // namespace mockhttp
