// The control surfaces' route tables (control/route_table.hpp): which route a call takes, what
// it captures, and the methods a known path takes, which the 405 and OPTIONS answers list.
#include <gtest/gtest.h>

#include <string>

#include <mockhttp/mockhttp.hpp>

#include "control/route_table.hpp"
#include "support/control_server.hpp"
#include "support/curl_client.hpp"

namespace route_table_test {

using mockhttp::detail::RouteTable;
using mockhttp::test::curl_request;

RouteTable<std::string> sessions() {
  RouteTable<std::string> routes;
  routes.add("GET", "/v1/sessions", "list")
      .add("POST", "/v1/sessions", "create")
      .add("GET", "/v1/sessions/{id}/stats", "stats")
      .add("POST", "/v1/sessions/{id}/fixtures/auth", "auth")
      .add("POST", "/v1/sessions/reset", "reset")
      .add("PUT", "/v1/sessions/{id}", "rename")
      .add("*", "/v1/anything", "any");
  return routes;
}

TEST(RouteTable, ARouteIsTakenByMethodAndPathWithItsCaptures) {
  const auto routes = sessions();
  const auto stats = routes.find("GET", "/v1/sessions/abc-1/stats");
  ASSERT_NE(stats.handler, nullptr);
  EXPECT_EQ(*stats.handler, "stats");
  EXPECT_EQ(stats.captures.at("id"), "abc-1");
  const auto auth = routes.find("POST", "/v1/sessions/s%2F1/fixtures/auth");
  ASSERT_NE(auth.handler, nullptr);
  EXPECT_EQ(auth.captures.at("id"), "s%2F1") << "a capture is the segment as the listener decoded it, untouched";
  const auto any = routes.find("PATCH", "/v1/anything");
  ASSERT_NE(any.handler, nullptr);
  EXPECT_EQ(*any.handler, "any");
}

TEST(RouteTable, TheFirstRouteInTableOrderWinsALiteralBeforeACapture) {
  const auto routes = sessions();
  EXPECT_EQ(*routes.find("POST", "/v1/sessions/reset").handler, "reset");
  const auto rename = routes.find("PUT", "/v1/sessions/reset");
  ASSERT_NE(rename.handler, nullptr);
  EXPECT_EQ(*rename.handler, "rename") << "another method reaches the capture route";
  EXPECT_EQ(rename.captures.at("id"), "reset");
}

TEST(RouteTable, AKnownPathWithAnotherMethodListsItsMethodsInTableOrder) {
  const auto routes = sessions();
  const auto wrong = routes.find("DELETE", "/v1/sessions");
  EXPECT_EQ(wrong.handler, nullptr);
  EXPECT_EQ(wrong.allowed, "GET, POST");
  EXPECT_EQ(routes.find("GET", "/v1/sessions/reset").allowed, "POST, PUT");
}

TEST(RouteTable, SegmentsAreComparedWhole) {
  const auto routes = sessions();
  for (const char* path : {"/v1/sessions/", "/v1/sessions//stats", "/v1/sessions/a/b/stats", "/v1/session",
                           "v1/sessions", "", "/v1/sessions/abc/stats/"}) {
    const auto match = routes.find("GET", path);
    EXPECT_EQ(match.handler, nullptr) << path;
    EXPECT_EQ(match.allowed, "") << path << ": not a route's path, so nothing to allow";
  }
}

// Over a real socket: Softprobe's API answers another method 405 with the table's methods; the
// admin API answers OPTIONS with its path's methods and leaves other methods to the stubs.
TEST(RouteTable, TheSurfacesAnswerFromTheirTables) {
  mockhttp::MockServer server(mockhttp::test::with_control_surfaces());
  const auto wrong = curl_request("DELETE", server.url() + "/v1/sessions/any-id/rules");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("allow"), "POST");
  EXPECT_NE(wrong.body.find("DELETE /v1/sessions/any-id/rules is not a route; it takes POST"), std::string::npos)
      << wrong.body;
  const auto sessions_options = curl_request("OPTIONS", server.url() + "/v1/sessions");
  EXPECT_EQ(sessions_options.status, 204);
  EXPECT_EQ(sessions_options.header("allow"), "GET, POST, OPTIONS");
  const auto scenario_options = curl_request("OPTIONS", server.url() + "/__mock__/scenarios/reset");
  EXPECT_EQ(scenario_options.status, 204);
  EXPECT_EQ(scenario_options.header("allow"), "POST, PUT, OPTIONS");
  EXPECT_EQ(curl_request("PATCH", server.url() + "/__mock__/stubs").status, 404)
      << "another method on an admin path is a mocked request (no stub: the near-miss 404)";
}

}  // namespace route_table_test
