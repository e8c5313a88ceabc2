// What the admin page reads of the engine: the journal by id, the near-miss report of an
// unmatched request, each stub's scenario state. Read-only, and never on the serving path.
#include "core/engine.hpp"

namespace mockhttp {

using namespace detail;

namespace inspection {
constexpr std::size_t kNearMissesShown = 3;  // as many as the 404 of an unmatched request shows
}  // namespace inspection

std::vector<JournalEntry> Engine::journal_entries(ScopeFilter filter, std::uint64_t after_id) const {
  const JournalView view = journal_.snapshot(filter);
  std::vector<JournalEntry> out;
  for (std::size_t i = 0; i < view.size(); ++i) {
    if (view.id(i) > after_id) out.push_back(view[i]);  // older ones are never unpacked
  }
  return out;
}

std::vector<std::uint64_t> Engine::journal_ids(std::size_t newest) const {
  const JournalView view = journal_.snapshot();
  std::vector<std::uint64_t> out;
  for (std::size_t i = view.size() > newest ? view.size() - newest : 0; i < view.size(); ++i) out.push_back(view.id(i));
  return out;
}

std::optional<JournalEntry> Engine::journal_entry(std::uint64_t id) const {
  const JournalView view = journal_.snapshot();
  // Ids grow along the journal: a binary search finds the one asked for.
  std::size_t low = 0, high = view.size();
  while (low < high) {
    const std::size_t middle = low + (high - low) / 2;
    if (view.id(middle) < id) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  if (low == view.size() || view.id(low) != id) return std::nullopt;
  return view[low];
}

Engine::UnmatchedReport Engine::unmatched_report(const JournalEntry& entry) const {
  const RecordedRequest& recorded = entry.request;
  const RequestSubjects subjects(recorded);
  UnmatchedReport out;
  out.closest_stubs = stubs_.closest(subjects, entry.scope_id, inspection::kNearMissesShown);
  // Worded as the 404's report, so the page and the client that got the 404 read the same.
  out.report = "No stub matched " + recorded.describe() + (recorded.scope ? " in scope '" + *recorded.scope + "'" : "") +
               "\n" +
               (out.closest_stubs.empty() ? "  (no stubs are mounted)\n"
                                          : "Closest stubs:\n" + describe_near_misses(out.closest_stubs));
  return out;
}

std::vector<Engine::StubStatus> Engine::stub_statuses() const {
  std::vector<StubStatus> out;
  for (const auto& stub : stubs_.mounted(ScopeFilter::everything())) {
    StubStatus status{{stub->id, stub->definition, stub->budget.used(), stub->scope.name}, std::nullopt};
    if (const auto& step = stub->definition.scenario) {
      status.scenario_state = stubs_.scenarios().state(stub->scope.id, step->name);
    }
    out.push_back(std::move(status));
  }
  return out;
}

}  // namespace mockhttp
