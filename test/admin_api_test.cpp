// The /__mock__ admin API, black-box over real sockets with libcurl: every endpoint, every
// error path, scopes through headers, and the shapes assertive-mock-api's clients read.
#include <gtest/gtest.h>

#include <mockhttp/mockhttp.hpp>

#include "support/control_server.hpp"
#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;
using mockhttp::test::curl_request;
using mockhttp::test::CurlResult;

namespace {

class AdminApi : public ::testing::Test {
 protected:
  MockServer server{test::with_control_surfaces()};

  CurlResult call(const std::string& method, const std::string& path, const std::string& body = "",
                  std::vector<std::string> headers = {}) {
    if (!body.empty()) headers.push_back("Content-Type: application/json");
    return curl_request(method, server.url() + path, body, headers);
  }
  static Json json_of(const CurlResult& r) { return Json::parse(r.body); }

  // A 422 names the field by JSON Pointer and in FastAPI's `loc`, and says what is wrong.
  void expect_invalid(const CurlResult& r, const std::string& pointer, const std::string& message_part) {
    ASSERT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/json");
    const Json body = json_of(r);
    EXPECT_EQ(body["error"], "INVALID_PAYLOAD");
    EXPECT_EQ(body["path"], pointer) << r.body;
    EXPECT_NE(body["problem"].get<std::string>().find(message_part), std::string::npos) << r.body;
    ASSERT_TRUE(body["detail"].is_array());
    EXPECT_EQ(body["detail"][0]["loc"][0], "body");
    EXPECT_EQ(body["detail"][0]["msg"], body["problem"]);
  }
};

constexpr const char* kPaymentStub = R"({
  "request": {"path": "/payment", "method": "POST",
              "body": {"$json": {"inner_criteria": {"$key_values": {"key_values": {"amount": {"$gt": {"value": 0}}}}}}}},
  "action": {"response": {"status_code": 200, "headers": {"Content-Type": "application/json"},
                          "body": "{\"status\": \"accepted\"}"}}})";

