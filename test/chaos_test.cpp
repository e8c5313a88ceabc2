// Chaos over real sockets: latency (base and jitter), each transport fault as libcurl and
// cpp-httplib's client see it, fault probabilities, seeded replay, and rejected values.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <thread>

#include <mockhttp/mockhttp.hpp>

#include "support/curl_client.hpp"

using namespace mockhttp;
using mockhttp::test::curl_request;
using Clock = std::chrono::steady_clock;

namespace {

std::int64_t elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

// The delays the server drew, in journal order.
std::vector<std::int64_t> drawn_delays(const MockServer& server) {
  std::vector<std::int64_t> delays;
  for (const auto& request : server.requests()) {
    if (request.chaos) delays.push_back(request.chaos->delay.count());
  }
  return delays;
}

TEST(ChaosLatency, ABaseDelayHoldsTheResponseAtLeastThatLong) {
  MockServer server;
  server.when_requested_with(Request{}.path("/slow")).with_latency(150).respond_with(200, "late");
  const auto start = Clock::now();
  const auto res = curl_request("GET", server.url() + "/slow");
  const auto took = elapsed_ms(start);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "late");
  EXPECT_GE(took, 150);
  EXPECT_LT(took, 150 + 5000) << "generous: the delay must end";
  ASSERT_EQ(drawn_delays(server), std::vector<std::int64_t>{150});
}

TEST(ChaosLatency, JitterDrawsSpanTheWholeRangeWithAFixedSeed) {
  ServerOptions options;
  options.seed = 42;
  MockServer server(options);
  server.when_requested_with(Request{}.path("/jitter")).with_latency(2, 10).respond_with(200);
  httplib::Client client(server.host(), server.port());
  for (int i = 0; i < 200; ++i) ASSERT_EQ(client.Get("/jitter")->status, 200);

  const auto delays = drawn_delays(server);
  ASSERT_EQ(delays.size(), 200u);
  std::map<std::int64_t, int> histogram;
  for (auto d : delays) ++histogram[d];
  EXPECT_EQ(histogram.begin()->first, 2) << "the base is the lower end";
  EXPECT_EQ(histogram.rbegin()->first, 12) << "base + jitter is the upper end, inclusive";
  EXPECT_EQ(histogram.size(), 11u) << "every whole millisecond in [2, 12] is drawn";
  // Uniform: 200 draws over 11 values is ~18 each; none is starved or dominant.
  for (const auto& [delay, count] : histogram) {
    EXPECT_GE(count, 5) << delay;
    EXPECT_LE(count, 40) << delay;
  }
  double mean = 0;
  for (auto d : delays) mean += static_cast<double>(d) / delays.size();
  EXPECT_NEAR(mean, 7.0, 1.0);
}

TEST(ChaosLatency, TheSameSeedReplaysTheSameDelaysAndDrops) {
  const auto run = [](std::uint64_t seed) {
    MockServer server;
    server.set_seed(seed);
    server.when_requested_with(Request{}.path("/x"))
        .with_latency(0, 5)
        .with_connection_drop(0.5)
        .respond_with(200, "body");
    for (int i = 0; i < 30; ++i) curl_request("GET", server.url() + "/x");
    std::vector<std::pair<std::int64_t, bool>> draws;
    for (const auto& r : server.requests()) draws.emplace_back(r.chaos->delay.count(), r.chaos->fault.has_value());
    return draws;
  };
  const auto first = run(7), again = run(7), other = run(8);
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
}

TEST(ChaosLatency, DelayedRequestsDoNotQueueBehindEachOther) {
  // Behaviour, not speed: while one request sleeps in a 1 s latency, a request to another stub
  // is answered (the journal shows the slow one still unanswered when the fast one returns).
  MockServer server;
  server.when_requested_with(Request{}.path("/slow")).with_latency(1000).respond_with(200, "slow");
  server.when_requested_with(Request{}.path("/fast")).respond_with(200, "fast");
  std::thread slow([&] { EXPECT_EQ(curl_request("GET", server.url() + "/slow").body, "slow"); });
  while (server.requests().empty()) std::this_thread::yield();
  const auto fast = curl_request("GET", server.url() + "/fast");
  EXPECT_EQ(fast.body, "fast");
  slow.join();
}

