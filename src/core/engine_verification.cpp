// The engine's verification: counting journaled requests against a matcher, waiting for them,
// checking their order, and the expectations of stubs (counted calls) when they end.
#include <mockhttp/errors.hpp>

#include <algorithm>
#include <cmath>
#include <functional>

#include "core/engine.hpp"
#include "core/expectation_sink.hpp"

namespace mockhttp {

using nlohmann::json;
using namespace detail;

namespace {
constexpr std::size_t kClosestRequestsShown = 3;

std::string times_phrase(const Criteria& times, const char* unit) {
  return (times.is_literal() ? "exactly " + times.describe() : times.describe()) + " " + unit;
}

// A matcher with its path template compiled once, for a scan over the whole journal.
class CompiledMatcher {
 public:
  explicit CompiledMatcher(const Request& matcher) : matcher_(matcher) {
    if (const auto& text = RequestFields::path_pattern(matcher)) pattern_.emplace(*text);
  }
  bool matches(const RecordedRequest& request) const {
    return evaluate_request(matcher_, RequestSubjects(request), PathMode::pattern, true, pattern()).matched;
  }
  RequestEvaluation explain(const RecordedRequest& request) const {
    return evaluate_request(matcher_, RequestSubjects(request), PathMode::pattern, false, pattern());
  }
  const Request& matcher() const { return matcher_; }

 private:
  const PathPattern* pattern() const { return pattern_ ? &*pattern_ : nullptr; }
  const Request& matcher_;
  std::optional<PathPattern> pattern_;
};

std::size_t count_in(const JournalView& entries, const CompiledMatcher& matcher) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) count += matcher.matches(entries[i].request) ? 1 : 0;
  return count;
}

// The journaled requests from `from` on that came closest to the matcher without matching it.
std::vector<NearMiss> closest_requests(const JournalView& entries, const CompiledMatcher& matcher,
                                       std::size_t from = 0) {
  std::vector<std::pair<RequestEvaluation, NearMiss>> candidates;
  for (std::size_t i = from; i < entries.size(); ++i) {
    const RecordedRequest request = entries[i].request;
    RequestEvaluation evaluation = matcher.explain(request);
    if (evaluation.matched) continue;
    NearMiss miss = to_near_miss("request #" + std::to_string(i + 1), request.describe(), evaluation);
    candidates.emplace_back(std::move(evaluation), std::move(miss));
  }
  return closest_near_misses(std::move(candidates), kClosestRequestsShown);
}

// The journaled requests that match, numbered as in the journal (at most kMatchingShown).
std::string matching_requests(const JournalView& entries, const CompiledMatcher& matcher) {
  constexpr std::size_t kMatchingShown = 5;
  std::string out;
  std::size_t shown = 0, more = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const RecordedRequest request = entries[i].request;
    if (!matcher.matches(request)) continue;
    if (shown == kMatchingShown) {
      ++more;
      continue;
    }
    out += "  " + std::to_string(++shown) + ". " + request.describe() + " [request #" + std::to_string(i + 1) + "]\n";
  }
  if (more > 0) out += "  ... and " + std::to_string(more) + " more\n";
  if (!out.empty()) out.pop_back();
  return out;
}

// Whether some count from `count` on still satisfies `times`: while a wait goes on the journal
// only grows, so "exactly 1" with 2 journaled can never hold again and the wait ends at once.
// A count criteria is built of numeric constants (eq, gt, between, and/or/not, even/odd...), and
// its verdict on an integer can change only next to one of them, so the counts next to each
// constant and two past the last (both parities) stand for every later count. A C++ predicate
// (number_that) cannot be read: it is assumed to be still reachable.
bool can_still_be_met(const Criteria& times, std::size_t count) {
  std::vector<double> constants;
  bool opaque = false;
  const std::function<void(const json&)> collect = [&](const json& form) {
    if (form.is_number()) constants.push_back(form.get<double>());
    if (form.is_object() && form.contains("$predicate")) opaque = true;
    if (form.is_structured()) {
      for (const auto& item : form) collect(item);
    }
  };
  collect(times.to_json());
  if (opaque) return true;
  std::vector<double> candidates;
  const auto from = static_cast<double>(count);
  double last = from;
  for (const double constant : constants) {
    const double whole = std::floor(constant);
    for (double near = whole - 1; near <= whole + 2; ++near) {
      if (near >= from) candidates.push_back(near);
    }
    last = std::max(last, whole);
  }
  for (double k = 0; k < 4; ++k) candidates.push_back(from + k);
  candidates.push_back(last + 2);
  candidates.push_back(last + 3);
  constexpr double kLargestExactCount = 9007199254740992.0;  // 2^53: beyond it a double skips integers
  return std::any_of(candidates.begin(), candidates.end(), [&](double candidate) {
    return candidate <= kLargestExactCount && times.matches(json(static_cast<std::uint64_t>(candidate)));
  });
}

