// What reports and the admin page read of the engine: the journal by id, the near-miss report of
// an unmatched request (the 404's too), each stub's scenario state. Read-only.
#include "core/engine.hpp"

namespace mockhttp {

using namespace detail;

namespace {
constexpr std::size_t kNearMissesShown = 3;  // in a 404's report and on the admin page alike
}  // namespace

std::vector<JournalEntry> Engine::journal_entries(ScopeFilter filter, std::uint64_t after_id, std::size_t limit,
                                                  JournalEnd end) const {
  const JournalView view = journal_.snapshot(filter);
  // Ids grow along the journal: the first entry after `after_id` is found by a binary search,
  // and only the entries returned are unpacked (a listing of a million entries stays a page).
  std::size_t first = 0, high = view.size();
  while (first < high) {
    const std::size_t middle = first + (high - first) / 2;
    if (view.id(middle) <= after_id) {
      first = middle + 1;
    } else {
      high = middle;
    }
  }
  std::size_t from = first, to = view.size();
  if (to - from > limit) {
    if (end == JournalEnd::oldest) {
      to = from + limit;
    } else {
      from = to - limit;
    }
  }
  std::vector<JournalEntry> out;
  out.reserve(to - from);
  for (std::size_t i = from; i < to; ++i) out.push_back(view[i]);
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
  out.closest_stubs = stubs_.closest(subjects, entry.scope_id, kNearMissesShown);
  // The 404's report and the admin page's are this one text.
  // The protocol is named when it is not HTTP/1.x, the one a reader assumes.
  const bool unusual_protocol = !recorded.protocol.empty() && recorded.protocol.rfind("HTTP/1", 0) != 0;
  out.report = "No stub matched " + recorded.describe() + (unusual_protocol ? " (" + recorded.protocol + ")" : "") +
               (recorded.scope ? " in scope '" + *recorded.scope + "'" : "") + "\n" +
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
