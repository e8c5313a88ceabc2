#include "matching/scenario_states.hpp"

namespace mockhttp::detail {

const std::string& ScenarioStates::state_locked(const Key& key) const {
  static const std::string started = kScenarioStarted;
  const auto it = states_.find(key);
  return it == states_.end() ? started : it->second;
}

std::string ScenarioStates::state(std::uint64_t scope_id, const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_locked({scope_id, name});
}

void ScenarioStates::set(std::uint64_t scope_id, const std::string& name, std::string state) {
  std::lock_guard<std::mutex> lock(mutex_);
  states_[{scope_id, name}] = std::move(state);
}

std::map<std::string, std::string> ScenarioStates::of_scope(std::uint64_t scope_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<std::string, std::string> out;
  for (const auto& [key, state] : states_) {
    if (key.first == scope_id) out.emplace(key.second, state);
  }
  return out;
}

void ScenarioStates::reset(std::uint64_t scope_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = states_.begin(); it != states_.end();) {
    it = it->first.first == scope_id ? states_.erase(it) : std::next(it);
  }
}

void ScenarioStates::reset_all() {
  std::lock_guard<std::mutex> lock(mutex_);
  states_.clear();
}

bool ScenarioStates::admits(std::uint64_t scope_id, const ScenarioStep& step) const {
  if (!step.required_state) return true;
  std::lock_guard<std::mutex> lock(mutex_);
  return state_locked({scope_id, step.name}) == *step.required_state;
}

std::optional<std::int64_t> ScenarioStates::claim(std::uint64_t scope_id, const ScenarioStep& step, CallBudget& budget,
                                                  std::optional<ScenarioTransition>& transition) {
  std::lock_guard<std::mutex> lock(mutex_);
  const Key key{scope_id, step.name};
  const std::string current = state_locked(key);
  if (step.required_state && current != *step.required_state) return std::nullopt;
  const auto call = budget.claim();
  if (call && step.new_state) {
    states_[key] = *step.new_state;
    transition = ScenarioTransition{step.name, current, *step.new_state};
  }
  return call;
}

}  // namespace mockhttp::detail