std::string described(const MountedStub& stub) {
  std::string out = "stub " + stub.id + " {" + stub.definition.request.describe() + "}";
  if (stub.definition.mounted_at.known()) out += " mounted at " + stub.definition.mounted_at.describe();
  return out;
}

}  // namespace

std::size_t Engine::count_matching(const Request& matcher, ScopeFilter filter) const {
  return count_in(journal_.snapshot(filter), CompiledMatcher(matcher));
}

Verification Engine::confirm(const Request& matcher, const Criteria& times, ScopeFilter filter) const {
  const JournalView entries = journal_.snapshot(filter);
  const CompiledMatcher compiled(matcher);
  const std::size_t count = count_in(entries, compiled);
  const MatchResult verdict = times.evaluate(json(count));
  std::string report = "Expected " + times_phrase(times, "time(s)") + " a request matching {" + matcher.describe() +
                       "}; " + std::to_string(count) + " of " + std::to_string(entries.size()) +
                       " journaled request(s) matched.";
  if (verdict.matched) return Verification(true, count, std::move(report), {});

  if (!verdict.reason.empty()) report += " (" + verdict.reason + ")";
  if (!can_still_be_met(times, count)) {
    // Too many matched: the requests that did not match explain nothing; the ones that did do.
    report += "\nRequests that matched:\n" + matching_requests(entries, compiled);
    report += seed_note();
    return Verification(false, count, std::move(report), {});
  }
  std::vector<NearMiss> closest = closest_requests(entries, compiled);
  if (!closest.empty()) report += "\nClosest requests that did not match:\n" + describe_near_misses(closest);
  if (const auto dropped = journal_.dropped()) {
    report += "\n(" + std::to_string(dropped) + " older request(s) were dropped by journal_capacity)";
  }
  report += seed_note();
  return Verification(false, count, std::move(report), std::move(closest));
}

Verification Engine::wait_for(const Request& matcher, const Criteria& times, std::chrono::milliseconds timeout,
                              ScopeFilter filter) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool stopped = false;
  bool past_it = false;
  while (true) {
    // Read before counting: an append between the count and the wait still wakes the wait.
    const std::uint64_t seen = journal_.appends();
    const std::size_t count = count_matching(matcher, filter);
    if (times.evaluate(json(count)).matched) break;
    if (!can_still_be_met(times, count)) {
      past_it = true;
      break;
    }
    if (!journal_.wait_for_append(seen, deadline)) {
      stopped = std::chrono::steady_clock::now() < deadline;
      break;
    }
  }
  Verification verification = confirm(matcher, times, filter);
  if (verification.passed()) return verification;
  if (past_it) {
    verification.report_ = "Stopped waiting at once: more requests matched than " + times_phrase(times, "time(s)") +
                           " allows, and the count only grows while waiting. " + verification.report_;
    if (times.is_literal()) {
      verification.report_ += "\n(A plain number is an exact count everywhere in mockhttp; to wait for at least " +
                              times.describe() + ", write gte(" + times.describe() + ").)";
    }
  } else {
    verification.report_ = (stopped ? std::string("The server stopped while waiting: ")
                                    : "Waited " + std::to_string(timeout.count()) + " ms: ") +
                           verification.report_;
  }
  return verification;
}

Verification Engine::confirm_sequence(const std::vector<Request>& matchers, ScopeFilter filter) const {
  const JournalView entries = journal_.snapshot(filter);
  std::vector<std::unique_ptr<CompiledMatcher>> steps;
  for (const auto& matcher : matchers) steps.push_back(std::make_unique<CompiledMatcher>(matcher));

  // Greedy, earliest match first: if any in-order choice exists, this finds one.
  std::vector<std::size_t> found;  // journal positions, 0-based
  std::size_t next = 0;
  for (const auto& step : steps) {
    std::size_t i = next;
    while (i < entries.size() && !step->matches(entries[i].request)) ++i;
    if (i == entries.size()) break;
    found.push_back(i);
    next = i + 1;
  }
  const auto step_line = [&](std::size_t k) {
    return "  " + std::to_string(k + 1) + ". {" + matchers[k].describe() + "}";
  };
  if (found.size() == steps.size()) {
    std::string report = "Received " + std::to_string(steps.size()) + " request(s) in order:\n";
    for (std::size_t k = 0; k < steps.size(); ++k)
      report += step_line(k) + " -> request #" + std::to_string(found[k] + 1) + "\n";
    return Verification(true, found.size(), std::move(report), {});
  }

  const std::size_t failed = found.size();
  std::string report =
      "Expected " + std::to_string(steps.size()) + " requests in this order; step " + std::to_string(failed + 1) +
      " found no request " +
      (failed == 0 ? std::string("in the journal") : "after request #" + std::to_string(found.back() + 1)) + " (" +
      std::to_string(entries.size()) + " journaled):\n";
  for (std::size_t k = 0; k < steps.size(); ++k) {
    report += step_line(k);
    if (k < failed) report += " -> request #" + std::to_string(found[k] + 1);
    if (k == failed) report += " -> none";
    report += "\n";
  }
  // The first request out of order: one that matches the failed step but came too early.
  for (std::size_t i = 0; i < next && failed > 0; ++i) {
    const RecordedRequest request = entries[i].request;
    if (steps[failed]->matches(request)) {
      report += "Out of order: request #" + std::to_string(i + 1) + " " + request.describe() + " matches step " +
                std::to_string(failed + 1) + " but came before request #" + std::to_string(found.back() + 1) +
                " (step " + std::to_string(failed) + ")\n";
      break;
    }
  }
  std::vector<NearMiss> closest = closest_requests(entries, *steps[failed], next);
  if (!closest.empty()) {
    report += "Closest requests " + (failed == 0 ? std::string() : "after #" + std::to_string(found.back() + 1) + " ") +
              "that did not match step " + std::to_string(failed + 1) + ":\n" + describe_near_misses(closest);
  }
  return Verification(false, found.size(), std::move(report), std::move(closest));
}

