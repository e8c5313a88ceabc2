#include "replay/replay_sessions.hpp"

#include <algorithm>
#include <tuple>

#include <mockhttp/errors.hpp>

#include "encoding/authority.hpp"
#include "encoding/unicode_text.hpp"
#include "matching/selection.hpp"

namespace mockhttp {

using namespace detail;

using nlohmann::json;

namespace {
constexpr std::size_t kClosestRulesShown = 3;

// The port a request was sent to, as its Host header (or, inside an intercepted tunnel, its
// CONNECT target) names it; a Host without one means http's 80, a tunnel's https 443.
int port_named_by(const RecordedRequest& request) {
  const std::string authority = request.tunnel ? *request.tunnel : request.header("host").value_or("");
  return parse_authority(authority).port.value_or(request.tunnel ? 443 : 80);
}

// A policy's host list, read with the one host grammar; a bad entry is a RuleError at its pointer.
HostList policy_host_list(const std::vector<std::string>& entries, const char* key) {
  try {
    return HostList::parse(entries, key);
  } catch (const HostListError& e) {
    throw RuleError(std::string("/") + key + "/" + std::to_string(e.index()),
                    "\"" + e.entry() + "\" is not a host entry: " + e.problem());
  }
}
}  // namespace

std::shared_ptr<ReplaySessionState::CompiledRule> ReplaySessionState::compile(ReplayRule rule) {
  CompiledPredicate when = CompiledPredicate::compile(RulePredicate::from_json(rule.when, "/when"));
  return std::make_shared<CompiledRule>(std::move(rule), std::move(when));
}

void ReplaySessionState::load_case(ReplayCase loaded) {
  Rules compiled;
  for (const auto& rule : loaded.rules()) compiled.push_back(compile(rule));
  std::lock_guard<std::mutex> lock(mutex_);
  case_rules_ = std::move(compiled);
  case_ = std::make_shared<const ReplayCase>(std::move(loaded));
  reindex();
  ++revision_;
}

constexpr int kCaseLayer = 1;
constexpr int kSessionLayer = 2;

void ReplaySessionState::index_rule(CompiledRule& rule, int layer, std::size_t position) {
  index_.add(IndexedRule{&rule, layer, position}, rule.segments ? &*rule.segments : nullptr);
}

void ReplaySessionState::reindex() {
  index_.clear();
  for (std::size_t i = 0; i < case_rules_.size(); ++i) index_rule(*case_rules_[i], kCaseLayer, i);
  for (std::size_t i = 0; i < session_rules_.size(); ++i) index_rule(*session_rules_[i], kSessionLayer, i);
}

std::vector<ReplaySessionState::IndexedRule> ReplaySessionState::candidates(const RequestSubjects& subjects) const {
  std::vector<IndexedRule> out;
  if (indexed_) {
    index_.candidates(subjects.path_segments(), out);
    return out;
  }
  for (std::size_t i = 0; i < case_rules_.size(); ++i) out.push_back({case_rules_[i].get(), kCaseLayer, i});
  for (std::size_t i = 0; i < session_rules_.size(); ++i) out.push_back({session_rules_[i].get(), kSessionLayer, i});
  return out;
}

std::shared_ptr<const ReplayCase> ReplaySessionState::loaded_case() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return case_;
}

void ReplaySessionState::add_rule(ReplayRule rule) {
  const RulePredicate predicate = RulePredicate::from_json(rule.when, "/when");
  add_rule(std::move(rule), predicate);
}

void ReplaySessionState::add_rule(ReplayRule rule, const RulePredicate& predicate) {
  CompiledPredicate when = CompiledPredicate::compile(predicate);
  std::lock_guard<std::mutex> lock(mutex_);
  if (rule.id.empty()) rule.id = "mock-" + std::to_string(++generated_ids_);
  session_rules_.push_back(std::make_shared<CompiledRule>(std::move(rule), std::move(when)));
  index_rule(*session_rules_.back(), kSessionLayer, session_rules_.size() - 1);
  ++revision_;
}

