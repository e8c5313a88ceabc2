#include "core/stub_registry.hpp"

#include <algorithm>
#include <tuple>
#include <unordered_set>

#include <mockhttp/errors.hpp>

#include "matching/selection.hpp"

namespace mockhttp::detail {

std::string StubRegistry::new_id() {
  // A random (version 4) UUID, the id format assertive-mock-api hands out.
  std::uniform_int_distribution<std::uint64_t> bits;
  std::uint64_t high = bits(id_generator_), low = bits(id_generator_);
  high = (high & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  low = (low & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(high >> 32),
                static_cast<unsigned>((high >> 16) & 0xFFFF), static_cast<unsigned>(high & 0xFFFF),
                static_cast<unsigned>(low >> 48), static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFULL));
  return text;
}

std::string StubRegistry::add(StubDefinition definition, StubScope scope, std::optional<std::string> chosen_id,
                              EncodedAnswers encoded_answers) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (chosen_id && by_id_.count(*chosen_id) != 0) throw StubError("a stub with id '" + *chosen_id + "' already exists");
  std::string id = chosen_id ? *chosen_id : new_id();
  auto stub = std::make_shared<MountedStub>(id, std::move(definition), std::move(scope), next_sequence_++,
                                            std::move(encoded_answers));
  stubs_.push_back(stub);
  by_id_.emplace(id, stub);
  index_.add(stub, stub->pattern ? &stub->pattern->segments() : nullptr);
  return id;
}

void StubRegistry::erase(std::vector<std::shared_ptr<MountedStub>>::iterator it) {
  const auto& stub = *it;
  index_.remove(stub, stub->pattern ? &stub->pattern->segments() : nullptr);
  by_id_.erase(stub->id);
  stubs_.erase(it);
}

bool StubRegistry::remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (by_id_.count(id) == 0) return false;
  erase(std::find_if(stubs_.begin(), stubs_.end(), [&](const auto& s) { return s->id == id; }));
  return true;
}

bool StubRegistry::remove(const std::string& id, ScopeFilter filter) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = std::find_if(stubs_.begin(), stubs_.end(),
                               [&](const auto& s) { return s->id == id && filter.admits(s->scope.id); });
  if (it == stubs_.end()) return false;
  erase(it);
  return true;
}

void StubRegistry::remove(ScopeFilter filter) {
  std::lock_guard<std::mutex> lock(mutex_);
  stubs_.erase(
      std::remove_if(stubs_.begin(), stubs_.end(), [&](const auto& stub) { return filter.admits(stub->scope.id); }),
      stubs_.end());
  // Many may have gone: the index and the id map are rebuilt from what stays.
  index_.clear();
  by_id_.clear();
  for (const auto& stub : stubs_) {
    by_id_.emplace(stub->id, stub);
    index_.add(stub, stub->pattern ? &stub->pattern->segments() : nullptr);
  }
}

std::optional<StubInfo> StubRegistry::find(const std::string& id) const {
  std::shared_ptr<MountedStub> stub;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = by_id_.find(id);
    if (it == by_id_.end()) return std::nullopt;
    stub = it->second;
  }
  return StubInfo{stub->id, stub->definition, stub->budget.used(), stub->scope.name};
}

void StubRegistry::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  stubs_.clear();
  by_id_.clear();
  index_.clear();
}

std::vector<std::shared_ptr<MountedStub>> StubRegistry::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stubs_;
}

std::vector<StubInfo> StubRegistry::list(ScopeFilter filter, std::size_t skip, std::size_t limit) const {
  std::vector<StubInfo> out;
  for (const auto& stub : snapshot()) {
    if (!filter.admits(stub->scope.id)) continue;
    if (skip > 0) {
      --skip;
      continue;
    }
    if (out.size() == limit) break;
    out.push_back({stub->id, stub->definition, stub->budget.used(), stub->scope.name});
  }
  return out;
}

std::vector<std::shared_ptr<MountedStub>> StubRegistry::mounted(ScopeFilter filter) const {
  std::vector<std::shared_ptr<MountedStub>> out;
  for (auto& stub : snapshot()) {
    if (filter.admits(stub->scope.id)) out.push_back(std::move(stub));
  }
  return out;
}

std::vector<std::shared_ptr<MountedStub>> StubRegistry::mounted(const std::vector<std::string>& ids) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<MountedStub>> out;
  for (const auto& id : ids) {
    if (const auto it = by_id_.find(id); it != by_id_.end()) out.push_back(it->second);
  }
  return out;
}

bool StubRegistry::any_chaos() const {
  const auto stubs = snapshot();
  return std::any_of(stubs.begin(), stubs.end(), [](const auto& stub) { return !stub->definition.chaos.empty(); });
}

std::optional<std::int64_t> StubRegistry::calls(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second->budget.used();
}

