// The control surfaces refuse what a web page on another origin could send them (CSRF), calls
// that reach them through a foreign name (DNS rebinding) and, with a token, anonymous calls —
// through real sockets, and without touching the stubs' own paths.
#include <gtest/gtest.h>

#include <mockhttp/control.hpp>
#include <mockhttp/mockhttp.hpp>

#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;
using mockhttp::test::curl_request;

namespace control_guard {

const std::string kStub = R"({"request": {"path": "/evil"}, "action": {"response": {"status_code": 200,
    "headers": {"Content-Type": "text/html"}, "body": "<script>steal()</script>"}}})";

ServerOptions guarded(ControlOptions control = {}) {
  ServerOptions options;
  options.control_surfaces = all_control_surfaces(std::move(control));
  return options;
}

TEST(ControlGuard, APageOnAnotherOriginCannotCreateAStubOrReadTheJournal) {
  MockServer server(guarded());
  const auto created = curl_request("POST", server.url() + "/__mock__/stubs", kStub,
                                    {"Content-Type: application/json", "Origin: http://attacker.example"});
  EXPECT_EQ(created.status, 403);
  EXPECT_EQ(Json::parse(created.body)["error"], "FORBIDDEN_ORIGIN");
  EXPECT_TRUE(server.stubs().empty());
  const auto journal =
      curl_request("GET", server.url() + "/__mock__/requests", "", {"Origin: http://attacker.example"});
  EXPECT_EQ(journal.status, 403);
  const auto own = curl_request("POST", server.url() + "/__mock__/stubs", kStub,
                                {"Content-Type: application/json", "Origin: " + server.url()});
  EXPECT_EQ(own.status, 200) << "the server's own origin (its admin page) is welcome: " << own.body;
}

TEST(ControlGuard, AFormPostIsRefusedForItsContentType) {
  MockServer server(guarded());
  const auto form = curl_request("POST", server.url() + "/__mock__/stubs", kStub,
                                 {"Content-Type: text/plain"});  // what an HTML form may send cross-site
  EXPECT_EQ(form.status, 415);
  EXPECT_NE(form.body.find("Content-Type: application/json"), std::string::npos) << form.body;
  EXPECT_TRUE(server.stubs().empty());
}

TEST(ControlGuard, ANameThatRebindsToLoopbackIsRefusedUnlessAllowed) {
  MockServer server(guarded());
  const auto rebound = curl_request("GET", server.url() + "/__mock__/requests", "", {"Host: attacker.example"});
  EXPECT_EQ(rebound.status, 403);
  EXPECT_NE(rebound.body.find("ControlOptions::allowed_hosts"), std::string::npos) << rebound.body;
  EXPECT_EQ(curl_request("GET", server.url() + "/__mock__/requests", "", {"Host: localhost"}).status, 200);

  ControlOptions named;
  named.allowed_hosts = {"mock.internal"};
  MockServer allowed(guarded(named));
  EXPECT_EQ(curl_request("GET", allowed.url() + "/__mock__/requests", "", {"Host: mock.internal:8080"}).status, 200);
}

TEST(ControlGuard, TheStubsOwnPathsAreNotGuarded) {
  MockServer server(guarded());
  server.when_requested_with(Request{}.path("/api")).respond_with(200, "mine");
  const auto call =
      curl_request("POST", server.url() + "/api", "x=1",
                   {"Host: anything.example", "Origin: http://elsewhere.example", "Content-Type: text/plain"});
  EXPECT_EQ(call.status, 200);
  EXPECT_EQ(call.body, "mine");
}

TEST(ControlGuard, APreflightGetsAClearAnswerAndNoCorsGrant) {
  MockServer server(guarded());
  const auto preflight = curl_request("OPTIONS", server.url() + "/__mock__/stubs", "");
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.header("allow"), "GET, POST, OPTIONS") << "the methods of the route table's /__mock__/stubs";
  EXPECT_EQ(preflight.header("access-control-allow-origin"), "");
  const auto foreign =
      curl_request("OPTIONS", server.url() + "/__mock__/stubs", "", {"Origin: http://attacker.example"});
  EXPECT_EQ(foreign.status, 403);
}

