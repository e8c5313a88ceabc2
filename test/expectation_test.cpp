// Expectations verified when a mock goes away: expect() on a stub, checked when its server,
// scope or group ends (never while unwinding), verify(), the default and GoogleTest sinks,
// StubRef::confirm_calls, unused stubs and the listener, and POST /__mock__/verify.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>

#include <mockhttp/gtest.hpp>

#include "support/control_server.hpp"
#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;
using mockhttp::test::curl_request;

namespace {

// Collects what reaches the expectation sink while it lives, then puts the previous sink back.
class CapturedFailures {
 public:
  CapturedFailures()
      : previous_(set_expectation_sink([this](const ExpectationFailure& failure) { failures.push_back(failure); })) {}
  ~CapturedFailures() { set_expectation_sink(previous_); }
  std::vector<ExpectationFailure> failures;

 private:
  ExpectationSink previous_;
};

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Expectation, AnUnmetCountIsReportedWhenTheServerEndsWithTheMountingLineAndClosestRequests) {
  CapturedFailures captured;
  int line = 0;
  {
    MockServer server;
    line = __LINE__ + 1;
    server.when_requested_with(Request{}.method("POST").path("/charge")).expect(2).respond_with(200);
    EXPECT_EQ(curl_request("POST", server.url() + "/charge", "{}").status, 200);
    EXPECT_EQ(curl_request("GET", server.url() + "/charge").status, 404);
  }
  ASSERT_EQ(captured.failures.size(), 1u);
  const ExpectationFailure& failure = captured.failures[0];
  EXPECT_EQ(failure.mounted_at.line, line);
  EXPECT_STREQ(failure.mounted_at.file, __FILE__);
  EXPECT_TRUE(mentions(failure.report, "to answer exactly 2 call(s); it answered 1")) << failure.report;
  EXPECT_TRUE(mentions(failure.report, "mounted at " + std::string(__FILE__) + ":" + std::to_string(line)))
      << failure.report;
  EXPECT_TRUE(mentions(failure.report, "Closest requests that did not match")) << failure.report;
  EXPECT_TRUE(mentions(failure.report, "GET /charge")) << failure.report;
}

TEST(Expectation, AMetExpectationAndACriteriaOnTheCountReportNothing) {
  CapturedFailures captured;
  {
    MockServer server;
    server.when_requested_with(Request{}.path("/a")).expect(1).respond_with(200);
    server.when_requested_with(Request{}.path("/b")).expect(between(1, 3)).respond_with(200);
    server.when_requested_with(Request{}.path("/c")).expect(0).respond_with(200);
    (void)curl_request("GET", server.url() + "/a");
    (void)curl_request("GET", server.url() + "/b");
    (void)curl_request("GET", server.url() + "/b");
    const Verification verification = server.verify();
    EXPECT_TRUE(verification) << verification;
    EXPECT_EQ(verification.matching_requests(), 3u);
  }
  EXPECT_TRUE(captured.failures.empty());
}

TEST(Expectation, VerifyReturnsTheReportAndTheEndReportsItAgain) {
  CapturedFailures captured;
  {
    MockServer server;
    server.when_requested_with(Request{}.path("/never")).expect(gte(1)).respond_with(200);
    const Verification verification = server.verify();
    EXPECT_FALSE(verification);
    EXPECT_TRUE(mentions(verification.report(), "1 of 1 expectation(s) failed")) << verification;
    EXPECT_TRUE(captured.failures.empty());
  }
  EXPECT_EQ(captured.failures.size(), 1u);
}

TEST(Expectation, NotCheckedWhileTheStackUnwinds) {
  CapturedFailures captured;
  try {
    MockServer server;
    server.when_requested_with(Request{}.path("/x")).expect(1).respond_with(200);
    throw std::runtime_error("the test failed already");
  } catch (const std::runtime_error&) {}
  EXPECT_TRUE(captured.failures.empty());
}

