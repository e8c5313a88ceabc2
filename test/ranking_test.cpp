// Which stub answers when several match: assertive-mock-api's ranking (matched fields, then
// field weights, then path specificity) and mockhttp's tie-break to the newest stub; max_calls.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>
#include <vector>

#include <mockhttp/mockhttp.hpp>

using namespace mockhttp;

namespace {

class Ranking : public ::testing::Test {
 protected:
  std::string get(const std::string& path, const httplib::Headers& headers = {}) {
    auto res = client.Get(path, headers);
    return res ? res->body : "<transport error>";
  }
  MockServer server;
  httplib::Client client{server.host(), server.port()};
};

TEST_F(Ranking, MoreMatchedFieldsWin) {
  server.when_requested_with(Request{}.path("/p").method("GET").header("x-a", "1")).respond_with(200, "three");
  server.when_requested_with(Request{}.path("/p").method("GET")).respond_with(200, "two");
  server.when_requested_with(Request{}.path("/p")).respond_with(200, "one");
  EXPECT_EQ(get("/p", {{"x-a", "1"}}), "three");
  EXPECT_EQ(get("/p"), "two");
}

TEST_F(Ranking, WithEqualCountsHeavierFieldsWinPathThenMethodThenBodyHostQueryHeaders) {
  server.when_requested_with(Request{}.header("x-a", "1")).respond_with(200, "headers");
  server.when_requested_with(Request{}.query("q", "1")).respond_with(200, "query");
  EXPECT_EQ(get("/any?q=1", {{"x-a", "1"}}), "query");  // query 3 > headers 2
  server.when_requested_with(Request{}.host("localhost")).respond_with(200, "host");
  EXPECT_EQ(get("/any?q=1", {{"x-a", "1"}, {"Host", "localhost"}}), "host");  // host 7
  server.when_requested_with(Request{}.method("GET")).respond_with(200, "method");
  EXPECT_EQ(get("/any?q=1", {{"x-a", "1"}, {"Host", "localhost"}}), "method");  // method 37
  server.when_requested_with(Request{}.path("/any")).respond_with(200, "path");
  EXPECT_EQ(get("/any?q=1", {{"x-a", "1"}, {"Host", "localhost"}}), "path");  // path 79
}

TEST_F(Ranking, AMoreLiteralPathBeatsATemplate) {
  server.when_requested_with(Request{}.path("/users/me")).respond_with(200, "me");
  server.when_requested_with(Request{}.path("/users/{id}")).respond_with(200, "by id");
  EXPECT_EQ(get("/users/me"), "me");
  EXPECT_EQ(get("/users/42"), "by id");
}

TEST_F(Ranking, AFullTieGoesToTheNewestStub) {
  server.when_requested_with(Request{}.path("/tie")).respond_with(200, "default");
  EXPECT_EQ(get("/tie"), "default");
  auto override_stub = server.when_requested_with(Request{}.path("/tie")).respond_with(200, "override");
  EXPECT_EQ(get("/tie"), "override");
  override_stub.remove();
  EXPECT_EQ(get("/tie"), "default");
}

TEST_F(Ranking, ACatchAllLosesToAnyRealMatch) {
  server.when_requested_with(Request{}).respond_with(200, "catch-all");
  server.when_requested_with(Request{}.path("/x")).respond_with(200, "x");
  EXPECT_EQ(get("/x"), "x");
  EXPECT_EQ(get("/elsewhere"), "catch-all");
}

TEST_F(Ranking, MaxCallsStopsAStubAndFallsThrough) {
  auto once = server.when_requested_with(Request{}.path("/m").method("GET")).max_calls(1).respond_with(200, "first");
  auto fallback = server.when_requested_with(Request{}.path("/m")).respond_with(200, "fallback");
  EXPECT_EQ(get("/m"), "first");
  EXPECT_EQ(get("/m"), "fallback");
  EXPECT_EQ(get("/m"), "fallback");
  EXPECT_EQ(once.calls(), 1);
  EXPECT_EQ(fallback.calls(), 2);
}

TEST_F(Ranking, OnlyTheWinnerCountsACall) {
  auto strong = server.when_requested_with(Request{}.path("/w").method("GET")).respond_with(200, "strong");
  auto weak = server.when_requested_with(Request{}.path("/w")).max_calls(1).respond_with(200, "weak");
  EXPECT_EQ(get("/w"), "strong");
  EXPECT_EQ(weak.calls(), 0);  // assertive-mock-api would have used it up here
  strong.remove();
  EXPECT_EQ(get("/w"), "weak");
}

TEST_F(Ranking, MaxCallsZeroNeverMatchesAndNegativeIsRefused) {
  server.when_requested_with(Request{}.path("/z")).max_calls(0).respond_with(200);
  EXPECT_EQ(client.Get("/z")->status, 404);
  EXPECT_THROW((void)server.when_requested_with(Request{}.path("/z")).max_calls(-1), StubError);
}

TEST_F(Ranking, MaxCallsHoldsUnderConcurrentRequests) {
  auto limited = server.when_requested_with(Request{}.path("/limited")).max_calls(5).respond_with(200, "ok");
  std::atomic<int> ok{0}, missed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      httplib::Client c(server.host(), server.port());
      for (int i = 0; i < 5; ++i) {
        auto res = c.Get("/limited");
        if (res && res->status == 200) ++ok;
        if (res && res->status == 404) ++missed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 5);
  EXPECT_EQ(missed.load(), 35);
  EXPECT_EQ(limited.calls(), 5);
}

}  // namespace