TEST(ChaosLatency, StoppingTheServerWakesARequestSleepingInItsLatency) {
  auto server = std::make_unique<MockServer>();
  server->when_requested_with(Request{}.path("/forever")).with_latency(600000).respond_with(200, "never");
  test::CurlResult result;
  std::thread client([&] { result = curl_request("GET", server->url() + "/forever"); });
  while (server->requests().empty()) std::this_thread::yield();
  server.reset();  // would wait ten minutes if the sleep were not interrupted
  client.join();
  EXPECT_NE(result.body, "never");
  if (result.code == CURLE_OK) {
    EXPECT_EQ(result.status, 503);
  }
}

TEST(ChaosValidation, OutOfRangeValuesAreRejectedAtStubCreationNamingTheField) {
  MockServer server;
  const auto message_of = [&](auto&& make) -> std::string {
    try {
      make();
    } catch (const StubError& e) {
      return e.what();
    }
    return "no error";
  };
  const Request r = Request{}.path("/x");
  EXPECT_EQ(message_of([&] { (void)server.when_requested_with(r).with_latency(-1); }),
            "chaos.latency.base_ms must be >= 0, got -1");
  EXPECT_EQ(message_of([&] { (void)server.when_requested_with(r).with_latency(10, -5); }),
            "chaos.latency.jitter_ms must be >= 0, got -5");
  EXPECT_EQ(message_of([&] { (void)server.when_requested_with(r).with_connection_drop(1.5); }),
            "chaos.faults.connection_drop.probability must be in [0, 1], got 1.5");
  EXPECT_EQ(message_of([&] { (void)server.when_requested_with(r).with_connection_drop(-0.1); }),
            "chaos.faults.connection_drop.probability must be in [0, 1], got -0.1");
  EXPECT_EQ(message_of([&] { (void)server.when_requested_with(r).with_connection_drop(std::nan("")); }),
            "chaos.faults.connection_drop.probability must be in [0, 1], got NaN");
  EXPECT_EQ(message_of([&] { (void)server.when_requested_with(r).with_fault(FaultKind::connection_reset, 2); }),
            "chaos.faults.connection_reset.probability must be in [0, 1], got 2.0");
  EXPECT_EQ(message_of([&] { (void)server.when_requested_with(r).with_dribble(0, 100); }),
            "chaos.dribble.chunks must be >= 1, got 0");
  // A whole definition is checked the same way when it is mounted.
  StubDefinition definition;
  definition.chaos.latency = Latency{5, -1};
  EXPECT_EQ(message_of([&] { server.add_stub(definition); }), "chaos.latency.jitter_ms must be >= 0, got -1");
  EXPECT_TRUE(server.stubs().empty()) << "nothing half-created";
}

TEST(ChaosValidation, ChaosIsPartOfTheStubsWireForm) {
  MockServer server;
  server.when_requested_with(Request{}.path("/c")).with_latency(100, 50).with_connection_drop(0.35).respond_with(200);
  const auto wire = server.stubs().at(0).to_json();
  EXPECT_EQ(wire["chaos"], nlohmann::json::parse(R"({"latency": {"base_ms": 100, "jitter_ms": 50},
      "faults": {"connection_drop": {"probability": 0.35}}})"));
}

class ChaosFaults : public ::testing::Test {
 protected:
  MockServer server;
  void stub_fault(const std::string& path, FaultKind kind) {
    server.when_requested_with(Request{}.path(path))
        .with_fault(kind)
        .respond_with(200, std::string(4096, 'b'), {{"Content-Type", "text/plain"}});
  }
  httplib::Result httplib_get(const std::string& path) {
    httplib::Client client(server.host(), server.port());
    client.set_read_timeout(10, 0);
    return client.Get(path);
  }
};