TEST_F(AdminApi, TheWelcomeRouteAnswersEveryMethod) {
  for (const char* method : {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    const auto r = call(method, "/__mock__");
    EXPECT_EQ(r.status, 200) << method;
    EXPECT_TRUE(json_of(r)["available_endpoints"].is_array());
  }
  EXPECT_TRUE(server.requests().empty()) << "admin calls are not journaled";
}

TEST_F(AdminApi, TheUnscopedFlowOfTheSeed) {
  const auto created = call("POST", "/__mock__/stubs", kPaymentStub);
  ASSERT_EQ(created.status, 200) << created.body;
  const Json answer = json_of(created);
  EXPECT_EQ(answer["success"], true);
  const std::string id = answer["stub_id"];
  EXPECT_EQ(id.size(), 36u) << "a UUID";

  const auto paid = call("POST", "/payment", R"({"amount": 42})");
  EXPECT_EQ(paid.status, 200);
  EXPECT_EQ(json_of(paid)["status"], "accepted");

  const auto confirmed = call("POST", "/__mock__/assert", R"({"path": "/payment", "method": "POST"})");
  EXPECT_EQ(json_of(confirmed), (Json{{"result", true}, {"matching_requests", 1}}));
  // times: a bare integer (exact), or criteria.
  EXPECT_EQ(json_of(call("POST", "/__mock__/assert", R"({"path": "/payment", "times": 1})"))["result"], true);
  EXPECT_EQ(
      json_of(call(
          "POST", "/__mock__/assert",
          R"({"path": "/payment", "times": {"$between": {"lower": 1, "upper": 3, "is_inclusive": true}}})"))["result"],
      true);
  const Json failed = json_of(call("POST", "/__mock__/assert", R"({"path": "/payment", "times": 2})"));
  EXPECT_EQ(failed["result"], false);
  EXPECT_NE(failed["report"].get<std::string>().find("1 of 1 journaled request(s) matched"), std::string::npos);
  // path is literal in assertions, never a pattern.
  EXPECT_EQ(json_of(call("POST", "/__mock__/assert", R"({"path": "/{x}"})"))["result"], false);
}

TEST_F(AdminApi, StubsAreListedAndDeletedById) {
  const std::string id = json_of(call("POST", "/__mock__/stubs", kPaymentStub))["stub_id"];
  const Json listed = json_of(call("GET", "/__mock__/stubs"));
  ASSERT_EQ(listed["stubs"].size(), 1u);
  const Json& view = listed["stubs"][0];
  EXPECT_EQ(view["stub_id"], id);
  EXPECT_EQ(view["request"]["path"], "/payment");
  EXPECT_EQ(view["action"]["response"]["status_code"], 200);
  EXPECT_EQ(view["scope"], nullptr);

  const auto deleted = call("DELETE", "/__mock__/stubs/" + id);
  EXPECT_EQ(json_of(deleted), (Json{{"success", true}, {"stub_id", id}}));
  const auto again = call("DELETE", "/__mock__/stubs/" + id);
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(json_of(again), (Json{{"detail", "Stub '" + id + "' was not found"}, {"error", "STUB_NOT_FOUND"}}));
  EXPECT_TRUE(server.stubs().empty());
}

TEST_F(AdminApi, StubsMadeOverHttpAreTheSameObjectsAsInCpp) {
  const std::string id = json_of(
      call("POST", "/__mock__/stubs",
           R"({"request": {"path": "/x"}, "action": {"response": {"status_code": 201, "headers": {}, "body": "made"}},
                                          "max_calls": 2, "chaos": {"latency": {"base_ms": 1, "jitter_ms": 0}}})"))
      ["stub_id"];
  const auto stubs = server.stubs();
  ASSERT_EQ(stubs.size(), 1u);
  EXPECT_EQ(stubs[0].id, id);
  EXPECT_EQ(stubs[0].definition.max_calls, 2);
  EXPECT_EQ(stubs[0].definition.chaos.latency->base, std::chrono::milliseconds(1));
  EXPECT_EQ(stubs[0].definition.response.status(), 201);
  // ... and a stub made in C++ is listed over HTTP.
  server.when_requested_with(Request{}.path("/y")).respond_with(204);
  EXPECT_EQ(json_of(call("GET", "/__mock__/stubs"))["stubs"].size(), 2u);
}

TEST_F(AdminApi, EveryInvalidStubIsA422NamingTheFieldAndNothingIsCreated) {
  const std::string ok_action = R"("action": {"response": {"status_code": 200, "headers": {}, "body": "x"}})";
  expect_invalid(
      call(
          "POST", "/__mock__/stubs",
          R"({"request": {}, "action": {"response": {"status_code": 200, "headers": {}, "body": "x", "template_body": "y"}}})"),
      "/action/response", "Exactly one of body or template_body must be provided");
  expect_invalid(call("POST", "/__mock__/stubs",
                      R"({"request": {}, "action": {"response": {"status_code": 200, "headers": {}}}})"),
                 "/action/response", "Exactly one of body or template_body");
  expect_invalid(call("POST", "/__mock__/stubs", R"({"request": {}, "action": {}})"), "/action",
                 "Exactly one of response, proxy or sse");
  expect_invalid(
      call(
          "POST", "/__mock__/stubs",
          R"({"request": {}, "action": {"response": {"status_code": 200, "body": "x"}, "sse": {"events": [{"data": "d"}]}}})"),
      "/action", "Exactly one of response, proxy or sse");
  expect_invalid(call("POST", "/__mock__/stubs", R"({"request": {}, "action": {"sse": {"events": []}}})"),
                 "/action/sse/events", "non-empty");
  expect_invalid(call("POST", "/__mock__/stubs",
                      R"({"request": {}, )" + ok_action + R"(, "chaos": {"latency": {"base_ms": -1}}})"),
                 "/chaos/latency/base_ms", ">= 0");
  expect_invalid(
      call("POST", "/__mock__/stubs",
           R"({"request": {}, )" + ok_action + R"(, "chaos": {"faults": {"connection_drop": {"probability": 1.5}}}})"),
      "/chaos/faults/connection_drop/probability", "[0, 1]");
  expect_invalid(call("POST", "/__mock__/stubs",
                      R"({"request": {}, )" + ok_action + R"(, "chaos": {"connection_drop": {"probability": 1}}})"),
                 "/chaos/connection_drop", "chaos.faults.connection_drop");
  expect_invalid(call("POST", "/__mock__/stubs", R"({"request": {"path": 3}, )" + ok_action + "}"), "/request/path",
                 "path must be a string pattern or a criteria object");
  expect_invalid(
      call("POST", "/__mock__/stubs", R"({"request": {"headers": {"a": {"$gt": {"valu": 1}}}}, )" + ok_action + "}"),
      "/request/headers/a/$gt", "needs \"value\"");
  expect_invalid(
      call("POST", "/__mock__/stubs", R"({"request": {"body": {"$regex": {"pattern": "(a"}}}, )" + ok_action + "}"),
      "/request/body/$regex/pattern", "RE2 cannot compile");
  expect_invalid(call("POST", "/__mock__/stubs",
                      R"({"request": {}, "action": {"response": {"status_code": "200", "body": "x"}}})"),
                 "/action/response/status_code", "must be an integer");
  expect_invalid(call("POST", "/__mock__/stubs", R"({"request": {}, )" + ok_action + R"(, "max_calls": -1})"),
                 "/max_calls", ">= 0");
  expect_invalid(call("POST", "/__mock__/stubs", R"({"request": {}, )" + ok_action + R"(, "priority": 3})"),
                 "/priority", "unknown field \"priority\"");
  expect_invalid(call("POST", "/__mock__/stubs", R"({"action": {"response": {"status_code": 200, "body": "x"}}})"),
                 "/request", "request is required");
  expect_invalid(call("POST", "/__mock__/stubs", R"({"request": {}, "action": {"proxy": {"url": "ftp://x"}}})"),
                 "/action/proxy/url", "http://");
  expect_invalid(call("POST", "/__mock__/stubs", R"([1, 2])"), "", "must be an object");
  expect_invalid(call("POST", "/__mock__/stubs", R"({"request": )"), "", "not valid JSON at byte");
  expect_invalid(call("POST", "/__mock__/stubs", ""), "", "a JSON body is required");
  EXPECT_TRUE(server.stubs().empty());
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(AdminApi, AStubIdOfYourChoosingIsKeptAndADuplicateIsA409) {
  const std::string stub =
      R"({"id": "greeting", "request": {"path": "/hi"}, "action": {"response": {"status_code": 200, "body": "hi"}}})";
  EXPECT_EQ(json_of(call("POST", "/__mock__/stubs", stub))["stub_id"], "greeting");
  const auto duplicate = call("POST", "/__mock__/stubs", stub);
  EXPECT_EQ(duplicate.status, 409);
  EXPECT_EQ(json_of(duplicate)["detail"], "a stub with id 'greeting' already exists");
  EXPECT_EQ(json_of(duplicate)["error"], "STUB_ID_TAKEN");
  EXPECT_EQ(server.stubs().size(), 1u);
}

TEST_F(AdminApi, ScopesAreCreatedListedAndDeletedLikeAssertiveMockApi) {
  const auto created = call("POST", "/__mock__/scopes", R"({"name": "Team_A"})");
  EXPECT_EQ(created.status, 201);
  EXPECT_EQ(json_of(created), (Json{{"success", true}, {"name", "team_a"}}));
  const auto duplicate = call("POST", "/__mock__/scopes", R"({"name": "TEAM_A"})");
  EXPECT_EQ(duplicate.status, 409);
  EXPECT_EQ(json_of(duplicate), (Json{{"detail", "Scope 'TEAM_A' already exists"}, {"error", "SCOPE_EXISTS"}}));
  expect_invalid(call("POST", "/__mock__/scopes", R"({"name": "a b"})"), "/name", "must match ^[A-Za-z0-9_-]+$");
  expect_invalid(call("POST", "/__mock__/scopes", R"({"name": "accept"})"), "/name", "standard request header");
  expect_invalid(call("POST", "/__mock__/scopes", R"({})"), "/name", "name is required");
  call("POST", "/__mock__/scopes", R"({"name": "team_b"})");
  EXPECT_EQ(json_of(call("GET", "/__mock__/scopes")), (Json{{"scopes", {"team_a", "team_b"}}}));
  EXPECT_EQ(server.scopes(), (std::vector<std::string>{"team_a", "team_b"}));

  EXPECT_EQ(json_of(call("DELETE", "/__mock__/scopes/Team_A")), (Json{{"success", true}, {"name", "team_a"}}));
  const auto missing = call("DELETE", "/__mock__/scopes/team_a");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json_of(missing), (Json{{"detail", "Scope 'team_a' was not found"}, {"error", "SCOPE_NOT_FOUND"}}));
  expect_invalid(call("DELETE", "/__mock__/scopes/a%20b"), "/name", "must match");
}

TEST_F(AdminApi, TheScopedFlowOfTheSeed) {
  call("POST", "/__mock__/scopes", R"({"name": "payment-suite"})");
  const std::vector<std::string> scoped = {"payment-suite: 1"};
  ASSERT_EQ(call("POST", "/__mock__/stubs", kPaymentStub, scoped).status, 200);

  EXPECT_EQ(call("POST", "/payment", R"({"amount": 42})", scoped).status, 200);
  EXPECT_EQ(call("POST", "/payment", R"({"amount": 42})").status, 404) << "the stub is the scope's";
  EXPECT_EQ(json_of(call("POST", "/__mock__/assert", R"({"path": "/payment", "method": "POST"})", scoped))["result"],
            true);

  // Listings from a scope: the scope's first, then the global ones.
  server.when_requested_with(Request{}.path("/global")).respond_with(200);
  const Json stubs = json_of(call("GET", "/__mock__/stubs", "", scoped))["stubs"];
  ASSERT_EQ(stubs.size(), 2u);
  EXPECT_EQ(stubs[0]["scope"], "payment-suite");
  EXPECT_EQ(stubs[1]["scope"], nullptr);
  EXPECT_EQ(json_of(call("GET", "/__mock__/stubs"))["stubs"].size(), 1u) << "without the header: global only";
  const Json requests = json_of(call("GET", "/__mock__/requests", "", scoped))["requests"];
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0]["scope"], "payment-suite");
  EXPECT_EQ(requests[1]["scope"], nullptr);

  // As in assertive-mock-api, a scoped assertion also counts global traffic.
  EXPECT_EQ(json_of(call("POST", "/__mock__/assert", R"({"path": "/payment", "times": 2})", scoped))["result"], true);
  EXPECT_EQ(json_of(call("POST", "/__mock__/assert", R"({"path": "/payment", "times": 1})"))["result"], true);

  // Context exit: deleting the scope deletes its stubs and journal.
  call("DELETE", "/__mock__/scopes/payment-suite");
  EXPECT_EQ(server.stubs().size(), 1u);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(AdminApi, AScopedStubIsDeletedWithItsHeaderOrWithoutAnyButNotFromAnotherScope) {
  call("POST", "/__mock__/scopes", R"({"name": "s1"})");
  call("POST", "/__mock__/scopes", R"({"name": "s2"})");
  const std::string first = json_of(call("POST", "/__mock__/stubs", kPaymentStub, {"s1: 1"}))["stub_id"];
  const std::string second = json_of(call("POST", "/__mock__/stubs", kPaymentStub, {"s1: 1"}))["stub_id"];
  EXPECT_EQ(call("DELETE", "/__mock__/stubs/" + first, "", {"s2: 1"}).status, 404) << "another scope's stub";
  EXPECT_EQ(call("DELETE", "/__mock__/stubs/" + first, "", {"s1: 1"}).status, 200);
  // The Python client's session deletes without the scope header (assertive-mock-api: 404).
  EXPECT_EQ(call("DELETE", "/__mock__/stubs/" + second).status, 200);
  EXPECT_TRUE(server.stubs().empty());
}

TEST_F(AdminApi, AdminCallsNamingTwoScopesAreA400) {
  call("POST", "/__mock__/scopes", R"({"name": "one"})");
  call("POST", "/__mock__/scopes", R"({"name": "two"})");
  const auto r = call("POST", "/__mock__/stubs", kPaymentStub, {"one: 1", "two: 1"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json_of(r)["detail"], "Multiple scope headers matched this request");
  EXPECT_EQ(json_of(r)["scopes"], (Json{"one", "two"}));
  EXPECT_TRUE(server.stubs().empty());
}

TEST_F(AdminApi, TheJournalIsListedClearedAndResetOverHttp) {
  call("POST", "/__mock__/stubs", kPaymentStub);
  call("GET", "/nothing?q=1");
  const Json requests = json_of(call("GET", "/__mock__/requests"))["requests"];
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0]["path"], "/nothing");
  EXPECT_EQ(requests[0]["query"], (Json{{"q", "1"}}));
  EXPECT_EQ(requests[0]["matched_stub_id"], nullptr);

  EXPECT_EQ(call("DELETE", "/__mock__/requests").status, 200);
  EXPECT_TRUE(server.requests().empty());
  EXPECT_EQ(server.stubs().size(), 1u);
  call("GET", "/again");
  EXPECT_EQ(call("POST", "/__mock__/reset").status, 200);
  EXPECT_TRUE(server.requests().empty());
  EXPECT_TRUE(server.stubs().empty());
}

TEST_F(AdminApi, InvalidAssertionsAreA422) {
  expect_invalid(call("POST", "/__mock__/assert", R"({"path": "/x", "times": -1})"), "/times", ">= 0");
  expect_invalid(call("POST", "/__mock__/assert", R"({"path": "/x", "times": [1]})"), "/times",
                 "whole number or a criteria");
  expect_invalid(call("POST", "/__mock__/assert", R"({"path": "/x", "times": {"$gt": 1}})"), "/times/$gt", "");
  expect_invalid(call("POST", "/__mock__/assert", R"({"bogus": 1})"), "/bogus", "unknown request field");
}

TEST_F(AdminApi, AControlPathWithAnotherMethodIsAMockedRequest) {
  server.when_requested_with(Request{}.method("GET").path("/__mock__/assert")).respond_with(200, "stubbed");
  EXPECT_EQ(call("GET", "/__mock__/assert").body, "stubbed");
  EXPECT_EQ(call("DELETE", "/__mock__/stubs").status, 404);
  EXPECT_EQ(server.requests().size(), 2u);
}

}  // namespace
