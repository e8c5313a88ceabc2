// Conformance with the peers' own data files: Softprobe's case files and assertive-mock-api's
// init stubs file, read from MOCKHTTP_COMPAT_DIR (../shared/compat by default). The repository
// does not carry them; where they are absent each test is reported as skipped, by name.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include <mockhttp/mockhttp.hpp>

#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;

namespace compat_conformance {

std::string compat_file(const std::string& relative) {
  const std::string root = MOCKHTTP_COMPAT_DIR;
  if (root.empty() || !std::filesystem::exists(root + "/" + relative)) return "";
  return root + "/" + relative;
}

#define MOCKHTTP_REQUIRE_COMPAT(path) \
  if ((path).empty())                 \
  GTEST_SKIP() << "the peers' compat files are not here (MOCKHTTP_COMPAT_DIR=\"" << MOCKHTTP_COMPAT_DIR << "\")"

TEST(Compat, EverySoftprobeCaseFileLoads) {
  const std::string folder = compat_file("softprobe/cases");
  MOCKHTTP_REQUIRE_COMPAT(folder);
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 10 && name.compare(name.size() - 10, 10, ".case.json") == 0)
      files.push_back(entry.path().string());
  }
  ASSERT_FALSE(files.empty());
  for (const auto& file : files) {
    SCOPED_TRACE(file);
    const ReplayCase loaded = ReplayCase::load_from_file(file);
    EXPECT_FALSE(loaded.case_id().empty());
    EXPECT_FALSE(loaded.version().empty());
  }
}

TEST(Compat, SoftprobesEnvoyCaptureReplaysThroughASession) {
  const std::string file = compat_file("softprobe/cases/hello.case.json");
  MOCKHTTP_REQUIRE_COMPAT(file);
  MockServer server;
  ReplaySession session = server.start_session();
  session.load_case_from_file(file);
  CasePredicate outbound_calls;
  outbound_calls.direction = "outbound";
  const auto outbound = session.find_all_in_case(outbound_calls);
  ASSERT_FALSE(outbound.empty());
  const CapturedExchange& hit = outbound.front();
  for (const auto& [name, value] : hit.request.headers)
    EXPECT_NE(name.front(), ':') << "pseudo-headers are not headers";
  CasePredicate when;
  when.host = hit.request.host;
  when.path = hit.request.path;
  session.mock_outbound(when, hit.response);
  const auto answer =
      test::curl_request("GET", server.url() + hit.request.path, "",
                         {"Host: " + hit.request.host, std::string(ReplaySession::kHeader) + ": " + session.id()});
  EXPECT_EQ(answer.status, hit.response.status);
  EXPECT_EQ(answer.body, hit.response.body);
}

TEST(Compat, AssertiveMockApisInitStubsFileLoadsAndServes) {
  const std::string file = compat_file("assertive-mock-api/init-stubs.json");
  MOCKHTTP_REQUIRE_COMPAT(file);
  MockServer server;
  const auto loaded = server.load_stubs(file);
  ASSERT_FALSE(loaded.empty());
  EXPECT_EQ(Json::parse(test::curl_request("GET", server.url() + "/example").body), (Json{{"hello", "world"}}));
}

}  // namespace compat_conformance