std::optional<std::string> Engine::unmet_calls(const MountedStub& stub, const Criteria& times) const {
  const std::int64_t calls = stub.budget.used();
  const MatchResult verdict = times.evaluate(json(calls));
  if (verdict.matched) return std::nullopt;
  std::string report = "Expected " + described(stub) + " to answer " + times_phrase(times, "call(s)") +
                       "; it answered " + std::to_string(calls) + ".";
  const ScopeFilter filter = ScopeFilter::only(stub.scope.id);
  const JournalView entries = journal_.snapshot(filter);
  const CompiledMatcher compiled(stub.definition.request);
  report += " " + std::to_string(count_in(entries, compiled)) + " of " + std::to_string(entries.size()) +
            " journaled request(s)" + (stub.scope.name ? " of scope '" + *stub.scope.name + "'" : std::string()) +
            " match its request matcher.";
  const std::vector<NearMiss> closest = closest_requests(entries, compiled);
  if (!closest.empty()) report += "\nClosest requests that did not match:\n" + describe_near_misses(closest);
  return report;
}

Verification Engine::confirm_calls(const std::string& stub_id, const Criteria& times) const {
  const auto stubs = stubs_.mounted(std::vector<std::string>{stub_id});
  if (stubs.empty()) {
    const bool passed = times.matches(json(0));
    return verdict(passed, 0,
                   "Stub " + stub_id + " is not mounted (removed, or its server is gone): 0 calls" +
                       (passed ? "" : ", expected " + times_phrase(times, "call(s)")));
  }
  const MountedStub& stub = *stubs.front();
  const auto calls = static_cast<std::size_t>(stub.budget.used());
  if (auto unmet = unmet_calls(stub, times)) return verdict(false, calls, std::move(*unmet));
  return verdict(true, calls,
                 described(stub) + " answered " + std::to_string(calls) + " call(s), as expected (" +
                     times_phrase(times, "call(s)") + ").");
}

Verification Engine::verify(const std::vector<std::shared_ptr<MountedStub>>& stubs) const {
  std::size_t checked = 0, held = 0;
  std::string failures;
  for (const auto& stub : stubs) {
    if (!stub->definition.expected_calls) continue;
    ++checked;
    if (auto unmet = unmet_calls(*stub, *stub->definition.expected_calls)) {
      failures += *unmet + "\n";
    } else {
      ++held;
    }
  }
  if (failures.empty()) return verdict(true, held, std::to_string(checked) + " expectation(s) held.");
  return verdict(
      false, held,
      std::to_string(checked - held) + " of " + std::to_string(checked) + " expectation(s) failed:\n" + failures);
}

Verification Engine::verify(ScopeFilter filter) const { return verify(stubs_.mounted(filter)); }
Verification Engine::verify(const std::vector<std::string>& stub_ids) const { return verify(stubs_.mounted(stub_ids)); }

void Engine::settle(const std::vector<std::shared_ptr<MountedStub>>& stubs) {
  for (const auto& stub : stubs) {
    if (stub->settled.exchange(true)) continue;  // a scope outliving its server is settled once
    if (stub->definition.expected_calls) {
      if (auto unmet = unmet_calls(*stub, *stub->definition.expected_calls)) {
        report_unmet_expectation(
            {stub->id, stub->definition.request.describe(), stub->definition.mounted_at, std::move(*unmet)});
      }
    }
    if (tracking_unused_stubs() && stub->budget.used() == 0) {
      note_unused_stub({stub->id, stub->definition.request.describe(), stub->definition.mounted_at});
    }
  }
}

void Engine::settle(ScopeFilter filter) { settle(stubs_.mounted(filter)); }
void Engine::settle(const std::vector<std::string>& stub_ids) { settle(stubs_.mounted(stub_ids)); }

}  // namespace mockhttp
