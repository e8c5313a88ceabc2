#pragma once
// The one choice stubs and replay rules share: among the candidates whose matcher accepted a
// request, the best-ranked one that still has a call left answers it. Only the ranking differs:
// stubs rank by assertive-mock-api's fields and weights (core/stub_registry.cpp), replay rules by
// priority, then layer, then order (replay/replay_sessions.cpp).
// Thread safety: choose() claims calls atomically; the candidates must outlive the call.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "matching/call_budget.hpp"
#include "matching/request_evaluation.hpp"

namespace mockhttp::detail {

// A candidate that matched, with its evaluation and the rank its policy gave it. `Rank` is
// ordered by operator< (a std::tuple): higher wins.
template <typename Candidate, typename Rank>
struct Contender {
  Candidate candidate;
  CallBudget* budget;
  RequestEvaluation evaluation;
  Rank rank;
};

template <typename Candidate>
struct Choice {
  Candidate candidate;
  RequestEvaluation evaluation;
  std::int64_t call_number = 0;  // 1 for the candidate's first answer, 2 for its second, ...
};

// `claim(contender)` spends the contender's call: its number, or nullopt when it has none left
// (by default its budget alone; stubs in a scenario also need the scenario's state to hold).
template <typename Candidate, typename Rank, typename Claim>
std::optional<Choice<Candidate>> choose(std::vector<Contender<Candidate, Rank>> contenders, Claim claim) {
  std::sort(contenders.begin(), contenders.end(), [](const auto& a, const auto& b) { return b.rank < a.rank; });
  for (auto& contender : contenders) {
    // A candidate spent by a concurrent request since it matched gives way to the next.
    if (const auto call = claim(contender)) {
      return Choice<Candidate>{std::move(contender.candidate), std::move(contender.evaluation), *call};
    }
  }
  return std::nullopt;
}

template <typename Candidate, typename Rank>
std::optional<Choice<Candidate>> choose(std::vector<Contender<Candidate, Rank>> contenders) {
  return choose(std::move(contenders), [](auto& contender) { return contender.budget->claim(); });
}

}  // namespace mockhttp::detail
