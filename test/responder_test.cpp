// C++ callback responders over real sockets: the answer built from the request, path
// parameters, a throwing responder's 500, chaos on a callback's answer, call counts and the
// journal; and source-located reports (near misses, listings) naming the mounting line.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <stdexcept>

#include <mockhttp/mockhttp.hpp>

#include "support/control_server.hpp"
#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;
using mockhttp::test::curl_request;

namespace {

TEST(Responder, BuildsTheAnswerFromTheRequest) {
  MockServer server;
  const StubRef stub = server.when_requested_with(Request{}.method("POST").path("/users/{id}"))
                           .respond_with([](const RecordedRequest& request) {
                             const Json body = Json::parse(request.body);
                             return Response(201).json_body({{"id", request.path_params.at("id")},
                                                             {"name", body["name"]},
                                                             {"via", request.header("x-client").value_or("?")}});
                           });
  const auto res = curl_request("POST", server.url() + "/users/42", R"({"name": "Ada"})", {"x-client: curl"});
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(Json::parse(res.body), (Json{{"id", "42"}, {"name", "Ada"}, {"via", "curl"}}));
  EXPECT_EQ(res.header("content-type"), "application/json");
  EXPECT_EQ(stub.calls(), 1);
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].matched_stub_id, stub.id());
}

TEST(Responder, AThrowingResponderIsA500NamingTheStubWhereItWasMountedAndTheMessage) {
  MockServer server;
  const int line = __LINE__ + 2;  // the line of the respond_with call
  const StubRef stub =
      server.when_requested_with(Request{}.path("/boom")).respond_with([](const RecordedRequest&) -> Response {
        throw std::runtime_error("inventory is empty");
      });
  const auto res = curl_request("GET", server.url() + "/boom");
  ASSERT_EQ(res.status, 500);
  const Json body = Json::parse(res.body);
  EXPECT_EQ(body["error"], "RESPONDER_FAILED");
  EXPECT_EQ(body["stub_id"], stub.id());
  EXPECT_NE(body["detail"].get<std::string>().find("inventory is empty"), std::string::npos) << body;
  EXPECT_EQ(body["mounted_at"], std::string(__FILE__) + ":" + std::to_string(line)) << body;
  EXPECT_EQ(stub.calls(), 1);  // counted as any answer
  // The server goes on serving.
  EXPECT_EQ(curl_request("GET", server.url() + "/boom").status, 500);
}

TEST(Responder, ChaosStillAppliesToTheCallbacksAnswer) {
  ServerOptions options;
  options.seed = 7;
  MockServer server(options);
  server.when_requested_with(Request{}.path("/cut"))
      .with_fault(FaultKind::empty_response)
      .respond_with([](const RecordedRequest&) { return Response(200).body("never seen"); });
  const auto res = curl_request("GET", server.url() + "/cut");
  EXPECT_EQ(res.code, CURLE_GOT_NOTHING);
  ASSERT_EQ(server.requests().size(), 1u);
  ASSERT_TRUE(server.requests()[0].chaos);
  EXPECT_EQ(server.requests()[0].chaos->fault, FaultKind::empty_response);
}

TEST(Responder, RunsConcurrentlyOnTheServingThreads) {
  MockServer server;
  std::atomic<int> seen{0};
  server.when_requested_with(Request{}.path("/count")).respond_with([&seen](const RecordedRequest&) {
    return Response(200).body(std::to_string(++seen));
  });
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      httplib::Client client(server.host(), server.port());
      for (int i = 0; i < 10; ++i) ASSERT_EQ(client.Get("/count")->status, 200);
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(seen.load(), 40);
}

TEST(Responder, AnEmptyResponderIsRefusedAndAStubFromJsonCannotHoldOne) {
  MockServer server;
  EXPECT_THROW((void)server.when_requested_with(Request{}).respond_with(Responder{}), StubError);
  StubDefinition definition;
  definition.responder = [](const RecordedRequest&) { return Response(200); };
  EXPECT_EQ(definition.to_json()["action"], (Json{{"callback", {{"description", "a C++ responder"}}}}));
  EXPECT_THROW(StubDefinition::from_json(definition.to_json()), DocumentError);
}

TEST(SourceLocation, TheNearMissReportAndTheListingNameTheMountingLine) {
  MockServer server{test::with_control_surfaces()};
  const int line = __LINE__ + 1;
  server.when_requested_with(Request{}.method("POST").path("/payment")).respond_with(200);
  const std::string where = std::string(__FILE__) + ":" + std::to_string(line);
  const auto miss = curl_request("GET", server.url() + "/payment");
  ASSERT_EQ(miss.status, 404);
  const Json body = Json::parse(miss.body);
  EXPECT_EQ(body["closest_stubs"][0]["mounted_at"], where);
  EXPECT_NE(body["report"].get<std::string>().find("mounted at " + where), std::string::npos) << body["report"];
  ASSERT_EQ(server.stubs().size(), 1u);
  EXPECT_EQ(server.stubs()[0].definition.mounted_at.line, line);
  EXPECT_EQ(Json::parse(curl_request("GET", server.url() + "/__mock__/stubs").body)["stubs"][0]["mounted_at"], where);
}

TEST(SourceLocation, StubsFromJsonHaveNoLocationAndAddStubTakesTheCallers) {
  MockServer server;
  StubDefinition definition;
  definition.request.path("/x");
  const int line = __LINE__ + 1;
  (void)server.add_stub(definition);
  EXPECT_EQ(server.stubs()[0].definition.mounted_at.line, line);
  EXPECT_TRUE(StubInfo{}.to_json()["mounted_at"].is_null());
}

}  // namespace
