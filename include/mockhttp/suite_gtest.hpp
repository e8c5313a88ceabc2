#pragma once
// Softprobe suites as GoogleTests (docs/suites.md): one test per case, named after it, so
// --gtest_filter picks cases and a failure shows what differed at which JSONPath.
//
//   // at namespace scope, or in main() before RUN_ALL_TESTS():
//   static const bool registered = mockhttp::register_suite_tests(
//       "suites/checkout.suite.yaml", hooks, {[] () -> MockServer& { return proxy(); }, [] { return app_url(); }});
//
// Test names: the suite's name, then the case's; characters a filter pattern reads (. - : * ?
// /, spaces, ...) become _. A suite file that cannot be read registers one failing test
// saying why. A case the suite skips (skip: true, or only: on another) is a skipped test
// (GTEST_SKIP) saying why. Hooks of every kind come in SuiteHooks: request, mock_response,
// body_assert and headers_assert (a HeadersAssertHook for headers.custom / custom-headers).
// Needs mockhttp::suite and mockhttp::gtest.
// Thread safety: call before RUN_ALL_TESTS(), on the main thread.
#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include <mockhttp/errors.hpp>
#include <mockhttp/mock_server.hpp>
#include <mockhttp/suite.hpp>

namespace mockhttp {

// Where the cases run, asked when each test starts (so both may be made by a test environment).
struct SuiteTestTarget {
  std::function<MockServer&()> runtime;  // the server the application uses as its proxy
  std::function<std::string()> app_url;  // the application's base URL
};

namespace suite_gtest_detail {

inline std::string test_name_of(const std::string& name) {
  std::string out;
  for (const char c : name) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    out += keep ? c : '_';
  }
  return out.empty() ? "_" : out;
}

class SuiteCaseTest : public ::testing::Test {
 public:
  SuiteCaseTest(std::shared_ptr<const Suite> suite, std::size_t index, SuiteHooks hooks, SuiteTestTarget target)
      : suite_(std::move(suite)), index_(index), hooks_(std::move(hooks)), target_(std::move(target)) {}

  void TestBody() override {
    SuiteRun run;
    run.app_url = target_.app_url();
    run.hooks = hooks_;
    const SuiteCase& test_case = suite_->cases()[index_];
    if (test_case.skip) GTEST_SKIP() << "case " << test_case.name << " not run: " << test_case.skip_reason;
    const CaseResult result = run_case(*suite_, test_case, target_.runtime(), run);
    if (result.passed()) return;
    ADD_FAILURE_AT(test_case.path.c_str(), 1)
        << "case " << result.name << (result.outcome == CaseResult::Outcome::error ? " could not run" : " failed")
        << " (" << suite_->path() << "):\n"
        << result.describe();
  }

 private:
  std::shared_ptr<const Suite> suite_;
  std::size_t index_;
  SuiteHooks hooks_;
  SuiteTestTarget target_;
};

class UnreadableSuiteTest : public ::testing::Test {
 public:
  explicit UnreadableSuiteTest(std::string why) : why_(std::move(why)) {}
  void TestBody() override { ADD_FAILURE() << why_; }

 private:
  std::string why_;
};

}  // namespace suite_gtest_detail

// Registers one test per case of the suite file; true once registered (for a static initializer).
inline bool register_suite_tests(const std::string& suite_file, SuiteHooks hooks, SuiteTestTarget target,
                                 const SuiteEnv& env = Suite::process_environment()) {
  using namespace suite_gtest_detail;
  std::shared_ptr<const Suite> suite;
  try {
    suite = std::make_shared<const Suite>(Suite::load(suite_file, env));
  } catch (const Error& e) {
    const std::string why = std::string("the suite cannot be read: ") + e.what();
    ::testing::RegisterTest("SuiteFile", test_name_of(suite_file).c_str(), nullptr, nullptr, suite_file.c_str(), 1,
                            [why]() -> ::testing::Test* { return new UnreadableSuiteTest(why); });
    return false;
  }
  const std::string suite_name = test_name_of(suite->name());
  for (std::size_t i = 0; i < suite->cases().size(); ++i) {
    const SuiteCase& test_case = suite->cases()[i];
    ::testing::RegisterTest(
        suite_name.c_str(), test_name_of(test_case.name).c_str(), nullptr, test_case.path.c_str(), suite_file.c_str(),
        1, [suite, i, hooks, target]() -> ::testing::Test* { return new SuiteCaseTest(suite, i, hooks, target); });
  }
  return true;
}

}  // namespace mockhttp
