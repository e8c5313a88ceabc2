// Response sequences and stateful scenarios over real sockets: answers in turn, cycling,
// scenario steps and transitions (one winner under concurrency), per-scope state, the journal's
// record of each move, near-miss reports and the /__mock__ wire form.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>
#include <vector>

#include <mockhttp/mockhttp.hpp>

#include "support/control_server.hpp"
#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;
using mockhttp::test::curl_request;

namespace {

std::vector<int> statuses_of(const std::string& url, int count) {
  std::vector<int> statuses;
  for (int i = 0; i < count; ++i) statuses.push_back(static_cast<int>(curl_request("GET", url).status));
  return statuses;
}

TEST(ResponseSequence, AnswersInTurnThenRepeatsTheLast) {
  MockServer server;
  server.when_requested_with(Request{}.path("/flaky"))
      .respond_with_sequence({Response(503), Response(503), Response(200).body("ok")});
  EXPECT_EQ(statuses_of(server.url() + "/flaky", 5), (std::vector<int>{503, 503, 200, 200, 200}));
  EXPECT_EQ(curl_request("GET", server.url() + "/flaky").body, "ok");
}

TEST(ResponseSequence, CycleStartsAgainFromTheFirst) {
  MockServer server;
  server.when_requested_with(Request{}.path("/round"))
      .respond_with_sequence({Response(200), Response(201), Response(202)}, SequenceEnd::cycle);
  EXPECT_EQ(statuses_of(server.url() + "/round", 7), (std::vector<int>{200, 201, 202, 200, 201, 202, 200}));
}

TEST(ResponseSequence, TemplatesInASequenceAreRenderedPerRequest) {
  MockServer server;
  server.when_requested_with(Request{}.path("/hi"))
      .respond_with_sequence({Response(200).template_body("first {{ request.query.name }}"),
                              Response(200).template_body("then {{ request.query.name }}")});
  EXPECT_EQ(curl_request("GET", server.url() + "/hi?name=Ada").body, "first Ada");
  EXPECT_EQ(curl_request("GET", server.url() + "/hi?name=Bob").body, "then Bob");
}

TEST(ResponseSequence, ConcurrentRequestsEachGetADifferentResponse) {
  MockServer server;
  std::vector<Response> responses;
  for (int i = 0; i < 40; ++i) responses.push_back(Response(200).body(std::to_string(i)));
  server.when_requested_with(Request{}.path("/n")).respond_with_sequence(responses);
  std::vector<std::string> bodies(40);
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      httplib::Client client(server.host(), server.port());
      for (int i = t; i < 40; i += 4) bodies[i] = client.Get("/n")->body;
    });
  }
  for (auto& client : clients) client.join();
  std::sort(bodies.begin(), bodies.end(),
            [](const std::string& a, const std::string& b) { return std::stoi(a) < std::stoi(b); });
  for (int i = 0; i < 40; ++i) EXPECT_EQ(bodies[i], std::to_string(i));
}

TEST(ResponseSequence, AnEmptySequenceIsRefused) {
  MockServer server;
  EXPECT_THROW((void)server.when_requested_with(Request{}.path("/x")).respond_with_sequence({}), StubError);
  EXPECT_TRUE(server.stubs().empty());
}

class CheckoutScenario : public ::testing::Test {
 protected:
  void mount_checkout() {
    server.when_requested_with(Request{}.method("GET").path("/order"))
        .in_scenario("checkout")
        .when_state(kScenarioStarted)
        .respond_with_json(200, {{"status", "open"}});
    server.when_requested_with(Request{}.method("POST").path("/pay"))
        .in_scenario("checkout")
        .when_state(kScenarioStarted)
        .will_set_state("Paid")
        .respond_with(201, "paid");
    server.when_requested_with(Request{}.method("GET").path("/order"))
        .in_scenario("checkout")
        .when_state("Paid")
        .respond_with_json(200, {{"status", "paid"}});
  }
  MockServer server;
};

