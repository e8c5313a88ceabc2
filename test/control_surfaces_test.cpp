// Control surfaces are front ends, opt-in: an in-process MockServer answers only stubs (and
// replay sessions) unless ServerOptions::control_surfaces turns a surface on.
#include <gtest/gtest.h>

#include <mockhttp/control.hpp>
#include <mockhttp/mockhttp.hpp>

#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;
using mockhttp::test::curl_request;

namespace control_surfaces {

TEST(ControlSurfaces, ByDefaultTheirPathsAreTheStubs) {
  MockServer server;
  server.when_requested_with(Request{}.method("POST").path("/v1/sessions"))
      .respond_with_json(201, {{"id", "user-session"}});
  server.when_requested_with(Request{}.path(regex("^/__admin__"))).respond_with(200, "my admin page");
  server.when_requested_with(Request{}.path("/__mock__/stubs")).respond_with(200, "my stubs");

  const auto session =
      curl_request("POST", server.url() + "/v1/sessions", R"({"mode":"replay"})", {"Content-Type: application/json"});
  EXPECT_EQ(session.status, 201);
  EXPECT_EQ(Json::parse(session.body), (Json{{"id", "user-session"}}));
  const auto admin = curl_request("GET", server.url() + "/__admin__");
  EXPECT_EQ(admin.status, 200);
  EXPECT_EQ(admin.body, "my admin page");
  EXPECT_EQ(curl_request("GET", server.url() + "/__mock__/stubs").body, "my stubs");
  EXPECT_EQ(server.requests().size(), 3u) << "every one was a mocked request, journaled";
}

TEST(ControlSurfaces, WithoutAStubTheirPathsAreAnOrdinaryMiss) {
  MockServer server;
  const auto miss = curl_request("GET", server.url() + "/__mock__/stubs");
  EXPECT_EQ(miss.status, 404);
  EXPECT_NE(miss.body.find("NO_STUB_MATCH_FOUND"), std::string::npos) << miss.body;
}

// GET /health and GET /v1/meta are not under a control prefix: a user's stub on them answers
// (and is journaled); without one, Softprobe's runtime endpoints answer (and are not).
TEST(ControlSurfaces, AStubOnHealthOrMetaWinsOverSoftprobesRuntimeEndpoints) {
  ServerOptions options;
  options.control_surfaces = all_control_surfaces();
  MockServer server(options);
  const auto runtime = curl_request("GET", server.url() + "/health");
  EXPECT_EQ(runtime.status, 200);
  EXPECT_NE(runtime.body.find("http-control-api@v1"), std::string::npos) << runtime.body;
  EXPECT_TRUE(server.requests().empty()) << "a control call is not journaled";

  const StubRef health =
      server.when_requested_with(Request{}.method("GET").path("/health")).respond_with(200, "stubbed health");
  const StubRef meta =
      server.when_requested_with(Request{}.path("/v1/meta")).respond_with_json(200, {{"version", "mine"}});
  EXPECT_EQ(curl_request("GET", server.url() + "/health").body, "stubbed health");
  EXPECT_EQ(Json::parse(curl_request("GET", server.url() + "/v1/meta").body), (Json{{"version", "mine"}}));
  EXPECT_EQ(health.calls(), 1);
  EXPECT_EQ(meta.calls(), 1);
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(curl_request("POST", server.url() + "/health").status, 405) << "no stub for POST: the runtime's answer";
}

TEST(ControlSurfaces, EachSurfaceIsTurnedOnAlone) {
  ServerOptions options;
  options.control_surfaces = {admin_api()};
  MockServer server(options);
  server.when_requested_with(Request{}.method("POST").path("/v1/sessions")).respond_with(200, "still mine");
  EXPECT_EQ(curl_request("GET", server.url() + "/__mock__/stubs").status, 200) << "the admin API is on";
  EXPECT_EQ(curl_request("POST", server.url() + "/v1/sessions", "{}", {"Content-Type: application/json"}).body,
            "still mine")
      << "Softprobe's API is not";
  EXPECT_EQ(curl_request("GET", server.url() + "/__admin__").status, 404) << "nor the UI";
}

TEST(ControlSurfaces, AllOfThemAsMockhttpServeRunsThem) {
  ServerOptions options;
  options.control_surfaces = all_control_surfaces();
  MockServer server(options);
  EXPECT_EQ(curl_request("GET", server.url() + "/__mock__").status, 200);
  EXPECT_EQ(curl_request("GET", server.url() + "/__admin__").status, 200);
  const auto created =
      curl_request("POST", server.url() + "/v1/sessions", R"({"mode":"replay"})", {"Content-Type: application/json"});
  EXPECT_EQ(created.status, 200) << created.body;
  EXPECT_TRUE(Json::parse(created.body).contains("sessionId")) << created.body;
  std::vector<std::string> names;
  for (const auto& surface : options.control_surfaces) names.push_back(surface->name());
  EXPECT_EQ(names, (std::vector<std::string>{"admin_api", "admin_ui", "softprobe_api"}));
}

class HomeMadeSurface final : public ControlSurface {
 public:
  std::string name() const override { return "home_made"; }
};

TEST(ControlSurfaces, ASurfaceNotMadeByTheControlLibraryIsRefusedAtStart) {
  ServerOptions options;
  options.control_surfaces = {std::make_shared<HomeMadeSurface>()};
  try {
    MockServer server(options);
    FAIL() << "started";
  } catch (const ServerError& e) {
    EXPECT_NE(std::string(e.what()).find("'home_made' is not a surface made by mockhttp/control.hpp"),
              std::string::npos)
        << e.what();
  }
}

TEST(ControlSurfaces, ListedStubsCarryEveryFieldNullWhereUnset) {
  ServerOptions options;
  options.control_surfaces = {admin_api()};
  MockServer server(options);
  server.when_requested_with(Request{}.path("/plain")).respond_with(200, "x");
  const Json listed = Json::parse(curl_request("GET", server.url() + "/__mock__/stubs").body);
  ASSERT_EQ(listed["stubs"].size(), 1u) << listed;
  const Json& stub = listed["stubs"][0];
  for (const char* field : {"stub_id", "request", "action", "scope", "chaos", "max_calls"}) {
    EXPECT_TRUE(stub.contains(field)) << field << " missing: " << stub;
  }
  EXPECT_TRUE(stub["chaos"].is_null()) << stub;
  EXPECT_TRUE(stub["scope"].is_null()) << stub;
  for (const char* field : {"method", "path", "headers", "query", "host", "body"}) {
    EXPECT_TRUE(stub["request"].contains(field)) << field << " missing: " << stub;
  }
  EXPECT_EQ(stub["request"]["path"], "/plain");
  EXPECT_TRUE(stub["request"]["method"].is_null());
  for (const char* field : {"response", "proxy", "sse"}) EXPECT_TRUE(stub["action"].contains(field)) << stub;
  EXPECT_TRUE(stub["action"]["proxy"].is_null());
  EXPECT_TRUE(stub["action"]["response"].contains("template_body")) << stub;
}

}  // namespace control_surfaces