void ReplaySessionState::replace_rules(std::vector<ReplayRule> rules) {
  std::lock_guard<std::mutex> lock(mutex_);
  Rules compiled;
  for (auto& rule : rules) {
    if (rule.id.empty()) rule.id = "rule-" + std::to_string(++generated_ids_);
    compiled.push_back(compile(std::move(rule)));
  }
  session_rules_ = std::move(compiled);
  reindex();
  ++revision_;
}

std::vector<ReplayRule> ReplaySessionState::rules() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<ReplayRule> out;
  for (const auto& rule : session_rules_) out.push_back(rule->rule);
  return out;
}

void ReplaySessionState::set_policy(ReplayPolicy policy) {
  // Read before the lock is taken and anything changes: a bad entry leaves the old policy whole.
  HostList allowed = policy_host_list(policy.allow_hosts, "allowHosts");
  HostList blocked = policy_host_list(policy.block_hosts, "blockHosts");
  std::lock_guard<std::mutex> lock(mutex_);
  policy_ = std::move(policy);
  allowed_hosts_ = std::move(allowed);
  blocked_hosts_ = std::move(blocked);
  ++revision_;
}

ReplayPolicy ReplaySessionState::policy() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return policy_;
}

bool ReplaySessionState::policy_allows_host(const std::string& host, int port) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return allowed_hosts_.matches_with_subdomains(host, port);
}

std::map<std::string, json> ReplaySessionState::fixtures() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<std::string, json> out;
  if (case_) {
    for (const auto& fixture : case_->fixtures()) out[fixture.name] = fixture.value;
  }
  for (const auto& [name, value] : fixtures_) out[name] = value;
  return out;
}

void ReplaySessionState::set_fixture(const std::string& name, json value) {
  std::lock_guard<std::mutex> lock(mutex_);
  fixtures_[name] = std::move(value);
  ++revision_;
}

std::uint64_t ReplaySessionState::revision() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return revision_;
}

void ReplaySessionState::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  closed_ = true;
}

bool ReplaySessionState::closed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return closed_;
}

void ReplaySessionState::record(CapturedExchange exchange, const std::vector<std::string>& redact) {
  const auto mask = [&](Headers& headers) {
    for (auto& [name, value] : headers) {
      for (const auto& redacted : redact) {
        if (ascii_equals_ignoring_case(name, redacted)) value = "[REDACTED]";
      }
    }
  };
  mask(exchange.request.headers);
  mask(exchange.response.headers);
  std::lock_guard<std::mutex> lock(mutex_);
  captured_.push_back(std::move(exchange));
  ++stats_.extracted;
}

std::vector<CapturedExchange> ReplaySessionState::captured() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return captured_;
}

ReplaySessionState::Stats ReplaySessionState::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

RuleDecision ReplaySessionState::refuse(std::string why, const RequestSubjects& subjects) {
  ++stats_.strict_misses;
  RuleDecision decision;
  decision.kind = RuleDecision::Kind::refuse;
  decision.refusal = std::move(why);
  std::vector<std::pair<RequestEvaluation, NearMiss>> candidates;
  for (const auto* layer : {&session_rules_, &case_rules_}) {
    for (const auto& compiled : *layer) {
      RequestEvaluation evaluation = evaluate_request(compiled->when.matcher, subjects, PathMode::literal, false);
      NearMiss miss = to_near_miss(compiled->rule.id, compiled->when.matcher.describe(), evaluation);
      if (compiled->budget.exhausted()) {
        miss.mismatches.push_back({"consume", "once", "already answered once (consume: once)"});
      }
      candidates.emplace_back(std::move(evaluation), std::move(miss));
    }
  }
  decision.closest_rules = closest_near_misses(std::move(candidates), kClosestRulesShown);
  return decision;
}

