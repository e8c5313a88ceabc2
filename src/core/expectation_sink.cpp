#include "core/expectation_sink.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <utility>

namespace mockhttp {

namespace {

std::atomic<bool> default_sink_reported{false};
std::atomic<bool> tracking{false};

struct ProcessState {
  std::mutex mutex;
  ExpectationSink sink;  // empty: the default
  std::vector<UnusedStub> unused;
};

ProcessState& process_state() {
  static ProcessState* state = new ProcessState;  // never destroyed: servers may end during exit
  return *state;
}

// No exception and no allocation-heavy stream: it may run in a destructor late in a test.
void report_on_stderr(const ExpectationFailure& failure) {
  default_sink_reported.store(true);
  std::fprintf(stderr, "mockhttp: unmet expectation\n%s\n", failure.report.c_str());
}

}  // namespace

ExpectationSink set_expectation_sink(ExpectationSink sink) {
  ProcessState& state = process_state();
  std::lock_guard<std::mutex> lock(state.mutex);
  return std::exchange(state.sink, std::move(sink));
}

bool expectations_failed() noexcept { return default_sink_reported.load(); }
void clear_expectations_failed() noexcept { default_sink_reported.store(false); }

void track_unused_stubs(bool on) noexcept { tracking.store(on); }
bool tracking_unused_stubs() noexcept { return tracking.load(); }

std::vector<UnusedStub> take_unused_stubs() {
  ProcessState& state = process_state();
  std::lock_guard<std::mutex> lock(state.mutex);
  return std::exchange(state.unused, {});
}

namespace detail {

void report_unmet_expectation(const ExpectationFailure& failure) {
  ExpectationSink sink;
  {
    ProcessState& state = process_state();
    std::lock_guard<std::mutex> lock(state.mutex);
    sink = state.sink;
  }
  // Called outside the lock: a sink may install another sink or read the unused list.
  if (sink) {
    sink(failure);
  } else {
    report_on_stderr(failure);
  }
}

void note_unused_stub(UnusedStub stub) {
  ProcessState& state = process_state();
  std::lock_guard<std::mutex> lock(state.mutex);
  state.unused.push_back(std::move(stub));
}

}  // namespace detail
}  // namespace mockhttp
