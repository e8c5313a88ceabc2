// Stubs over real sockets: every request field, path parameters, plain values and criteria,
// driven by cpp-httplib's client and by libcurl.
#include <gtest/gtest.h>
#include <httplib.h>

#include <mockhttp/mockhttp.hpp>

#include "support/control_server.hpp"
#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;
using mockhttp::test::curl_request;

namespace {

class StubMatching : public ::testing::Test {
 protected:
  MockServer server;
  httplib::Client client{server.host(), server.port()};
};

TEST_F(StubMatching, TheIssueExampleAcceptsAPaymentAndVerifiesIt) {
  server
      .when_requested_with(Request{}
                               .method("POST")
                               .path("/payment")
                               .header("authorization", regex("^Bearer "))
                               .body(as_json(key_values({{"amount", gt(0)}}))))
      .respond_with_json(200, {{"status", "accepted"}});

  auto ok = client.Post("/payment", {{"Authorization", "Bearer t0k"}}, R"({"amount": 42})", "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(Json::parse(ok->body), (Json{{"status", "accepted"}}));
  EXPECT_EQ(ok->get_header_value("Content-Type"), "application/json");

  auto zero = client.Post("/payment", {{"Authorization", "Bearer t0k"}}, R"({"amount": 0})", "application/json");
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->status, 404);

  EXPECT_TRUE(server.confirm_request(Request{}.path("/payment").method("POST"), between(1, 3)));
  EXPECT_TRUE(server.confirm_request(Request{}.path("/payment").method("POST"), 2));
  EXPECT_FALSE(server.confirm_request(Request{}.path("/payment").body(as_json(key_values({{"amount", 0}}))), 0));
}

TEST_F(StubMatching, MatchesMethodsCaseInsensitively) {
  server.when_requested_with(Request{}.method("put").path("/m")).respond_with(204);
  server.when_requested_with(Request{}.method(any_of({"PATCH", "DELETE"})).path("/m")).respond_with(202);
  EXPECT_EQ(curl_request("PUT", server.url() + "/m").status, 204);
  EXPECT_EQ(curl_request("PATCH", server.url() + "/m").status, 202);
  EXPECT_EQ(curl_request("DELETE", server.url() + "/m").status, 202);
  EXPECT_EQ(curl_request("GET", server.url() + "/m").status, 404);
  EXPECT_EQ(curl_request("OPTIONS", server.url() + "/m").status, 404);
}

TEST_F(StubMatching, PathTemplatesCaptureSegmentsAtExactDepth) {
  auto stub = server.when_requested_with(Request{}.path("/users/{id}/orders/{order}")).respond_with(200, "order");
  EXPECT_EQ(client.Get("/users/7/orders/99")->status, 200);
  EXPECT_EQ(client.Get("/users/7/orders/99/")->status, 200);  // trailing slash ignored
  EXPECT_EQ(client.Get("/users/7/orders")->status, 404);
  EXPECT_EQ(client.Get("/users/7/orders/99/x")->status, 404);
  EXPECT_EQ(client.Get("/Users/7/orders/99")->status, 404);  // literal segments are case-sensitive
  const auto journal = server.requests();
  ASSERT_EQ(journal.size(), 5u);
  EXPECT_EQ(journal[0].path_params, (std::map<std::string, std::string>{{"id", "7"}, {"order", "99"}}));
  EXPECT_EQ(journal[0].matched_stub_id, stub.id());
  EXPECT_FALSE(journal[2].matched_stub_id.has_value());
}

TEST_F(StubMatching, RootPathMatchesOnlyRootAndPercentEncodingIsDecoded) {
  server.when_requested_with(Request{}.path("/")).respond_with(200, "root");
  server.when_requested_with(Request{}.path("/a b")).respond_with(200, "space");
  EXPECT_EQ(client.Get("/")->body, "root");
  EXPECT_EQ(client.Get("/x")->status, 404);
  EXPECT_EQ(client.Get("/a%20b")->body, "space");
}

TEST_F(StubMatching, PathCriteriaMatchTheWholePathString) {
  server.when_requested_with(Request{}.path(regex("^/api/v[12]/"))).respond_with(200, "api");
  EXPECT_EQ(client.Get("/api/v2/things/1")->status, 200);
  EXPECT_EQ(client.Get("/api/v3/things")->status, 404);
}

TEST_F(StubMatching, QueryParametersAreStringsAndTheLastRepeatWins) {
  server.when_requested_with(Request{}.path("/search").query("q", "book").query("page", regex("^[0-9]+$")))
      .respond_with(200, "found");
  EXPECT_EQ(client.Get("/search?q=book&page=2")->status, 200);
  EXPECT_EQ(client.Get("/search?q=pen&q=book&page=2&extra=1")->status, 200);
  EXPECT_EQ(client.Get("/search?q=book&page=two")->status, 404);
  EXPECT_EQ(client.Get("/search?page=2")->status, 404);
  // query("page", 1) could never match (a number never equals the string "1"): refused at mount
  // (ImpossibleMatcher below).
  EXPECT_THROW((void)server.when_requested_with(Request{}.path("/n").query("page", 1)).respond_with(200), StubError);
  server.when_requested_with(Request{}.path("/exact").query(exact_key_values({{"a", "1"}}))).respond_with(200);
  EXPECT_EQ(client.Get("/exact?a=1")->status, 200);
  EXPECT_EQ(client.Get("/exact?a=1&b=2")->status, 404);
}

TEST_F(StubMatching, HeaderNamesAreCaseInsensitive) {
  server.when_requested_with(Request{}.path("/h").header("X-Tenant", "acme").header("x-trace", length(gt(3))))
      .respond_with(200);
  EXPECT_EQ(curl_request("GET", server.url() + "/h", "", {"x-tenant: acme", "X-TRACE: abcd"}).status, 200);
  EXPECT_EQ(curl_request("GET", server.url() + "/h", "", {"X-Tenant: acme", "X-Trace: ab"}).status, 404);
  EXPECT_EQ(curl_request("GET", server.url() + "/h", "", {"X-Tenant: Acme", "X-Trace: abcd"}).status, 404);
  server.when_requested_with(Request{}.path("/all").headers(contains({"x-flag"}))).respond_with(200);
  EXPECT_EQ(curl_request("GET", server.url() + "/all", "", {"X-Flag: 1"}).status, 200);
}

TEST_F(StubMatching, HostComesFromTheHostHeaderWithoutPort) {
  server.when_requested_with(Request{}.path("/svc").host("payments.internal")).respond_with(200, "payments");
  server.when_requested_with(Request{}.path("/svc").host(regex(".*\\.example\\.com$"))).respond_with(200, "example");
  EXPECT_EQ(curl_request("GET", server.url() + "/svc", "", {"Host: Payments.Internal:8443"}).body, "payments");
  EXPECT_EQ(curl_request("GET", server.url() + "/svc", "", {"Host: api.example.com"}).body, "example");
  EXPECT_EQ(curl_request("GET", server.url() + "/svc", "", {"Host: other"}).status, 404);
}

TEST_F(StubMatching, BodyTakesRawTextExactJsonOrCriteria) {
  server.when_requested_with(Request{}.path("/raw").body("exact text")).respond_with(200, "raw");
  server.when_requested_with(Request{}.path("/json").body_equals_json({{"cart_id", "c-1"}})).respond_with(200, "json");
  server.when_requested_with(Request{}.path("/crit").body(as_json(key_values({{"items", length(2)}}))))
      .respond_with(200);
  EXPECT_EQ(client.Post("/raw", "exact text", "text/plain")->status, 200);
  EXPECT_EQ(client.Post("/raw", "exact text!", "text/plain")->status, 404);
  EXPECT_EQ(client.Post("/json", R"({ "cart_id" : "c-1" })", "application/json")->status, 200);
  EXPECT_EQ(client.Post("/json", R"({"cart_id":"c-1","more":1})", "application/json")->status, 404);
  EXPECT_EQ(client.Post("/crit", R"({"items":[1,2]})", "application/json")->status, 200);
  // A body that is not JSON is a non-match for $json, never a 500, and is still journaled.
  EXPECT_EQ(client.Post("/crit", "not json", "text/plain")->status, 404);
  EXPECT_EQ(server.requests().size(), 6u);
}

TEST_F(StubMatching, ResponsesCarryStatusHeadersAndBodyAsGiven) {
  server.when_requested_with(Request{}.path("/r"))
      .respond_with(Response{}.status(201).header("Location", "/things/1").header("X-A", "1").body("made"));
  const auto res = curl_request("POST", server.url() + "/r", "x");
  EXPECT_EQ(res.status, 201);
  EXPECT_EQ(res.header("location"), "/things/1");
  EXPECT_EQ(res.header("x-a"), "1");
  EXPECT_EQ(res.body, "made");
  server.when_requested_with(Request{}.path("/t")).respond_with(200, "<p/>", {{"Content-Type", "text/html"}});
  EXPECT_EQ(curl_request("GET", server.url() + "/t").header("content-type"), "text/html");
  server.when_requested_with(Request{}.path("/j"))
      .respond_with_json(200, Json::array({1, 2}), {{"Content-Type", "application/vnd.api+json"}});
  const auto j = curl_request("GET", server.url() + "/j");
  EXPECT_EQ(j.header("content-type"), "application/vnd.api+json");
  EXPECT_EQ(j.body, "[1,2]");
}

TEST_F(StubMatching, HeadRequestsAnswerWithoutABody) {
  server.when_requested_with(Request{}.method("HEAD").path("/h")).respond_with(200, "ignored body");
  const auto res = curl_request("HEAD", server.url() + "/h");
  EXPECT_EQ(res.code, CURLE_OK);
  EXPECT_EQ(res.status, 200);
  EXPECT_TRUE(res.body.empty());
}

TEST_F(StubMatching, StubsCanBeListedAndRemovedById) {
  auto a = server.when_requested_with(Request{}.path("/a")).respond_with(200, "a");
  auto b = server.when_requested_with(Request{}.path("/b").method("POST")).max_calls(3).respond_with(200, "b");
  const auto listed = server.stubs();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, a.id());
  EXPECT_EQ(listed[1].id, b.id());
  EXPECT_EQ(listed[1].to_json()["request"], Json::parse(R"({"path":"/b","method":"POST"})"));
  EXPECT_EQ(listed[1].to_json()["max_calls"], 3);
  EXPECT_EQ(client.Get("/a")->status, 200);
  EXPECT_EQ(a.calls(), 1);
  EXPECT_TRUE(server.remove_stub(a.id()));
  EXPECT_FALSE(server.remove_stub(a.id()));
  EXPECT_FALSE(a.remove());
  EXPECT_EQ(a.calls(), 0);
  EXPECT_EQ(client.Get("/a")->status, 404);
  EXPECT_TRUE(b.remove());
  EXPECT_TRUE(server.stubs().empty());
}

