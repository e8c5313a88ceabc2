// journal_max_bytes bounds every byte an entry holds: a stub with a long scenario name, or
// requests with long query strings or client-certificate subjects, once grew memory without
// limit under a 1 MiB cap. Scenario names and states have a bound of their own.
#include <gtest/gtest.h>

#include <string>

#include <mockhttp/control.hpp>
#include <mockhttp/mockhttp.hpp>

#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;
using mockhttp::test::curl_request;

namespace journal_bound {

TEST(JournalBytes, LongQueryStringsCountAgainstTheCap) {
  ServerOptions options;
  options.journal_max_bytes = 24 * 1024;
  MockServer server(options);
  const std::string query(6 * 1024, 'q');  // under cpp-httplib's 8 KiB request-target bound
  for (int i = 0; i < 40; ++i) (void)curl_request("GET", server.url() + "/q?v=" + query + "&i=" + std::to_string(i));
  const auto journal = server.requests();
  EXPECT_LE(journal.size(), 4u) << "6 KiB queries against a 24 KiB cap";
  ASSERT_GE(journal.size(), 1u);
  EXPECT_EQ(server.dropped_requests() + journal.size(), 40u);
  EXPECT_EQ(journal.back().query.at("i"), "39") << "the newest stays";
}

TEST(JournalBytes, ScenarioMovesCountAndNamesAndStatesAreBounded) {
  MockServer server;
  const std::string longest(256, 's');
  EXPECT_NO_THROW((void)server.when_requested_with(Request{}.path("/a")).in_scenario(longest).will_set_state(longest).respond_with(200));
  try {
    (void)server.when_requested_with(Request{}.path("/b")).in_scenario(std::string(1000000, 'x')).respond_with(200);
    ADD_FAILURE() << "a 1 MB scenario name was mounted";
  } catch (const StubError& e) {
    EXPECT_NE(std::string(e.what()).find("is 1000000 bytes; at most 256"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)server.when_requested_with(Request{}.path("/c")).in_scenario("s").when_state(std::string(257, 'x')).respond_with(200),
               StubError);
}

TEST(JournalBytes, AScenarioStateOverTheWireIsBounded) {
  ServerOptions options;
  options.control_surfaces = all_control_surfaces();
  MockServer server(options);
  const Json state = {{"state", std::string(100000, 'x')}};
  const auto answer = curl_request("PUT", server.url() + "/__mock__/scenarios/checkout", state.dump(), {"Content-Type: application/json"});
  EXPECT_EQ(answer.status, 422) << answer.body.substr(0, 300);
  EXPECT_NE(answer.body.find("state is 100000 bytes; at most 256"), std::string::npos) << answer.body.substr(0, 300);
}

}  // namespace journal_bound
