// mockhttp/gtest.hpp: the Received() matcher and its failure message, and GoogleMock matchers
// used as criteria on request fields.
#include <gtest/gtest-spi.h>

#include <httplib.h>

#include <set>
#include <string>
#include <vector>

#include <mockhttp/gtest.hpp>

using namespace mockhttp;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Lt;
using ::testing::StartsWith;

namespace {

class GTestIntegration : public ::testing::Test {
 protected:
  MockServer server;
  httplib::Client client{server.host(), server.port()};
};

TEST_F(GTestIntegration, ReceivedPassesOnTheRightCount) {
  client.Get("/x");
  client.Get("/x");
  EXPECT_THAT(server, Received(Request{}.path("/x")));
  EXPECT_THAT(server, Received(Request{}.path("/x")).Times(2));
  EXPECT_THAT(server, Received(Request{}.path("/x")).Times(between(1, 3)));
  EXPECT_THAT(server, ::testing::Not(Received(Request{}.path("/y"))));
}

TEST_F(GTestIntegration, AFailedReceivedPrintsTheNearMissReport) {
  client.Get("/payment");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(server, Received(Request{}.method("POST").path("/payment")).Times(1)),
                          "method: expected \"POST\", got \"GET\"");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(server, Received(Request{}.path("/payment")).Times(2)),
                          "Expected exactly 2 time(s) a request matching {path \"/payment\"}; 1 of 1");
}

TEST_F(GTestIntegration, VerificationPrintsItsReportWhenStreamed) {
  const Verification v = server.confirm_request(Request{}.path("/never"));
  EXPECT_NONFATAL_FAILURE(EXPECT_TRUE(v) << v, "Expected >= 1 time(s) a request matching {path \"/never\"}");
}

TEST_F(GTestIntegration, GMockMatchersWorkAsCriteriaOnAnyField) {
  server
      .when_requested_with(Request{}
                               .path(text_that(StartsWith("/v1/")))
                               .header("x-request-id", text_that(AllOf(StartsWith("req-"), HasSubstr("-42"))))
                               .body(text_that(HasSubstr("\"amount\""))))
      .respond_with(200, "gmock");
  auto ok = client.Post("/v1/pay", {{"X-Request-Id", "req-abc-42"}}, R"({"amount":1})", "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->body, "gmock");
  auto miss = client.Post("/v1/pay", {{"X-Request-Id", "job-42"}}, R"({"amount":1})", "application/json");
  ASSERT_TRUE(miss);
  EXPECT_EQ(miss->status, 404);
  EXPECT_NE(miss->body.find("starts with \\\"req-\\\""), std::string::npos) << miss->body;
  // A gmock matcher on the count of a verification.
  EXPECT_TRUE(server.confirm_request(Request{}.path("/v1/pay"), number_that(Lt(3))));
}

TEST(CaseFiles, AMissingFolderIsOneFailingEntryNotAnAbortedBinary) {
  const auto files = case_files("/no/such/folder");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].case_id, "missing_case_folder");
  EXPECT_THROW(ReplayCase::load_from_file(files[0].path), CaseLoadError);
}

// Two case files with one caseId (a copy made to write a variant): each gets a test of its own
// instead of GoogleTest's fatal "duplicate parameterized test name", which aborts the binary.
const std::string kDuplicateCaseIds = std::string(MOCKHTTP_TEST_DATA_DIR) + "/duplicate_case_ids";

TEST(CaseFiles, TwoFilesWithOneCaseIdGetDistinctTestNames) {
  const auto files = case_files(kDuplicateCaseIds);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].test_name, "refund_issued_refund_variant_case_json");
  EXPECT_EQ(files[1].test_name, "refund_issued_refund_case_json");
  // Built by hand, without test_name: the position keeps equal caseIds apart.
  const CaseFile by_hand{"a.case.json", "refund-issued", ""};
  EXPECT_EQ(CaseIdName{}(::testing::TestParamInfo<CaseFile>(by_hand, 0)), "refund_issued_0");
  EXPECT_EQ(CaseIdName{}(::testing::TestParamInfo<CaseFile>(by_hand, 1)), "refund_issued_1");
}

class CopiedCase : public ::testing::TestWithParam<CaseFile> {};
TEST_P(CopiedCase, LoadsUnderItsOwnName) {
  EXPECT_EQ(ReplayCase::load_from_file(GetParam().path).case_id(), "refund-issued");
}
INSTANTIATE_TEST_SUITE_P(Copies, CopiedCase, ::testing::ValuesIn(case_files(kDuplicateCaseIds)), CaseIdName{});

TEST(CaseFiles, PatternsMatchAsAShellWould) {
  EXPECT_TRUE(matches_file_pattern("*.case.json", "a.case.json"));
  EXPECT_TRUE(matches_file_pattern("checkout-*.case.json", "checkout-paid.case.json"));
  EXPECT_FALSE(matches_file_pattern("checkout-*.case.json", "refund.case.json"));
  EXPECT_TRUE(matches_file_pattern("c?se", "case"));
  EXPECT_FALSE(matches_file_pattern("*.json", "a.json.bak"));
  EXPECT_TRUE(matches_file_pattern("*", ""));
}

TEST(ScopeNames, AnyTextBecomesAValidDistinctScopeName) {
  MockServer server;
  EXPECT_EQ(scope_name_from("checkout"), "checkout") << "a valid name stays as it is";
  EXPECT_EQ(scope_name_from("Team_A"), "team_a") << "case is no change: scopes ignore it";
  const std::vector<std::string> texts = {"Works/0",
                                          "Works.0",
                                          "Accept",
                                          "",
                                          "a b",
                                          std::string(300, 'x'),
                                          std::string(300, 'x') + "y",
                                          "Instances/Suite.Works/12"};
  std::set<std::string> names;
  for (const auto& text : texts) {
    const std::string name = scope_name_from(text);
    names.insert(name);
    Scope scope = server.new_scope(name);  // never refused
    EXPECT_EQ(scope.name(), name);
  }
  EXPECT_EQ(names.size(), texts.size()) << "different texts, different names";
  EXPECT_EQ(scope_name_from("Works/0"), scope_name_from("Works/0")) << "stable";
  EXPECT_EQ(scope_name_from("Accept").rfind("scope-accept-", 0), 0u);
}

class ScopedByTestName : public ::testing::TestWithParam<int> {
 protected:
  static MockServer& server() {
    static MockServer shared;
    return shared;
  }
};

TEST_P(ScopedByTestName, EachInstanceGetsItsOwnScope) {
  const std::string name = current_test_scope_name();
  EXPECT_NE(name.find("works"), std::string::npos) << name;
  Scope scope = server().new_scope(name);
  scope.when_requested_with(Request{}.path("/who")).respond_with(200, std::to_string(GetParam()));
  httplib::Client client(server().host(), server().port());
  const auto res = client.Get("/who", {scope.header()});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, std::to_string(GetParam()));
}
INSTANTIATE_TEST_SUITE_P(Instances, ScopedByTestName, ::testing::Values(0, 1, 2),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return "Works" + std::to_string(info.param);
                         });

}  // namespace