TEST_F(CheckoutScenario, AStepMovesTheScenarioAndLaterStubsSeeTheNewState) {
  mount_checkout();
  EXPECT_EQ(server.scenario_state("checkout"), "Started");
  EXPECT_EQ(Json::parse(curl_request("GET", server.url() + "/order").body)["status"], "open");
  EXPECT_EQ(curl_request("POST", server.url() + "/pay", "{}").status, 201);
  EXPECT_EQ(server.scenario_state("checkout"), "Paid");
  EXPECT_EQ(Json::parse(curl_request("GET", server.url() + "/order").body)["status"], "paid");
  // The pay stub wants "Started": a second payment finds no stub.
  EXPECT_EQ(curl_request("POST", server.url() + "/pay", "{}").status, 404);
}

TEST_F(CheckoutScenario, TheJournalRecordsEachTransition) {
  mount_checkout();
  (void)curl_request("GET", server.url() + "/order");
  (void)curl_request("POST", server.url() + "/pay", "{}");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_FALSE(requests[0].scenario);
  ASSERT_TRUE(requests[1].scenario);
  EXPECT_EQ(requests[1].scenario->scenario, "checkout");
  EXPECT_EQ(requests[1].scenario->from, "Started");
  EXPECT_EQ(requests[1].scenario->to, "Paid");
  EXPECT_EQ(requests[1].to_json()["scenario"], (Json{{"name", "checkout"}, {"from", "Started"}, {"to", "Paid"}}));
}

TEST_F(CheckoutScenario, TheNearMissReportSaysWhichStateTheScenarioIsIn) {
  mount_checkout();
  server.set_scenario_state("checkout", "Shipped");
  const auto res = curl_request("POST", server.url() + "/pay", "{}");
  ASSERT_EQ(res.status, 404);
  const Json body = Json::parse(res.body);
  EXPECT_NE(body["report"].get<std::string>().find("scenario checkout is in state Shipped, stub wants Started"),
            std::string::npos)
      << body["report"];
  EXPECT_EQ(body["closest_stubs"][0]["mismatches"][0]["field"], "scenario");
}

TEST_F(CheckoutScenario, ResetScenariosAndResetPutEveryScenarioBackToStarted) {
  mount_checkout();
  (void)curl_request("POST", server.url() + "/pay", "{}");
  server.reset_scenarios();
  EXPECT_EQ(server.scenario_state("checkout"), "Started");
  EXPECT_EQ(curl_request("POST", server.url() + "/pay", "{}").status, 201);
  server.reset();
  EXPECT_EQ(server.scenario_state("checkout"), "Started");
}

