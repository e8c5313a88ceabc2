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

template <typename Candidate, typename Rank>
std::optional<Choice<Candidate>> choose(std::vector<Contender<Candidate, Rank>> contenders) {
  std::sort(contenders.begin(), contenders.end(),
            [](const auto& a, const auto& b) { return b.rank < a.rank; });
  for (auto& contender : contenders) {
    // A candidate spent by a concurrent request since it matched gives way to the next.
    if (const auto call = contender.budget->claim()) {
      return Choice<Candidate>{std::move(contender.candidate), std::move(contender.evaluation), *call};
    }
  }
  return std::nullopt;
}

}  // namespace mockhttp::detail