TEST(Expectation, AScopeChecksItsStubsWhenItEndsAndOnlyOnce) {
  CapturedFailures captured;
  MockServer server;
  {
    Scope scope = server.new_scope("checkout");
    scope.when_requested_with(Request{}.path("/pay")).expect(2).respond_with(200);
    server.when_requested_with(Request{}.path("/global")).expect(1).respond_with(200);
    EXPECT_EQ(curl_request("GET", server.url() + "/pay", "", {"checkout: 1"}).status, 200);
    EXPECT_FALSE(scope.verify());
  }
  ASSERT_EQ(captured.failures.size(), 1u);
  EXPECT_TRUE(mentions(captured.failures[0].report, "of scope 'checkout'")) << captured.failures[0].report;
  (void)curl_request("GET", server.url() + "/global");
  server.stop();
}

TEST(Expectation, AStubGroupChecksItsStubsWhenItCloses) {
  CapturedFailures captured;
  MockServer server;
  StubGroup group = server.new_group();
  group.when_requested_with(Request{}.path("/flag")).expect(1).respond_with(200, "on");
  EXPECT_FALSE(group.verify());
  EXPECT_EQ(group.close(), 1u);
  ASSERT_EQ(captured.failures.size(), 1u);
  EXPECT_EQ(group.close(), 0u);
  EXPECT_EQ(captured.failures.size(), 1u);
}

TEST(Expectation, TheDefaultSinkWritesToStderrAndSetsTheFlag) {
  const ExpectationSink previous = set_expectation_sink({});
  clear_expectations_failed();
  ::testing::internal::CaptureStderr();
  {
    MockServer server;
    server.when_requested_with(Request{}.path("/x")).expect(1).respond_with(200);
  }
  const std::string written = ::testing::internal::GetCapturedStderr();
  set_expectation_sink(previous);
  EXPECT_TRUE(expectations_failed());
  clear_expectations_failed();
  EXPECT_TRUE(mentions(written, "mockhttp: unmet expectation")) << written;
  EXPECT_TRUE(mentions(written, "answered 0")) << written;
}

TEST(Expectation, GoogleTestsSinkFailsTheTestAtTheMountingLine) {
  const ExpectationSink previous = set_expectation_sink(&report_expectation_to_googletest);
  ::testing::TestPartResultArray results;
  int line = 0;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    MockServer server;
    line = __LINE__ + 1;
    server.when_requested_with(Request{}.path("/x")).expect(3).respond_with(200);
  }
  set_expectation_sink(previous);
  ASSERT_EQ(results.size(), 1);
  EXPECT_TRUE(results.GetTestPartResult(0).nonfatally_failed());
  EXPECT_STREQ(results.GetTestPartResult(0).file_name(), __FILE__);
  EXPECT_EQ(results.GetTestPartResult(0).line_number(), line);
  EXPECT_TRUE(mentions(results.GetTestPartResult(0).message(), "exactly 3 call(s)"));
}

TEST(Expectation, ConfirmCallsAssertsOnAStubsCount) {
  MockServer server;
  const StubRef stub = server.when_requested_with(Request{}.path("/ping")).respond_with(204);
  (void)curl_request("GET", server.url() + "/ping");
  EXPECT_TRUE(stub.confirm_calls(1));
  EXPECT_TRUE(stub.confirm_calls(between(1, 2)));
  const Verification wrong = stub.confirm_calls(2);
  EXPECT_FALSE(wrong);
  EXPECT_EQ(wrong.matching_requests(), 1u);
  EXPECT_TRUE(mentions(wrong.report(), "it answered 1")) << wrong;
  ASSERT_TRUE(stub.remove());
  EXPECT_TRUE(stub.confirm_calls(0));
}

TEST(UnusedStubs, StubsThatNeverAnsweredAreListedWithTheirLine) {
  track_unused_stubs(true);
  (void)take_unused_stubs();
  int line = 0;
  {
    MockServer server;
    server.when_requested_with(Request{}.path("/used")).respond_with(200);
    line = __LINE__ + 1;
    server.when_requested_with(Request{}.path("/forgotten")).respond_with(200);
    (void)curl_request("GET", server.url() + "/used");
  }
  std::ostringstream out;
  EXPECT_EQ(UnusedStubsListener::report(out), 1u);
  track_unused_stubs(false);
  EXPECT_TRUE(mentions(out.str(), "1 stub(s) never answered a request")) << out.str();
  EXPECT_TRUE(mentions(out.str(), std::string(__FILE__) + ":" + std::to_string(line) + ": {path /forgotten}") ||
              mentions(out.str(), std::string(__FILE__) + ":" + std::to_string(line)))
      << out.str();
  EXPECT_TRUE(take_unused_stubs().empty());
}