TEST_F(CheckoutScenario, OfManyConcurrentRequestsExactlyOneWinsTheTransition) {
  mount_checkout();
  std::atomic<int> paid{0}, missed{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&] {
      httplib::Client client(server.host(), server.port());
      for (int i = 0; i < 5; ++i) {
        const auto res = client.Post("/pay", "{}", "application/json");
        (res && res->status == 201 ? paid : missed)++;
      }
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(paid.load(), 1);
  EXPECT_EQ(missed.load(), 39);
  EXPECT_EQ(server.scenario_state("checkout"), "Paid");
}

TEST_F(CheckoutScenario, EachScopeWalksItsOwnScenarioThroughGlobalStubs) {
  mount_checkout();
  Scope alice = server.new_scope("alice");
  Scope bob = server.new_scope("bob");
  EXPECT_EQ(curl_request("POST", server.url() + "/pay", "{}", {"alice: 1"}).status, 201);
  EXPECT_EQ(alice.scenario_state("checkout"), "Paid");
  EXPECT_EQ(bob.scenario_state("checkout"), "Started");
  EXPECT_EQ(server.scenario_state("checkout"), "Started");
  EXPECT_EQ(Json::parse(curl_request("GET", server.url() + "/order", "", {"bob: 1"}).body)["status"], "open");
  EXPECT_EQ(Json::parse(curl_request("GET", server.url() + "/order", "", {"alice: 1"}).body)["status"], "paid");
  alice.reset_scenarios();
  EXPECT_EQ(alice.scenario_state("checkout"), "Started");
}

TEST(Scenario, BuilderStepsNeedAScenarioNameFirst) {
  MockServer server;
  EXPECT_THROW((void)server.when_requested_with(Request{}).when_state("Paid"), StubError);
  EXPECT_THROW((void)server.when_requested_with(Request{}).will_set_state("Paid"), StubError);
  EXPECT_THROW((void)server.when_requested_with(Request{}).in_scenario(""), StubError);
}

class ScenarioWire : public ::testing::Test {
 protected:
  MockServer server{test::with_control_surfaces()};
  mockhttp::test::CurlResult call(const std::string& method, const std::string& path, const Json& body = nullptr,
                                  std::vector<std::string> headers = {}) {
    headers.push_back("Content-Type: application/json");
    return curl_request(method, server.url() + path, body.is_null() ? "" : body.dump(), headers);
  }
};

TEST_F(ScenarioWire, SequenceAndScenarioStubsOverTheAdminApi) {
  ASSERT_EQ(
      call("POST", "/__mock__/stubs",
           {{"request", {{"path", "/retry"}}},
            {"action",
             {{"sequence",
               {{"responses", {{{"status_code", 503}, {"body", ""}}, {{"status_code", 200}, {"body", "ok"}}}}}}}}})
          .status,
      200);
  ASSERT_EQ(call("POST", "/__mock__/stubs",
                 {{"request", {{"path", "/pay"}}},
                  {"scenario", {{"name", "checkout"}, {"when_state", "Started"}, {"will_set_state", "Paid"}}},
                  {"action", {{"response", {{"status_code", 201}, {"body", "paid"}}}}}})
                .status,
            200);
  EXPECT_EQ(statuses_of(server.url() + "/retry", 3), (std::vector<int>{503, 200, 200}));
  EXPECT_EQ(curl_request("GET", server.url() + "/pay").status, 201);
  EXPECT_EQ(Json::parse(call("GET", "/__mock__/scenarios").body)["scenarios"], (Json{{"checkout", "Paid"}}));
  EXPECT_EQ(call("PUT", "/__mock__/scenarios/checkout", {{"state", "Started"}}).status, 200);
  EXPECT_EQ(server.scenario_state("checkout"), "Started");
  EXPECT_EQ(curl_request("GET", server.url() + "/pay").status, 201);
  EXPECT_EQ(call("POST", "/__mock__/scenarios/reset").status, 200);
  EXPECT_EQ(server.scenario_state("checkout"), "Started");
  const Json listed = Json::parse(call("GET", "/__mock__/stubs").body)["stubs"];
  EXPECT_EQ(listed[1]["scenario"]["will_set_state"], "Paid");
  EXPECT_EQ(listed[0]["action"]["sequence"]["responses"].size(), 2u);
}

TEST_F(ScenarioWire, BadSequencesAndScenariosAre422sNamingTheField) {
  const auto empty = call("POST", "/__mock__/stubs",
                          {{"request", Json::object()}, {"action", {{"sequence", {{"responses", Json::array()}}}}}});
  EXPECT_EQ(empty.status, 422) << empty.body;
  EXPECT_EQ(Json::parse(empty.body)["path"], "/action/sequence/responses") << empty.body;
  const auto nameless = call("POST", "/__mock__/stubs",
                             {{"request", Json::object()},
                              {"scenario", {{"when_state", "Paid"}}},
                              {"action", {{"response", {{"status_code", 200}, {"body", ""}}}}}});
  EXPECT_EQ(nameless.status, 422) << nameless.body;
  EXPECT_EQ(Json::parse(nameless.body)["path"], "/scenario/name") << nameless.body;
  const auto callback = call("POST", "/__mock__/stubs",
                             {{"request", Json::object()}, {"action", {{"callback", {{"description", "x"}}}}}});
  EXPECT_EQ(callback.status, 422) << callback.body;
  const auto state = call("PUT", "/__mock__/scenarios/checkout", {{"state", 3}});
  EXPECT_EQ(state.status, 422) << state.body;
  EXPECT_TRUE(server.stubs().empty());
}

}  // namespace
