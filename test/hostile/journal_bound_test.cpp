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
  EXPECT_NO_THROW((void)server.when_requested_with(Request{}.path("/a"))
                      .in_scenario(longest)
                      .will_set_state(longest)
                      .respond_with(200));
  try {
    (void)server.when_requested_with(Request{}.path("/b")).in_scenario(std::string(1000000, 'x')).respond_with(200);
    ADD_FAILURE() << "a 1 MB scenario name was mounted";
  } catch (const StubError& e) {
    EXPECT_NE(std::string(e.what()).find("is 1000000 bytes; at most 256"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)server.when_requested_with(Request{}.path("/c"))
                   .in_scenario("s")
                   .when_state(std::string(257, 'x'))
                   .respond_with(200),
               StubError);
}

TEST(JournalBytes, AScenarioStateOverTheWireIsBounded) {
  ServerOptions options;
  options.control_surfaces = all_control_surfaces();
  MockServer server(options);
  const Json state = {{"state", std::string(100000, 'x')}};
  const auto answer = curl_request("PUT", server.url() + "/__mock__/scenarios/checkout", state.dump(),
                                   {"Content-Type: application/json"});
  EXPECT_EQ(answer.status, 422) << answer.body.substr(0, 300);
  EXPECT_NE(answer.body.find("state is 100000 bytes; at most 256"), std::string::npos) << answer.body.substr(0, 300);
}

}  // namespace journal_bound

namespace listing_pages {

// GET /__mock__/requests and /__mock__/stubs are pages: a journal of a million entries is never
// one document (it once took a 4.44 GB peak and aborted the server under a 4 GB limit).
TEST(ListingPages, TheJournalIsReadPageByPageWithSinceAndLimit) {
  ServerOptions options;
  options.control_surfaces = all_control_surfaces();
  MockServer server(options);
  for (int i = 0; i < 25; ++i) (void)curl_request("GET", server.url() + "/r" + std::to_string(i));
  std::vector<std::string> paths;
  std::string since = "0";
  for (int page = 0; page < 5; ++page) {
    const Json listed =
        Json::parse(curl_request("GET", server.url() + "/__mock__/requests?limit=10&since=" + since).body);
    for (const auto& request : listed["requests"]) paths.push_back(request["path"]);
    if (!listed["more"].get<bool>()) {
      EXPECT_TRUE(listed["next_since"].is_null());
      break;
    }
    EXPECT_EQ(listed["requests"].size(), 10u);
    since = std::to_string(listed["next_since"].get<std::uint64_t>());
  }
  ASSERT_EQ(paths.size(), 25u);
  for (int i = 0; i < 25; ++i) EXPECT_EQ(paths[static_cast<std::size_t>(i)], "/r" + std::to_string(i));
  const auto whole = Json::parse(curl_request("GET", server.url() + "/__mock__/requests").body);
  EXPECT_EQ(whole["requests"].size(), 25u) << "under the default page size, one call lists everything";
  EXPECT_EQ(whole["more"], false);
  const auto bad = curl_request("GET", server.url() + "/__mock__/requests?limit=-1");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("limit must be a whole number from 0 to 100000"), std::string::npos) << bad.body;
  EXPECT_EQ(curl_request("GET", server.url() + "/__mock__/requests?limit=1000001").status, 400);
}

TEST(ListingPages, StubsArePagedByOffsetInMountOrder) {
  ServerOptions options;
  options.control_surfaces = all_control_surfaces();
  MockServer server(options);
  for (int i = 0; i < 7; ++i)
    (void)server.when_requested_with(Request{}.path("/s" + std::to_string(i))).respond_with(200);
  const Json first = Json::parse(curl_request("GET", server.url() + "/__mock__/stubs?limit=4").body);
  ASSERT_EQ(first["stubs"].size(), 4u);
  EXPECT_EQ(first["more"], true);
  EXPECT_EQ(first["next_offset"], 4);
  EXPECT_EQ(first["stubs"][0]["request"]["path"], "/s0");
  const Json rest = Json::parse(curl_request("GET", server.url() + "/__mock__/stubs?limit=4&offset=4").body);
  ASSERT_EQ(rest["stubs"].size(), 3u);
  EXPECT_EQ(rest["more"], false);
  EXPECT_EQ(rest["stubs"][2]["request"]["path"], "/s6");
}

}  // namespace listing_pages