std::optional<StubSelection> StubRegistry::select(const RequestSubjects& subjects, std::uint64_t scope_id,
                                                  bool conversations) {
  // assertive-mock-api's ranking: more matched fields, then heavier fields, then the request's
  // own scope, then a more literal path, then the newest.
  using Rank = std::tuple<int, int, int, int, std::uint64_t>;
  std::vector<std::shared_ptr<MountedStub>> candidates;
  if (indexed_) {
    std::lock_guard<std::mutex> lock(mutex_);
    index_.candidates(subjects.path_segments(), candidates);
  } else {
    candidates = snapshot();
  }
  std::vector<Contender<std::shared_ptr<MountedStub>, Rank>> contenders;
  for (auto& stub : candidates) {
    if (stub->scope.id != kGlobalScope && stub->scope.id != scope_id) continue;
    if (stub->budget.exhausted()) continue;
    if (stub->definition.grpc_conversation.has_value() != conversations) continue;
    if (stub->definition.websocket && !subjects.asks_websocket_upgrade()) continue;
    if (stub->definition.scenario && !scenarios_.admits(scope_id, *stub->definition.scenario)) continue;
    RequestEvaluation evaluation = evaluate_request(stub->definition.request, subjects, PathMode::pattern, true,
                                                    stub->pattern ? &*stub->pattern : nullptr);
    if (!evaluation.matched) continue;
    const int scope_specificity = scope_id != kGlobalScope && stub->scope.id == scope_id ? 1 : 0;
    const Rank rank{evaluation.strength, evaluation.weight, scope_specificity, evaluation.path_specificity,
                    stub->sequence};
    CallBudget* budget = &stub->budget;
    contenders.push_back({std::move(stub), budget, std::move(evaluation), rank});
  }
  std::optional<ScenarioTransition> transition;
  auto choice = choose(std::move(contenders), [&](auto& contender) {
    const auto& scenario = contender.candidate->definition.scenario;
    return scenario ? scenarios_.claim(scope_id, *scenario, *contender.budget, transition) : contender.budget->claim();
  });
  if (!choice) return std::nullopt;
  return StubSelection{std::move(choice->candidate), std::move(choice->evaluation.path_params), choice->call_number,
                       std::move(transition)};
}

std::vector<NearMiss> StubRegistry::closest(const RequestSubjects& subjects, std::uint64_t scope_id,
                                            std::size_t limit) const {
  // The report must stay cheap with 100,000 stubs: the stubs on the request's path (the index)
  // come first, then the newest others, up to kNearMissScanBound; and only the few shown are
  // described (a description and a mismatch list cost more than the evaluation).
  std::vector<std::shared_ptr<MountedStub>> scanned;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::shared_ptr<MountedStub>> on_path;
    index_.candidates(subjects.path_segments(), on_path);
    std::unordered_set<const MountedStub*> taken;
    for (auto& stub : on_path) {
      if (scanned.size() == kNearMissScanBound) break;
      if (stub->scope.id != kGlobalScope && stub->scope.id != scope_id) continue;
      taken.insert(stub.get());
      scanned.push_back(std::move(stub));
    }
    for (auto it = stubs_.rbegin(); it != stubs_.rend() && scanned.size() < kNearMissScanBound; ++it) {
      const auto& stub = *it;
      if (stub->scope.id != kGlobalScope && stub->scope.id != scope_id) continue;
      if (taken.count(stub.get()) == 0) scanned.push_back(stub);
    }
  }
  // Mount order among equals, as a scan of every stub would give.
  std::sort(scanned.begin(), scanned.end(), [](const auto& a, const auto& b) { return a->sequence < b->sequence; });
  std::vector<std::pair<RequestEvaluation, const MountedStub*>> evaluated;
  evaluated.reserve(scanned.size());
  for (const auto& stub : scanned) {
    evaluated.emplace_back(evaluate_request(stub->definition.request, subjects, PathMode::pattern, false,
                                            stub->pattern ? &*stub->pattern : nullptr),
                           stub.get());
  }
  std::stable_sort(evaluated.begin(), evaluated.end(), [](const auto& a, const auto& b) {
    if (a.first.strength != b.first.strength) return a.first.strength > b.first.strength;
    return a.first.weight > b.first.weight;
  });
  if (evaluated.size() > limit) evaluated.resize(limit);
  std::vector<NearMiss> closest;
  for (auto& [evaluation, stub] : evaluated) {
    NearMiss miss = to_near_miss(stub->id, stub->definition.request.describe(), evaluation);
    miss.mounted_at = stub->definition.mounted_at.describe();
    if (stub->budget.exhausted()) {
      miss.mismatches.push_back({"max_calls", std::to_string(*stub->definition.max_calls),
                                 "already answered " + std::to_string(stub->budget.used()) + " of max_calls " +
                                     std::to_string(*stub->definition.max_calls)});
    }
    if (const auto& scenario = stub->definition.scenario; scenario && !scenarios_.admits(scope_id, *scenario)) {
      miss.mismatches.push_back({"scenario", "state " + *scenario->required_state,
                                 "scenario " + scenario->name + " is in state " +
                                     scenarios_.state(scope_id, scenario->name) + ", stub wants " +
                                     *scenario->required_state});
    }
    closest.push_back(std::move(miss));
  }
  return closest;
}

}  // namespace mockhttp::detail
