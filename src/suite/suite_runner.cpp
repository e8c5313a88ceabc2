// run_suite: the cases a filter leaves, on `parallel` threads, in the suite's order.
#include <atomic>
#include <mutex>
#include <thread>

#include <mockhttp/suite.hpp>

namespace mockhttp {

std::vector<CaseResult> run_suite(const Suite& suite, MockServer& runtime, const SuiteRun& run,
                                  const SuiteRunOptions& options) {
  std::vector<const SuiteCase*> chosen;
  for (const auto& test_case : suite.cases()) {
    if (options.filter.empty() || test_case.name.find(options.filter) != std::string::npos ||
        test_case.path.find(options.filter) != std::string::npos) {
      chosen.push_back(&test_case);
    }
  }
  std::vector<CaseResult> results(chosen.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex report_mutex;
  std::size_t done = 0;
  const auto work = [&] {
    for (;;) {
      const std::size_t index = next.fetch_add(1);
      if (index >= chosen.size()) return;
      CaseResult result;
      if (chosen[index]->skip || stop.load()) {  // skip: / only: in the suite, or --fail-fast
        result.name = chosen[index]->name;
        result.path = chosen[index]->path;
        result.outcome = CaseResult::Outcome::skipped;
        const std::string why = chosen[index]->skip ? chosen[index]->skip_reason : "--fail-fast stopped the suite";
        result.issues.push_back({"skipped", "", "", why});
      } else {
        result = run_case(suite, *chosen[index], runtime, run);
        if (options.fail_fast &&
            (result.outcome == CaseResult::Outcome::failed || result.outcome == CaseResult::Outcome::error)) {
          stop.store(true);
        }
      }
      results[index] = std::move(result);
      std::lock_guard<std::mutex> lock(report_mutex);
      ++done;
      if (options.on_case_done) options.on_case_done(results[index], done, chosen.size());
    }
  };
  const std::size_t threads = std::max<std::size_t>(1, std::min(options.parallel, chosen.size()));
  std::vector<std::thread> workers;
  for (std::size_t i = 1; i < threads; ++i) workers.emplace_back(work);
  work();
  for (auto& worker : workers) worker.join();
  return results;
}

}  // namespace mockhttp