TEST(UnfinishedBuilder, AChainEndingInASetterIsReportedAtItsLineAndMountsNothing) {
  CapturedFailures captured;
  MockServer server;
  const int line = __LINE__ + 2;
  {
    StubBuilder builder = server.when_requested_with(Request{}.method("POST").path("/x"));
    (void)builder.expect(1);  // the chain the issue names, with its result discarded on purpose
  }
  ASSERT_EQ(captured.failures.size(), 1u);
  const ExpectationFailure& failure = captured.failures[0];
  EXPECT_EQ(failure.mounted_at.line, line);
  EXPECT_STREQ(failure.mounted_at.file, __FILE__);
  EXPECT_TRUE(mentions(failure.report, "ended without a response, so no stub was mounted")) << failure.report;
  EXPECT_TRUE(mentions(failure.report, "method \"POST\", path \"/x\"")) << failure.report;
  EXPECT_TRUE(mentions(failure.report, "its expect(1) was never checked")) << failure.report;
  EXPECT_TRUE(server.stubs().empty());
}

TEST(UnfinishedBuilder, AMountedOrMovedBuilderAndOneThatThrewReportNothing) {
  CapturedFailures captured;
  MockServer server;
  {
    StubBuilder first = server.when_requested_with(Request{}.path("/a"));
    StubBuilder moved = std::move(first);  // the moved-from builder has nothing left to mount
    (void)moved.respond_with(200);
  }
  EXPECT_THROW((void)server.when_requested_with(Request{}.path("/b")).max_calls(-1), StubError);
  EXPECT_THROW((void)server.when_requested_with(Request{}.path("/c")).respond_with_sequence({}), StubError);
  EXPECT_TRUE(captured.failures.empty()) << captured.failures.front().report;
  EXPECT_EQ(server.stubs().size(), 1u);
}

TEST(UnfinishedBuilder, WithGoogleTestsSinkItFailsTheTest) {
  EXPECT_NONFATAL_FAILURE(
      {
        MockServer server;
        (void)server.when_requested_with(Request{}.path("/never")).max_calls(1);
      },
      "ended without a response");
}

TEST(ExpectationWire, VerifyOverTheAdminApi) {
  CapturedFailures captured;
  MockServer server{test::with_control_surfaces()};
  const Json stub = {{"request", {{"path", "/charge"}}},
                     {"expect", 2},
                     {"action", {{"response", {{"status_code", 200}, {"body", "ok"}}}}}};
  ASSERT_EQ(
      curl_request("POST", server.url() + "/__mock__/stubs", stub.dump(), {"Content-Type: application/json"}).status,
      200);
  (void)curl_request("GET", server.url() + "/charge");
  Json verdict = Json::parse(curl_request("POST", server.url() + "/__mock__/verify").body);
  EXPECT_EQ(verdict["result"], false);
  EXPECT_TRUE(mentions(verdict["report"].get<std::string>(), "it answered 1")) << verdict;
  (void)curl_request("GET", server.url() + "/charge");
  verdict = Json::parse(curl_request("POST", server.url() + "/__mock__/verify").body);
  EXPECT_EQ(verdict["result"], true) << verdict;
  EXPECT_EQ(verdict["expectations_held"], 1);
  const Json bad = {{"request", Json::object()},
                    {"expect", {{"$bogus", Json::object()}}},
                    {"action", {{"response", {{"status_code", 200}, {"body", ""}}}}}};
  EXPECT_EQ(
      curl_request("POST", server.url() + "/__mock__/stubs", bad.dump(), {"Content-Type: application/json"}).status,
      422);
}

}  // namespace