TEST_F(ChaosFaults, ConnectionDropCutsTheBodyShort) {
  server.when_requested_with(Request{}.path("/drop"))
      .with_connection_drop(1.0)
      .respond_with(200, std::string(1000, 'd'), {{"Content-Type", "text/plain"}});
  const auto res = curl_request("GET", server.url() + "/drop");
  EXPECT_EQ(res.code, CURLE_PARTIAL_FILE) << curl_easy_strerror(res.code);
  EXPECT_EQ(res.status, 200) << "the status line and headers arrive";
  EXPECT_EQ(res.body, std::string(500, 'd')) << "then half the body";
  EXPECT_FALSE(httplib_get("/drop")) << "cpp-httplib's client must fail, never a clean 200";
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[0].chaos->fault, FaultKind::connection_drop);
}

TEST_F(ChaosFaults, ConnectionDropOfAnEmptyBodyStillFails) {
  server.when_requested_with(Request{}.path("/empty")).with_connection_drop(1.0).respond_with(200, "");
  EXPECT_EQ(curl_request("GET", server.url() + "/empty").code, CURLE_PARTIAL_FILE);
}

TEST_F(ChaosFaults, EmptyResponseClosesBeforeAnyByte) {
  stub_fault("/empty", FaultKind::empty_response);
  const auto res = curl_request("GET", server.url() + "/empty");
  EXPECT_EQ(res.code, CURLE_GOT_NOTHING) << curl_easy_strerror(res.code);
  EXPECT_EQ(res.status, 0);
  EXPECT_FALSE(httplib_get("/empty"));
}

TEST_F(ChaosFaults, ConnectionResetIsARecvError) {
  stub_fault("/reset", FaultKind::connection_reset);
  const auto res = curl_request("GET", server.url() + "/reset");
  EXPECT_EQ(res.code, CURLE_RECV_ERROR) << curl_easy_strerror(res.code);
  EXPECT_EQ(res.status, 0);
  EXPECT_FALSE(httplib_get("/reset"));
}

TEST_F(ChaosFaults, MalformedChunkIsAnEncodingError) {
  stub_fault("/chunk", FaultKind::malformed_chunk);
  const auto res = curl_request("GET", server.url() + "/chunk");
  EXPECT_EQ(res.code, CURLE_RECV_ERROR) << curl_easy_strerror(res.code);
  EXPECT_EQ(res.status, 200);
  EXPECT_FALSE(httplib_get("/chunk"));
}

TEST_F(ChaosFaults, RandomDataIsNotAnHttpResponse) {
  stub_fault("/garbage", FaultKind::random_data_then_close);
  const auto res = curl_request("GET", server.url() + "/garbage");
  EXPECT_EQ(res.code, CURLE_UNSUPPORTED_PROTOCOL) << curl_easy_strerror(res.code);
  EXPECT_FALSE(httplib_get("/garbage"));
}

TEST_F(ChaosFaults, TheServerKeepsServingAfterEveryFault) {
  for (auto kind : {FaultKind::connection_drop, FaultKind::empty_response, FaultKind::connection_reset,
                    FaultKind::malformed_chunk, FaultKind::random_data_then_close}) {
    stub_fault("/f/" + fault_name(kind), kind);
    EXPECT_NE(curl_request("GET", server.url() + "/f/" + fault_name(kind)).code, CURLE_OK) << fault_name(kind);
  }
  server.when_requested_with(Request{}.path("/healthy")).respond_with(200, "fine");
  httplib::Client client(server.host(), server.port());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client.Get("/healthy")->body, "fine");
  EXPECT_EQ(server.requests().size(), 10u);
}

TEST_F(ChaosFaults, DribbleDeliversTheWholeBodyInChunksOverTheDuration) {
  const std::string body = "0123456789abcdefghij";
  server.when_requested_with(Request{}.path("/dribble")).with_dribble(5, 250).respond_with(200, body);
  httplib::Client client(server.host(), server.port());
  std::vector<std::string> pieces;
  const auto start = Clock::now();
  auto res = client.Get("/dribble", [&](const char* data, std::size_t length) {
    pieces.emplace_back(data, length);
    return true;
  });
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  std::string joined;
  for (const auto& p : pieces) joined += p;
  EXPECT_EQ(joined, body);
  EXPECT_GE(pieces.size(), 2u) << "arrives in more than one read";
  EXPECT_GE(elapsed_ms(start), 250) << "spread over the duration";
  EXPECT_EQ(curl_request("GET", server.url() + "/dribble").body, body);
}

