// The suite example as GoogleTests: suites/checkout.suite.yaml registers one test per case
// (storefront_checkout.checkout_paid, ...), run against the storefront with mockhttp as its proxy.
// The hooks the suite names are C++ here; `mockhttp suite run` takes the same ones as commands.
#include <cmath>

#include <mockhttp/gtest.hpp>
#include <mockhttp/suite_gtest.hpp>

#include "storefront.hpp"

using namespace mockhttp;
using Json = nlohmann::json;

namespace {

// One proxy and one storefront for every case: each case has a replay session of its own.
MockServer& proxy() {
  static MockServer server;
  return server;
}

shop::Storefront& storefront() {
  static shop::Storefront app(proxy().url());
  return app;
}

SuiteHooks storefront_hooks() {
  SuiteHooks hooks;
  hooks.request["checkout.unmaskCard"] = [](SuiteRequest& request, const SuiteEnv& env) {
    Json body = Json::parse(request.body);
    const auto card = env.find("TEST_CARD");
    body["card"] = card != env.end() ? card->second : "4242424242424242";
    request.body = body.dump();
  };
  hooks.mock_response["payments.holdForReview"] = [](CapturedResponse captured, const SuiteEnv&) {
    Json body = captured.body_as_json();
    body["status"] = "pending_review";
    return captured.with_json_body(body);
  };
  hooks.body_assert["checkout.totalsMatch"] = [](const Json& actual, const Json& expected, const SuiteEnv&) {
    std::vector<BodyIssue> issues;
    if (std::abs(actual.value("total", 0.0) - expected.value("total", 0.0)) > 0.005) {
      issues.push_back({"$.total", expected.value("total", Json()).dump(), actual.value("total", Json()).dump()});
    }
    return issues;
  };
  return hooks;
}

const bool registered = register_suite_tests(
    STOREFRONT_SUITE, storefront_hooks(), {[]() -> MockServer& { return proxy(); }, [] { return storefront().url(); }});

// What a failing case reports: the field, at its JSONPath, expected against actual.
TEST(StorefrontSuiteReports, AFailureNamesTheJsonPathThatDiffered) {
  ASSERT_TRUE(registered);
  const Suite suite = Suite::load(STOREFRONT_SUITE);
  SuiteCase wrong = suite.cases()[0];
  wrong.assertions.expected = Json{{"order", "ord_c1"}, {"total", 99.5}};
  wrong.assertions.custom.clear();
  SuiteRun run;
  run.app_url = storefront().url();
  run.hooks = storefront_hooks();
  const CaseResult result = run_case(suite, wrong, proxy(), run);
  EXPECT_EQ(result.outcome, CaseResult::Outcome::failed);
  EXPECT_EQ(result.describe(), "body $.total: expected 99.5, got 36.8\n");
}

}  // namespace
