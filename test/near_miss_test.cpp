// What a user reads when nothing matched: the 404 body and a failed verification.
#include <gtest/gtest.h>
#include <httplib.h>

#include <mockhttp/control.hpp>
#include <mockhttp/mockhttp.hpp>

#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;

namespace {

TEST(NearMiss, The404BodyNamesTheClosestStubsAndEachFailedField) {
  MockServer server;
  auto payment =
      server
          .when_requested_with(Request{}.method("POST").path("/payment").body(as_json(key_values({{"amount", gt(0)}}))))
          .respond_with(200);
  server.when_requested_with(Request{}.path("/unrelated/{x}")).respond_with(200);

  const auto res = test::curl_request("POST", server.url() + "/payment", R"({"amount": -5})");
  ASSERT_EQ(res.status, 404);
  EXPECT_EQ(res.header("content-type"), "application/json");
  const Json body = Json::parse(res.body);
  EXPECT_EQ(body["error"], "NO_STUB_MATCH_FOUND");
  EXPECT_EQ(body["request"]["path"], "/payment");
  ASSERT_GE(body["closest_stubs"].size(), 1u);
  const Json& closest = body["closest_stubs"][0];
  EXPECT_EQ(closest["id"], payment.id());
  EXPECT_EQ(closest["matched_fields"], Json::parse(R"(["path","method"])"));
  ASSERT_EQ(closest["mismatches"].size(), 1u);
  EXPECT_EQ(closest["mismatches"][0]["field"], "body");
  EXPECT_EQ(closest["mismatches"][0]["reason"], "parsed JSON: \"amount\": expected > 0, got -5");
  const std::string report = body["report"];
  EXPECT_NE(report.find("No stub matched POST /payment"), std::string::npos) << report;
  EXPECT_NE(report.find("body: parsed JSON: \"amount\": expected > 0, got -5"), std::string::npos) << report;
}

TEST(NearMiss, ExhaustedStubsSayTheirCallsAreUsedUp) {
  MockServer server;
  server.when_requested_with(Request{}.path("/once")).max_calls(1).respond_with(200);
  httplib::Client client(server.host(), server.port());
  EXPECT_EQ(client.Get("/once")->status, 200);
  const auto second = client.Get("/once");
  ASSERT_EQ(second->status, 404);
  const Json body = Json::parse(second->body);
  EXPECT_EQ(body["closest_stubs"][0]["mismatches"][0]["field"], "max_calls");
  EXPECT_EQ(body["closest_stubs"][0]["mismatches"][0]["reason"], "already answered 1 of max_calls 1");
}

TEST(NearMiss, WithNoStubsTheReportSaysSo) {
  MockServer server;
  httplib::Client client(server.host(), server.port());
  const auto res = client.Get("/nothing");
  ASSERT_EQ(res->status, 404);
  const Json body = Json::parse(res->body);
  EXPECT_TRUE(body["closest_stubs"].empty());
  EXPECT_NE(body["report"].get<std::string>().find("no stubs are mounted"), std::string::npos);
}

TEST(NearMiss, AFailedVerificationListsTheClosestRequests) {
  MockServer server;
  httplib::Client client(server.host(), server.port());
  client.Get("/payment");
  client.Post("/payments", "{}", "application/json");
  client.Get("/health");

  const Verification v = server.confirm_request(Request{}.method("POST").path("/payment"), 1);
  EXPECT_FALSE(v);
  EXPECT_EQ(v.matching_requests(), 0u);
  ASSERT_EQ(v.closest_requests().size(), 3u);
  EXPECT_EQ(v.closest_requests()[0].candidate, "GET /payment");  // path is heavier than method
  EXPECT_EQ(v.closest_requests()[0].mismatches[0].reason, "expected \"POST\", got \"GET\"");
  const std::string report = v.report();
  EXPECT_NE(report.find("Expected exactly 1 time(s) a request matching {method \"POST\", path \"/payment\"}; 0 of 3"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("request #1"), std::string::npos) << report;
  EXPECT_NE(report.find("path: expected \"/payment\", got \"/payments\""), std::string::npos) << report;
}

TEST(NearMiss, VerificationPathsArePatternsAsInStubsAndLiteralOnTheWire) {
  ServerOptions options;
  options.control_surfaces = {admin_api()};
  MockServer server(options);
  httplib::Client client(server.host(), server.port());
  client.Get("/users/7");
  EXPECT_TRUE(server.confirm_request(Request{}.path("/users/{id}"))) << "a string path is the stub's template";
  EXPECT_FALSE(server.confirm_request(Request{}.path("/users/{id}/orders")));
  EXPECT_FALSE(server.confirm_request(Request{}.path(eq("/users/{id}")))) << "eq() is literal";
  EXPECT_TRUE(server.confirm_request(Request{}.path("/users/7")));
  EXPECT_TRUE(server.confirm_request(Request{}.path(regex("^/users/[0-9]+$"))));
  EXPECT_TRUE(server.confirm_request(Request{}.path("/users/7"), gte(1) && lt(2)));
  EXPECT_FALSE(server.confirm_request(Request{}.path("/users/7"), 0));
  // POST /__mock__/assert keeps assertive-mock-api's rule: its string path is literal.
  const auto wire = [&](const std::string& path) {
    const auto res = client.Post("/__mock__/assert", nlohmann::json{{"path", path}}.dump(), "application/json");
    return res && res->status == 200 && nlohmann::json::parse(res->body)["result"] == true;
  };
  EXPECT_FALSE(wire("/users/{id}"));
  EXPECT_TRUE(wire("/users/7"));
}

}  // namespace