// Probabilities: one request per connection, so each draw is a fresh attempt.
int drops_out_of(MockServer& server, const std::string& path, int attempts) {
  int dropped = 0;
  for (int i = 0; i < attempts; ++i) dropped += curl_request("GET", server.url() + path).code != CURLE_OK ? 1 : 0;
  return dropped;
}

TEST(ChaosProbability, ZeroNeverDropsAndOneAlwaysDrops) {
  MockServer server;
  server.when_requested_with(Request{}.path("/never")).with_connection_drop(0.0).respond_with(200, "ok");
  server.when_requested_with(Request{}.path("/always")).with_connection_drop(1.0).respond_with(200, "ok");
  EXPECT_EQ(drops_out_of(server, "/never", 100), 0);
  EXPECT_EQ(drops_out_of(server, "/always", 100), 100);
}

TEST(ChaosProbability, ThirtyFivePercentDropsWithinBinomialTolerance) {
  ServerOptions options;
  options.seed = 20261125;
  MockServer server(options);
  server.when_requested_with(Request{}.path("/flaky")).with_connection_drop(0.35).respond_with(200, "ok");
  constexpr int kAttempts = 400;
  const int dropped = drops_out_of(server, "/flaky", kAttempts);
  // Binomial(400, 0.35): mean 140, standard deviation 9.5; four deviations either way.
  EXPECT_NEAR(dropped, 140, 38);
  int recorded = 0;
  for (const auto& r : server.requests()) recorded += r.chaos->fault ? 1 : 0;
  EXPECT_EQ(recorded, dropped) << "the journal says which requests were dropped";
}

TEST(ChaosProbability, AFailedVerificationPrintsTheSeed) {
  ServerOptions options;
  options.seed = 987654321;
  MockServer server(options);
  server.when_requested_with(Request{}.path("/flaky")).with_connection_drop(0.5).respond_with(200);
  const auto verification = server.confirm_request(Request{}.path("/flaky"), 3);
  EXPECT_FALSE(verification);
  EXPECT_NE(verification.report().find("chaos seed 987654321"), std::string::npos) << verification.report();
  EXPECT_EQ(server.seed(), 987654321u);
}

// Durations in the C++ model are std::chrono; only the wire form says _ms (or seconds, for a
// proxy's timeout), and it is unchanged.
TEST(ChaosModel, DurationsAreChronoAndTheWireKeepsItsNames) {
  Chaos chaos;
  chaos.latency = Latency{std::chrono::milliseconds(40), std::chrono::milliseconds(10)};
  EXPECT_EQ(chaos.to_json()["latency"], (nlohmann::json{{"base_ms", 40}, {"jitter_ms", 10}}));
  const Chaos read = Chaos::from_json(
      {{"latency", {{"distribution", "lognormal"}, {"median_ms", 80}, {"sigma", 0.5}, {"max_ms", 2000}}}});
  EXPECT_EQ(read.latency->median, std::chrono::milliseconds(80));
  EXPECT_EQ(read.latency->max, std::chrono::seconds(2));
  EXPECT_EQ(Latency(25).base, std::chrono::milliseconds(25)) << "an integer is milliseconds";

  const ProxyTarget target{"http://127.0.0.1:9/", {}, std::chrono::seconds(3)};
  EXPECT_EQ(target.to_json()["timeout"], 3);
  EXPECT_EQ(ProxyTarget::from_json({{"url", "http://127.0.0.1:9/"}, {"timeout", 7}}).timeout, std::chrono::seconds(7));

  MockServer server;
  server.set_seed(1);
  (void)server.when_requested_with(Request{}.path("/slow"))
      .with_latency(std::chrono::milliseconds(5))
      .respond_with(200);
  ASSERT_EQ(curl_request("GET", server.url() + "/slow").status, 200);
  const std::vector<RecordedRequest> requests = server.requests();
  ASSERT_TRUE(requests.at(0).chaos.has_value());
  EXPECT_EQ(requests[0].chaos->delay, std::chrono::milliseconds(5));
  EXPECT_EQ(requests[0].to_json()["chaos"]["delay_ms"], 5);
}

}  // namespace
