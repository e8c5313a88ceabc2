#pragma once
// The states of stateful scenarios, per scope: a request of scope S reads and moves S's
// scenarios, whichever stub (S's or a global one) answers it, so tests sharing a server never
// move each other's scenarios. Unknown scenarios are in kScenarioStarted.
// Thread safety: every member is safe from any thread. claim() checks the state, spends the
// stub's call and moves the scenario under one lock, so of many concurrent requests that all
// saw "Started", exactly one makes the "Started" -> "Paid" transition.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <mockhttp/recorded_request.hpp>
#include <mockhttp/stub_definition.hpp>

#include "matching/call_budget.hpp"

namespace mockhttp::detail {

// The longest scenario name or state (docs/security.md): each journaled move packs both, so an
// unbounded name would let one stub fill the journal's byte budget per request.
inline constexpr std::size_t kMaxScenarioText = 256;

class ScenarioStates {
 public:
  std::string state(std::uint64_t scope_id, const std::string& name) const;
  void set(std::uint64_t scope_id, const std::string& name, std::string state);
  // Every scenario of the scope, by name (those moved or set since the last reset).
  std::map<std::string, std::string> of_scope(std::uint64_t scope_id) const;
  void reset(std::uint64_t scope_id);  // back to "Started": the scope's scenarios
  void reset_all();

  // Whether a step's required state holds now (a cheap pre-check; claim() decides).
  bool admits(std::uint64_t scope_id, const ScenarioStep& step) const;
  // Spends one call of `budget` if the scenario is still in the step's required state, and
  // makes the step's transition: the call number, or nullopt when the state moved on or no call
  // is left. `transition` is set when the step names a new state.
  std::optional<std::int64_t> claim(std::uint64_t scope_id, const ScenarioStep& step, CallBudget& budget,
                                    std::optional<ScenarioTransition>& transition);

 private:
  using Key = std::pair<std::uint64_t, std::string>;
  const std::string& state_locked(const Key& key) const;  // mutex_ held

  mutable std::mutex mutex_;
  std::map<Key, std::string> states_;
};

}  // namespace mockhttp::detail
