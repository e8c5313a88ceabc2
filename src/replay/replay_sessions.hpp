#pragma once
// The server side of replay sessions: each session's case, rule layers, policy and fixtures,
// and the decision for one request that carries its id.
// Thread safety: every member is safe from any thread; a session's state has its own lock.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <mockhttp/near_miss.hpp>
#include <mockhttp/replay_case.hpp>
#include <mockhttp/replay_rule.hpp>

#include "encoding/host_list.hpp"
#include "matching/call_budget.hpp"
#include "matching/path_index.hpp"
#include "matching/request_evaluation.hpp"
#include "replay/rule_predicate.hpp"

namespace mockhttp::detail {

// What a session does with one request.
struct RuleDecision {
  enum class Kind { respond, forward, refuse } kind = Kind::refuse;
  Response response;                        // respond
  std::string rule_id;                      // the rule that decided; empty on a miss
  std::string refusal;                      // refuse: why, in one sentence
  std::vector<NearMiss> closest_rules;      // refuse: the rules that came closest
  std::vector<std::string> redact_headers;  // forward by a capture_only rule: masked in the capture
};

}  // namespace mockhttp::detail

namespace mockhttp {

class ReplaySessionState {
 public:
  // `indexed`: decide() looks up candidate rules in a path index; false makes it scan every
  // rule, the reference the index is tested against.
  ReplaySessionState(std::string id, ReplayMode mode, bool indexed = true)
      : id_(std::move(id)), mode_(mode), indexed_(indexed) {}
  const std::string& id() const { return id_; }
  ReplayMode mode() const { return mode_; }

  void load_case(ReplayCase loaded);
  std::shared_ptr<const ReplayCase> loaded_case() const;
  void add_rule(ReplayRule rule);  // compiles rule.when; throws RuleError
  // A rule whose `when` is already read (mock_outbound): compiled from `predicate`, not re-read.
  void add_rule(ReplayRule rule, const detail::RulePredicate& predicate);
  void replace_rules(std::vector<ReplayRule> rules);  // the wire's POST .../rules
  std::vector<ReplayRule> rules() const;
  // Throws RuleError at /allowHosts/<i> or /blockHosts/<i> for an entry that is not in the host
  // grammar (encoding/host_list.hpp); the policy is then left as it was.
  void set_policy(ReplayPolicy policy);
  ReplayPolicy policy() const;
  // Whether the policy's allowHosts lists `host` on `port` (a bare name covers its subdomains):
  // such a host may be passed through to although it is not public.
  bool policy_allows_host(const std::string& host, int port) const;
  std::map<std::string, nlohmann::json> fixtures() const;
  void set_fixture(const std::string& name, nlohmann::json value);
  std::uint64_t revision() const;
  void close();
  bool closed() const;

  detail::RuleDecision decide(const detail::RequestSubjects& subjects, const RecordedRequest& request);

  // Softprobe's session stats: answers injected by rules, exchanges extracted (captured), and
  // requests refused on a miss (strict policy, a blocked host, defaultOnMiss: error).
  struct Stats {
    std::uint64_t injected = 0, extracted = 0, strict_misses = 0;
  };
  Stats stats() const;

  // Capture mode: an exchange that went to the real upstream, kept with the headers `redact`
  // names masked (nothing unredacted is ever stored), and the case document of all of them.
  void record(CapturedExchange exchange, const std::vector<std::string>& redact);
  std::vector<CapturedExchange> captured() const;

 private:
  // A rule compiled once: the matcher stubs use, its direction, and `consume: once` as a
  // call budget of one (the mechanism behind a stub's max_calls).
  struct CompiledRule {
    CompiledRule(ReplayRule definition, detail::CompiledPredicate compiled)
        : rule(std::move(definition)),
          when(std::move(compiled)),
          budget(rule.consume_once ? std::optional<std::int64_t>(1) : std::nullopt) {
      if (when.literal_path) segments.emplace(detail::literal_segments(*when.literal_path));
    }
    const ReplayRule rule;
    const detail::CompiledPredicate when;
    detail::CallBudget budget;
    std::optional<detail::PathIndex<int>::Segments> segments;  // its path, for the index
  };
  using Rules = std::vector<std::shared_ptr<CompiledRule>>;
  // A rule as the index files it, with what ranks it: its layer (1 case, 2 session) and place.
  struct IndexedRule {
    CompiledRule* rule;
    int layer;
    std::size_t position;
    bool operator==(const IndexedRule& other) const { return rule == other.rule; }
  };
  void index_rule(CompiledRule& rule, int layer, std::size_t position);                // lock held
  void reindex();                                                                      // lock held
  std::vector<IndexedRule> candidates(const detail::RequestSubjects& subjects) const;  // lock held
  static std::shared_ptr<CompiledRule> compile(ReplayRule rule);
  detail::RuleDecision refuse(std::string why, const detail::RequestSubjects& subjects);  // lock held; counts a miss

  const std::string id_;
  const ReplayMode mode_;
  const bool indexed_;
  mutable std::mutex mutex_;
  std::shared_ptr<const ReplayCase> case_;
  Rules case_rules_;
  Rules session_rules_;
  detail::PathIndex<IndexedRule> index_;  // both layers
  ReplayPolicy policy_;
  detail::HostList allowed_hosts_;  // policy_.allow_hosts, read
  detail::HostList blocked_hosts_;  // policy_.block_hosts, read
  std::map<std::string, nlohmann::json> fixtures_;
  std::uint64_t revision_ = 0;
  std::uint64_t generated_ids_ = 0;
  bool closed_ = false;
  Stats stats_;
  std::vector<CapturedExchange> captured_;
};

}  // namespace mockhttp

namespace mockhttp::detail {

class ReplaySessionRegistry {
 public:
  std::shared_ptr<ReplaySessionState> create(ReplayMode mode);
  std::shared_ptr<ReplaySessionState> find(const std::string& id) const;  // null when unknown or closed
  bool close(const std::string& id);
  std::vector<std::shared_ptr<ReplaySessionState>> list() const;  // open sessions, by id

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<ReplaySessionState>> sessions_;
  std::mt19937_64 ids_{std::random_device{}()};
};

}  // namespace mockhttp::detail