TEST_F(StubMatching, ResetRemovesStubsAndJournal) {
  server.when_requested_with(Request{}.path("/a")).respond_with(200);
  client.Get("/a");
  server.reset();
  EXPECT_TRUE(server.stubs().empty());
  EXPECT_TRUE(server.requests().empty());
  EXPECT_EQ(client.Get("/a")->status, 404);
}

TEST_F(StubMatching, RequestMatchersRoundTripThroughTheWireForm) {
  const Request original = Request{}
                               .method("POST")
                               .path("/users/{id}")
                               .header("X-Env", "test")
                               .query("q", regex("^b"))
                               .host(ignore_case("API.local"))
                               .body(as_json(key_values({{"a", gt(0)}})));
  const Json wire = original.to_json();
  EXPECT_EQ(wire["headers"], Json::parse(R"({"x-env":"test"})"));
  EXPECT_EQ(wire["path"], "/users/{id}");
  const Request back = Request::from_json(wire);
  EXPECT_EQ(back.to_json(), wire);
  server.when_requested_with(back).respond_with(200, "via wire");
  const auto res =
      curl_request("POST", server.url() + "/users/3?q=book", R"({"a":1})", {"Host: api.LOCAL", "x-env: test"});
  EXPECT_EQ(res.body, "via wire");
}