TEST(ControlGuard, WithATokenEveryControlCallMustPresentIt) {
  ControlOptions control;
  control.token = "s3cret";
  MockServer server(guarded(control));
  const auto anonymous = curl_request("GET", server.url() + "/__mock__/stubs");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.header("www-authenticate"), "Bearer");
  EXPECT_EQ(curl_request("GET", server.url() + "/__mock__/stubs", "", {"Authorization: Bearer wrong"}).status, 403);
  EXPECT_EQ(curl_request("GET", server.url() + "/__mock__/stubs", "", {"Authorization: Bearer s3cret"}).status, 200);
  const auto softprobe =
      curl_request("POST", server.url() + "/v1/sessions", R"({"mode":"replay"})", {"Content-Type: application/json"});
  EXPECT_EQ(softprobe.status, 401);
  EXPECT_EQ(Json::parse(softprobe.body)["error"]["code"], "unauthorized") << "Softprobe's error envelope";
  EXPECT_EQ(curl_request("GET", server.url() + "/__admin__?token=s3cret").status, 200) << "the admin page's way in";
  const auto health = curl_request("GET", server.url() + "/health");
  EXPECT_EQ(health.status, 200) << "/health stays open";
  EXPECT_EQ(Json::parse(health.body)["status"], "ok");
  EXPECT_EQ(curl_request("GET", server.url() + "/__admin__").status, 401);
}

// Issue 25: a stub's page is same-origin with the control surfaces. Its answers are sandboxed
// into an opaque origin, whose calls arrive with `Origin: null` and `Sec-Fetch-Site: cross-site`.
TEST(ControlGuard, AStubsSandboxedPageCannotCallTheControlSurfaces) {
  MockServer server(guarded());
  const auto from_sandbox =
      curl_request("POST", server.url() + "/__mock__/stubs", kStub, {"Content-Type: application/json", "Origin: null"});
  EXPECT_EQ(from_sandbox.status, 403);
  EXPECT_EQ(Json::parse(from_sandbox.body)["error"], "FORBIDDEN_ORIGIN");
  EXPECT_NE(from_sandbox.body.find("Origin 'null'"), std::string::npos) << from_sandbox.body;
  EXPECT_TRUE(server.stubs().empty());
  for (const char* site : {"cross-site", "same-site", "Cross-Site"}) {
    const auto journal =
        curl_request("GET", server.url() + "/__mock__/requests", "", {std::string("Sec-Fetch-Site: ") + site});
    EXPECT_EQ(journal.status, 403) << site;
    EXPECT_NE(journal.body.find("Sec-Fetch-Site"), std::string::npos) << journal.body;
  }
  const auto session = curl_request("POST", server.url() + "/v1/sessions", R"({"mode":"replay"})",
                                    {"Content-Type: application/json", "Sec-Fetch-Site: cross-site"});
  EXPECT_EQ(session.status, 403);
  EXPECT_EQ(Json::parse(session.body)["error"]["code"], "FORBIDDEN_ORIGIN");
  EXPECT_EQ(curl_request("GET", server.url() + "/__admin__", "", {"Sec-Fetch-Site: cross-site"}).status, 403);
}

TEST(ControlGuard, TheAdminPageAndATypedAddressAreStillWelcome) {
  MockServer server(guarded());
  EXPECT_EQ(curl_request("GET", server.url() + "/__admin__", "", {"Sec-Fetch-Site: none"}).status, 200);
  const auto own =
      curl_request("POST", server.url() + "/__mock__/stubs", kStub,
                   {"Content-Type: application/json", "Sec-Fetch-Site: same-origin", "Origin: " + server.url()});
  EXPECT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(curl_request("GET", server.url() + "/__mock__/requests", "", {"Sec-Fetch-Site: same-origin"}).status, 200);
}

TEST(ControlGuard, EveryStubAnswerIsSandboxedUnlessItSetsItsOwnPolicy) {
  MockServer server(guarded());
  server.when_requested_with(Request{}.path("/page")).respond_with(200, "<p>hi</p>", {{"Content-Type", "text/html"}});
  server.when_requested_with(Request{}.path("/own"))
      .respond_with(200, "<p>mine</p>",
                    {{"Content-Type", "text/html"}, {"content-security-policy", "default-src 'self'"}});
  server.when_requested_with(Request{}.path("/events")).respond_with_sse(EventStream{}.event(SseEvent{"x"}));
  const std::string sandbox = "sandbox allow-scripts allow-forms allow-popups";
  EXPECT_EQ(curl_request("GET", server.url() + "/page").header("content-security-policy"), sandbox);
  EXPECT_EQ(curl_request("GET", server.url() + "/events").header("content-security-policy"), sandbox);
  EXPECT_EQ(curl_request("GET", server.url() + "/own").header("content-security-policy"), "default-src 'self'")
      << "a stub's own policy is the only one";
  EXPECT_EQ(curl_request("GET", server.url() + "/__admin__").header("content-security-policy"), "")
      << "the admin page is not a stub's: it is not sandboxed";
}

}  // namespace control_guard