RuleDecision ReplaySessionState::decide(const RequestSubjects& subjects, const RecordedRequest& request) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Rule precedence: the highest priority, then the later layer (session over case), then the
  // later rule. Only outbound rules answer live requests.
  using Rank = std::tuple<std::int64_t, int, std::size_t>;
  std::vector<Contender<CompiledRule*, Rank>> contenders;
  for (const IndexedRule& entry : candidates(subjects)) {
    CompiledRule& compiled = *entry.rule;
    if (compiled.budget.exhausted() || compiled.when.direction.value_or("outbound") != "outbound") continue;
    RequestEvaluation evaluation = evaluate_request(compiled.when.matcher, subjects, PathMode::literal, true);
    if (!evaluation.matched) continue;
    contenders.push_back({&compiled, &compiled.budget, std::move(evaluation),
                          Rank{compiled.rule.priority, entry.layer, entry.position}});
  }
  const auto choice = choose(std::move(contenders));
  CompiledRule* best = choice ? choice->candidate : nullptr;
  if (best) {
    RuleDecision decision;
    decision.rule_id = best->rule.id;
    switch (best->rule.action) {
      case RuleAction::mock:
      case RuleAction::error:
        ++stats_.injected;
        decision.kind = RuleDecision::Kind::respond;
        decision.response = best->rule.response;
        return decision;
      case RuleAction::passthrough:
      case RuleAction::capture_only:
        decision.kind = RuleDecision::Kind::forward;
        decision.redact_headers = best->rule.redact_headers;
        return decision;
      case RuleAction::replay: {
        CasePredicate same{
            std::string("outbound"), request.method, request.host, std::nullopt, request.path, std::nullopt, {}};
        const auto captured = case_ ? case_->find_all(same) : std::vector<CapturedExchange>{};
        if (captured.empty()) {
          return refuse("replay rule '" + best->rule.id + "' found no captured exchange for " + request.method + " " +
                            request.host + request.path,
                        subjects);
        }
        ++stats_.injected;
        decision.kind = RuleDecision::Kind::respond;
        decision.response = captured.front().response.to_response();
        return decision;
      }
    }
  }
  // A miss: the policy decides.
  // The policy's lists read a bare name as the name and its subdomains, as Softprobe's do.
  const int port = port_named_by(request);
  if (blocked_hosts_.matches_with_subdomains(request.host, port)) {
    return refuse("no rule matched and the policy blocks host " + request.host, subjects);
  }
  if (policy_.strict_external_http && !allowed_hosts_.matches_with_subdomains(request.host, port)) {
    return refuse(
        "no rule matched and the policy is strict (externalHttp: strict; " + request.host + " is not in allowHosts)",
        subjects);
  }
  if (!policy_.passthrough_on_miss) return refuse("no rule matched (defaultOnMiss: error)", subjects);
  RuleDecision decision;
  decision.kind = RuleDecision::Kind::forward;
  return decision;
}

std::shared_ptr<ReplaySessionState> detail::ReplaySessionRegistry::create(ReplayMode mode) {
  std::lock_guard<std::mutex> lock(mutex_);
  char id[32];
  std::snprintf(id, sizeof id, "sess_%016llx", static_cast<unsigned long long>(ids_()));
  auto state = std::make_shared<ReplaySessionState>(id, mode);
  sessions_[id] = state;
  return state;
}

std::shared_ptr<ReplaySessionState> detail::ReplaySessionRegistry::find(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<ReplaySessionState>> detail::ReplaySessionRegistry::list() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<ReplaySessionState>> out;
  for (const auto& [id, state] : sessions_) out.push_back(state);
  return out;
}

bool detail::ReplaySessionRegistry::close(const std::string& id) {
  std::shared_ptr<ReplaySessionState> state;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = sessions_.find(id);
    if (it == sessions_.end()) return false;
    state = it->second;
    sessions_.erase(it);
  }
  state->close();
  return true;
}

}  // namespace mockhttp