// Matchers no request can satisfy are refused at mount, saying what to write instead.
TEST(ImpossibleMatcher, APathWithAQueryStringIsRefusedWithTheQueryCallsToWrite) {
  MockServer server;
  try {
    (void)server.when_requested_with(Request{}.path("/search?q=x&page=2")).respond_with(200);
    ADD_FAILURE() << "mounted a path with a query string";
  } catch (const StubError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("request.path \"/search?q=x&page=2\" holds a query string"), std::string::npos) << what;
    EXPECT_NE(what.find(R"(path("/search").query("q", "x").query("page", "2"))"), std::string::npos) << what;
    EXPECT_NE(what.find(R"({"path": "/search", "query": {"page":"2","q":"x"}})"), std::string::npos) << what;
  }
  EXPECT_TRUE(server.stubs().empty());
  // The right form answers the request the wrong one was meant for.
  (void)server.when_requested_with(Request{}.path("/search").query("q", "x")).respond_with(200, "found");
  EXPECT_EQ(curl_request("GET", server.url() + "/search?q=x").body, "found");
}

TEST(ImpossibleMatcher, AQueryOrHeaderValueThatIsNotAStringIsRefused) {
  MockServer server;
  try {
    (void)server.when_requested_with(Request{}.path("/list").query("page", 1)).respond_with(200);
    ADD_FAILURE() << "mounted query(\"page\", 1)";
  } catch (const StubError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("request.query \"page\": 1 is a number, but a query value is always a string"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find(R"(write query("page", "1"))"), std::string::npos) << what;
  }
  EXPECT_THROW((void)server.when_requested_with(Request{}.header("x-retries", 3)).respond_with(200), StubError);
  EXPECT_NO_THROW((void)server.when_requested_with(Request{}.query("page", regex("^[0-9]+$"))).respond_with(200));
  EXPECT_EQ(server.stubs().size(), 1u);
}

