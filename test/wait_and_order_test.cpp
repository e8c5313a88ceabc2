// Waiting for requests from asynchronous clients, and ordered verification: wait_for woken by
// the journal (a client thread, a timeout with the near-miss report, a stopping server),
// confirm_sequence and ReceivedInOrder with journal indices, and their /__mock__ forms.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <future>
#include <thread>

#include <mockhttp/gtest.hpp>

#include "support/control_server.hpp"
#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;
using mockhttp::test::curl_request;

namespace wait_and_order {

bool says(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(WaitFor, ReturnsOnceAnotherThreadsRequestsArrive) {
  MockServer server;
  server.when_requested_with(Request{}.path("/events")).respond_with(202);
  std::promise<void> go;
  std::thread client([&server, started = go.get_future()]() mutable {
    started.wait();
    httplib::Client http(server.host(), server.port());
    for (int i = 0; i < 3; ++i) (void)http.Post("/events", "{}", "application/json");
  });
  go.set_value();
  const Verification verification =
      server.wait_for(Request{}.method("POST").path("/events"), 3, std::chrono::seconds(30));
  client.join();
  EXPECT_TRUE(verification) << verification;
  EXPECT_EQ(verification.matching_requests(), 3u);
}

TEST(WaitFor, ReturnsAtOnceWhenTheJournalAlreadyHoldsThem) {
  MockServer server;
  (void)curl_request("GET", server.url() + "/done");
  EXPECT_TRUE(server.wait_for(Request{}.path("/done"), 1, std::chrono::milliseconds(0)));
}

// A plain number is an exact count (docs/verification.md#counts): with 2 already journaled,
// "exactly 1" can never hold again, so the wait ends at once instead of at its timeout (a two
// minute one here: a wait that did not end at once would say "Waited 120000 ms").
TEST(WaitFor, AnExactCountAlreadyPassedFailsAtOnceAndSaysHowToWaitForAtLeast) {
  MockServer server;
  (void)curl_request("GET", server.url() + "/done");
  (void)curl_request("GET", server.url() + "/done");
  const Verification verification = server.wait_for(Request{}.path("/done"), 1, std::chrono::minutes(2));
  EXPECT_FALSE(verification);
  EXPECT_EQ(verification.matching_requests(), 2u);
  EXPECT_TRUE(
      says(verification.report(), "Stopped waiting at once: more requests matched than exactly 1 time(s) allows"))
      << verification;
  EXPECT_TRUE(says(verification.report(), "write gte(1)")) << verification;
  EXPECT_TRUE(
      says(verification.report(), "Requests that matched:\n  1. GET /done [request #1]\n  2. GET /done [request #2]"))
      << verification;
  EXPECT_TRUE(server.wait_for(Request{}.path("/done"), gte(1), std::chrono::minutes(2))) << "at least one is there";
  const Verification at_most = server.wait_for(Request{}.path("/done"), lte(1) || 5, std::chrono::milliseconds(10));
  EXPECT_FALSE(says(at_most.report(), "Stopped waiting at once")) << "5 can still come: " << at_most;
}

TEST(WaitFor, ACriteriaThatCanNoLongerHoldFailsAtOnce) {
  MockServer server;
  for (int i = 0; i < 4; ++i) (void)curl_request("GET", server.url() + "/job");
  const Verification verification = server.wait_for(Request{}.path("/job"), between(1, 3), std::chrono::minutes(2));
  EXPECT_FALSE(verification);
  EXPECT_TRUE(says(verification.report(), "Stopped waiting at once")) << verification;
  EXPECT_FALSE(says(verification.report(), "write gte(")) << "only a plain number gets the hint: " << verification;
}

TEST(ConfirmRequest, TooManyMatchesListsTheRequestsThatMatchedNotTheNearMisses) {
  MockServer server;
  (void)curl_request("POST", server.url() + "/pay", "{}");
  (void)curl_request("POST", server.url() + "/pay", "{}");
  (void)curl_request("GET", server.url() + "/other");
  const Verification verification = server.confirm_request(Request{}.method("POST").path("/pay"), 1);
  EXPECT_FALSE(verification);
  EXPECT_TRUE(
      says(verification.report(), "Requests that matched:\n  1. POST /pay [request #1]\n  2. POST /pay [request #2]"))
      << verification;
  EXPECT_FALSE(says(verification.report(), "/other")) << verification;
}

TEST(WaitFor, ATimeoutGivesTheNearMissReport) {
  MockServer server;
  (void)curl_request("GET", server.url() + "/evnts");
  const Verification verification = server.wait_for(Request{}.path("/events"), gte(1), std::chrono::milliseconds(50));
  EXPECT_FALSE(verification);
  EXPECT_TRUE(says(verification.report(), "Waited 50 ms")) << verification;
  EXPECT_TRUE(says(verification.report(), "Closest requests that did not match")) << verification;
  EXPECT_TRUE(says(verification.report(), "GET /evnts")) << verification;
}

TEST(WaitFor, AScopeWaitsForItsOwnRequests) {
  MockServer server;
  Scope scope = server.new_scope("async");
  std::thread client([&] {
    (void)curl_request("GET", server.url() + "/job");  // global: not the scope's
    (void)curl_request("GET", server.url() + "/job", "", {"async: 1"});
  });
  const Verification verification = scope.wait_for(Request{}.path("/job"), 1, std::chrono::seconds(30));
  client.join();
  EXPECT_TRUE(verification) << verification;
}

TEST(WaitFor, AStoppingServerWakesTheWaiter) {
  MockServer server;
  auto waited = std::async(
      std::launch::async, [&server] { return server.wait_for(Request{}.path("/never"), 1, std::chrono::seconds(60)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  server.stop();
  const Verification verification = waited.get();
  EXPECT_FALSE(verification);
  EXPECT_TRUE(says(verification.report(), "The server stopped while waiting")) << verification;
}

class Ordered : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* call : {"GET /cart", "GET /health", "POST /pay", "GET /receipt"}) {
      const std::string text(call);
      const auto space = text.find(' ');
      (void)curl_request(text.substr(0, space), server.url() + text.substr(space + 1), text[0] == 'P' ? "{}" : "");
    }
  }
  MockServer server;
};

TEST_F(Ordered, RequestsInOrderWithOthersBetweenPass) {
  const Verification verification = server.confirm_sequence(
      {Request{}.path("/cart"), Request{}.method("POST").path("/pay"), Request{}.path("/receipt")});
  EXPECT_TRUE(verification) << verification;
  EXPECT_TRUE(says(verification.report(), "-> request #3")) << verification;
  EXPECT_THAT(server, ReceivedInOrder(Request{}.path("/cart"), Request{}.path("/pay")));
}

TEST_F(Ordered, AFailureNamesTheFirstRequestOutOfOrderByJournalIndex) {
  const Verification verification = server.confirm_sequence({Request{}.path("/pay"), Request{}.path("/cart")});
  EXPECT_FALSE(verification);
  EXPECT_EQ(verification.matching_requests(), 1u);
  EXPECT_TRUE(says(verification.report(), "step 2 found no request after request #3")) << verification;
  EXPECT_TRUE(
      says(verification.report(), "Out of order: request #1 GET /cart matches step 2 but came before request #3"))
      << verification;
}

TEST_F(Ordered, ReceivedInOrderExplainsTheFailure) {
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(server, ReceivedInOrder(Request{}.path("/receipt"), Request{}.path("/cart"))),
                          "Out of order: request #1 GET /cart");
}

TEST_F(Ordered, AStepNoRequestMatchedListsTheClosest) {
  const Verification verification = server.confirm_sequence({Request{}.path("/cart"), Request{}.path("/refund")});
  EXPECT_FALSE(verification);
  EXPECT_FALSE(says(verification.report(), "Out of order")) << verification;
  EXPECT_TRUE(says(verification.report(), "Closest requests after #1 that did not match step 2")) << verification;
}

TEST(OrderAndWaitWire, AssertSequenceAndWaitOverTheAdminApi) {
  MockServer server{test::with_control_surfaces()};
  (void)curl_request("GET", server.url() + "/a");
  (void)curl_request("GET", server.url() + "/b");
  const auto post = [&](const std::string& path, const Json& body) {
    return curl_request("POST", server.url() + path, body.dump(), {"Content-Type: application/json"});
  };
  Json verdict =
      Json::parse(post("/__mock__/assert_sequence", {{"requests", {{{"path", "/a"}}, {{"path", "/b"}}}}}).body);
  EXPECT_EQ(verdict["result"], true) << verdict;
  verdict = Json::parse(post("/__mock__/assert_sequence", {{"requests", {{{"path", "/b"}}, {{"path", "/a"}}}}}).body);
  EXPECT_EQ(verdict["result"], false);
  EXPECT_TRUE(says(verdict["report"].get<std::string>(), "Out of order: request #1 GET /a")) << verdict;

  std::thread late([&] { (void)curl_request("GET", server.url() + "/c"); });
  verdict = Json::parse(post("/__mock__/wait", {{"path", "/c"}, {"times", 1}, {"timeout_ms", 30000}}).body);
  late.join();
  EXPECT_EQ(verdict["result"], true) << verdict;
  verdict = Json::parse(post("/__mock__/wait", {{"path", "/d"}, {"timeout_ms", 10}}).body);
  EXPECT_EQ(verdict["result"], false);
  EXPECT_TRUE(says(verdict["report"].get<std::string>(), "Waited 10 ms")) << verdict;

  const auto too_long = post("/__mock__/wait", {{"path", "/d"}, {"timeout_ms", 600000}});
  EXPECT_EQ(too_long.status, 422) << too_long.body;
  EXPECT_EQ(Json::parse(too_long.body)["path"], "/timeout_ms") << too_long.body;
  EXPECT_EQ(post("/__mock__/assert_sequence", {{"requests", Json::array()}}).status, 422);
}

}  // namespace wait_and_order
