// A path of hundreds of thousands of segments (a 585 KB stub, far under the body limit) once
// made the path index a trie deep enough that freeing it overflowed the stack on reset, rule
// replacement or shutdown. Such paths are refused where they are read, the index frees and
// prunes without recursion, and deleted stubs give their nodes back.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <mockhttp/control.hpp>
#include <mockhttp/mockhttp.hpp>

#include "matching/path_index.hpp"
#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;
using mockhttp::test::curl_request;

namespace deep_paths {

std::string path_of(std::size_t segments) {
  std::string path;
  path.reserve(segments * 2);
  for (std::size_t i = 0; i < segments; ++i) path += "/a";
  return path;
}

TEST(DeepPaths, AStubPathOf300000SegmentsIsRefusedAndTheServerResetsAndStops) {
  ServerOptions options;
  options.control_surfaces = all_control_surfaces();
  auto server = std::make_unique<MockServer>(options);
  const Json stub = {{"request", {{"path", path_of(300000)}}},
                     {"action", {{"response", {{"status_code", 200}, {"body", "deep"}}}}}};
  const auto mounted =
      curl_request("POST", server->url() + "/__mock__/stubs", stub.dump(), {"Content-Type: application/json"});
  EXPECT_EQ(mounted.status, 422) << mounted.body.substr(0, 500);
  EXPECT_NE(mounted.body.find("request.path has 300000 segments; a stub's path may have at most 256"),
            std::string::npos)
      << mounted.body.substr(0, 500);
  const Json fine = {{"request", {{"path", path_of(256)}}},
                     {"action", {{"response", {{"status_code", 200}, {"body", "ok"}}}}}};
  EXPECT_EQ(
      curl_request("POST", server->url() + "/__mock__/stubs", fine.dump(), {"Content-Type: application/json"}).status,
      200);
  EXPECT_EQ(curl_request("GET", server->url() + path_of(256)).body, "ok");
  EXPECT_EQ(curl_request("POST", server->url() + "/__mock__/reset").status, 200);
  EXPECT_THROW((void)server->when_requested_with(Request{}.path(path_of(257))).respond_with(200), StubError);
  server.reset();  // shutdown frees the index: no crash
}

TEST(DeepPaths, AReplayRulePathOf300000SegmentsIsRefusedWithItsPointer) {
  ServerOptions options;
  options.control_surfaces = all_control_surfaces();
  MockServer server(options);
  const auto created =
      curl_request("POST", server.url() + "/v1/sessions", R"({"mode":"replay"})", {"Content-Type: application/json"});
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string session = Json::parse(created.body)["sessionId"];
  const Json rules = {
      {"rules",
       {{{"when", {{"path", path_of(300000)}}}, {"then", {{"action", "mock"}, {"response", {{"status", 200}}}}}}}}};
  const auto replaced = curl_request("POST", server.url() + "/v1/sessions/" + session + "/rules", rules.dump(),
                                     {"Content-Type: application/json"});
  EXPECT_EQ(replaced.status, 400) << replaced.body.substr(0, 500);
  EXPECT_NE(replaced.body.find("/rules/0/when/path"), std::string::npos) << replaced.body.substr(0, 500);
  EXPECT_NE(replaced.body.find("at most 256"), std::string::npos) << replaced.body.substr(0, 500);
}

TEST(PathIndexPruning, RemovingEveryItemLeavesNoNodeBehind) {
  using Index = detail::PathIndex<int>;
  Index index;
  std::vector<Index::Segments> paths;
  for (int i = 0; i < 1000; ++i) {
    Index::Segments segments;
    segments.push_back({"users", false});
    segments.push_back({std::to_string(i), false});
    if (i % 3 == 0) segments.push_back({"id", true});
    if (i % 5 == 0) segments.push_back({"orders", false});
    paths.push_back(segments);
    index.add(i, &paths.back());
  }
  EXPECT_GT(index.node_count(), 1000u);
  for (int i = 0; i < 1000; i += 2) index.remove(i, &paths[static_cast<std::size_t>(i)]);
  std::vector<int> found;
  index.candidates({"users", "1"}, found);
  EXPECT_EQ(found, std::vector<int>{1}) << "the others stay indexed";
  for (int i = 1; i < 1000; i += 2) index.remove(i, &paths[static_cast<std::size_t>(i)]);
  EXPECT_EQ(index.node_count(), 0u) << "deleted paths give their nodes back";
}

TEST(PathIndexPruning, APathPastTheBoundIsACandidateForEveryRequestNotADeepTrie) {
  using Index = detail::PathIndex<int>;
  Index index;
  Index::Segments deep(detail::kMaxPathSegments + 1, {"a", false});
  index.add(7, &deep);
  EXPECT_EQ(index.node_count(), 0u);
  std::vector<int> found;
  index.candidates({"anything"}, found);
  EXPECT_EQ(found, std::vector<int>{7});
  index.remove(7, &deep);
  found.clear();
  index.candidates({"anything"}, found);
  EXPECT_TRUE(found.empty());
}

}  // namespace deep_paths

namespace near_miss_scale {

// With thousands of stubs a miss stays cheap: the report evaluates the stubs on the request's
// path first, then the newest others, up to a bound (docs/security.md), and still names the
// stub that came closest.
TEST(NearMissAtScale, TheStubOnTheRequestsPathIsNamedAmongFiveThousand) {
  MockServer server;
  (void)server.when_requested_with(Request{}.method("POST").path("/orders/{id}")).respond_with(201);
  for (int i = 0; i < 5000; ++i) {
    (void)server.when_requested_with(Request{}.method("GET").path("/other/" + std::to_string(i))).respond_with(200);
  }
  const auto miss = curl_request("GET", server.url() + "/orders/7");
  EXPECT_EQ(miss.status, 404);
  const Json report = Json::parse(miss.body);
  ASSERT_FALSE(report["closest_stubs"].empty()) << miss.body.substr(0, 500);
  EXPECT_NE(report["closest_stubs"][0].dump().find("/orders/{id}"), std::string::npos) << report["closest_stubs"][0];
  EXPECT_NE(report["closest_stubs"][0].dump().find("method"), std::string::npos) << report["closest_stubs"][0];
}

}  // namespace near_miss_scale

namespace echoes {

// A 10 MB regex that does not compile was echoed three times in its 422 (31 MB): the pattern
// is quoted in part and the input is not echoed whole.
TEST(Echoes, ABadHugeRegexIsRefusedWithoutEchoingIt) {
  ServerOptions options;
  options.control_surfaces = all_control_surfaces();
  MockServer server(options);
  const std::string pattern = "(" + std::string(10u << 20, 'a');
  const Json stub = {{"request", {{"body", {{"$regex", {{"pattern", pattern}}}}}}},
                     {"action", {{"response", {{"status_code", 200}, {"body", "x"}}}}}};
  const auto answer =
      curl_request("POST", server.url() + "/__mock__/stubs", stub.dump(), {"Content-Type: application/json"});
  EXPECT_EQ(answer.status, 422);
  EXPECT_LT(answer.body.size(), 16u * 1024) << "not megabytes";
  EXPECT_NE(answer.body.find("RE2 cannot compile regex"), std::string::npos) << answer.body.substr(0, 500);
  EXPECT_NE(answer.body.find("(10485761 bytes)"), std::string::npos) << answer.body.substr(0, 500);
}

}  // namespace echoes