TEST(ImpossibleMatcher, TheWireFormIsRefusedWithTheFieldNamed) {
  MockServer server{test::with_control_surfaces()};
  const Json stub = {{"request", {{"path", "/list"}, {"query", {{"page", 1}}}}},
                     {"action", {{"response", {{"status_code", 200}, {"body", "x"}}}}}};
  const auto answer =
      curl_request("POST", server.url() + "/__mock__/stubs", stub.dump(), {"Content-Type: application/json"});
  EXPECT_GE(answer.status, 400);
  EXPECT_LT(answer.status, 500);
  EXPECT_NE(answer.body.find("request.query \\\"page\\\": 1 is a number"), std::string::npos) << answer.body;
  EXPECT_EQ(curl_request("GET", server.url() + "/__mock__/stubs").body.find("/list"), std::string::npos);
}

TEST(RequestWireForm, RejectsBadFieldsWithTheirPointer) {
  const auto expect_error = [](const char* doc, const char* pointer, const char* problem) {
    try {
      Request::from_json(Json::parse(doc), "/request");
      ADD_FAILURE() << "accepted " << doc;
    } catch (const CriteriaError& e) {
      EXPECT_EQ(e.pointer(), pointer) << e.what();
      EXPECT_NE(std::string(e.what()).find(problem), std::string::npos) << e.what();
    }
  };
  expect_error(R"({"methd":"GET"})", "/request/methd", "unknown request field \"methd\"");
  expect_error(R"({"method":5})", "/request/method", "must be a string or a criteria object");
  expect_error(R"({"path":[1]})", "/request/path", "path must be a string pattern");
  expect_error(R"({"headers":"x"})", "/request/headers", "headers must be an object");
  expect_error(R"({"query":{"q":{"$regex":{"pattern":"("}}}})", "/request/query/q/$regex/pattern", "RE2");
  expect_error(R"([1])", "/request", "must be an object");
}

}  // namespace
