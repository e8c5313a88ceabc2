// Latency distributions: lognormal draws (median, spread, cap) replayed from the seed, the
// server-wide default latency, and the wire form. Delays are read from the journal, never timed.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>

#include <mockhttp/mockhttp.hpp>

#include "support/control_server.hpp"
#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;

namespace {

std::vector<std::int64_t> delays_of(const MockServer& server) {
  std::vector<std::int64_t> delays;
  for (const auto& request : server.requests()) delays.push_back(request.chaos ? request.chaos->delay.count() : -1);
  return delays;
}

std::vector<std::int64_t> lognormal_run(std::uint64_t seed, int count) {
  ServerOptions options;
  options.seed = seed;
  MockServer server(options);
  server.when_requested_with(Request{}.path("/slow"))
      .with_latency(lognormal(std::chrono::milliseconds(2), 0.8, std::chrono::milliseconds(12)))
      .respond_with(200);
  httplib::Client client(server.host(), server.port());
  for (int i = 0; i < count; ++i) EXPECT_EQ(client.Get("/slow")->status, 200);
  return delays_of(server);
}

TEST(LognormalLatency, DrawsCenterOnTheMedianStayUnderTheCapAndReplayFromTheSeed) {
  const auto first = lognormal_run(11, 120);
  ASSERT_EQ(first.size(), 120u);
  std::vector<std::int64_t> sorted = first;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_GE(sorted[60], 1);  // the median of 120 draws of median 2 ms, sigma 0.8
  EXPECT_LE(sorted[60], 4);
  EXPECT_LE(sorted.back(), 12);  // the cap
  EXPECT_GT(sorted.back(), sorted.front()) << "a spread, not a constant";
  EXPECT_EQ(lognormal_run(11, 120), first);
  EXPECT_NE(lognormal_run(12, 120), first);
}

TEST(LognormalLatency, InvalidParametersAreRefusedNamingTheField) {
  MockServer server;
  try {
    (void)server.when_requested_with(Request{}).with_latency(lognormal(std::chrono::milliseconds(5), -1.0));
    FAIL() << "a negative sigma was taken";
  } catch (const StubError& e) {
    EXPECT_NE(std::string(e.what()).find("chaos.latency.sigma"), std::string::npos) << e.what();
  }
}

TEST(DefaultLatency, AppliesToStubsWithoutTheirOwn) {
  ServerOptions options;
  options.seed = 3;
  options.default_latency = Latency{2, 3};
  MockServer server(options);
  server.when_requested_with(Request{}.path("/default")).respond_with(200);
  server.when_requested_with(Request{}.path("/own")).with_latency(1).respond_with(200);
  httplib::Client client(server.host(), server.port());
  for (int i = 0; i < 20; ++i) ASSERT_EQ(client.Get("/default")->status, 200);
  ASSERT_EQ(client.Get("/own")->status, 200);
  const auto delays = delays_of(server);
  for (int i = 0; i < 20; ++i) {
    EXPECT_GE(delays[i], 2);
    EXPECT_LE(delays[i], 5);
  }
  EXPECT_EQ(delays[20], 1);
}

TEST(DefaultLatency, AnInvalidDefaultIsAServerErrorAtStart) {
  ServerOptions options;
  options.default_latency = Latency{-5};
  EXPECT_THROW(MockServer{options}, ServerError);
}

TEST(LognormalLatency, TheWireFormRoundTripsAndBadFieldsAre422s) {
  MockServer server{test::with_control_surfaces()};
  const Json stub = {
      {"request", {{"path", "/slow"}}},
      {"chaos", {{"latency", {{"distribution", "lognormal"}, {"median_ms", 3}, {"sigma", 0.25}, {"max_ms", 9}}}}},
      {"action", {{"response", {{"status_code", 200}, {"body", "ok"}}}}}};
  const auto made =
      test::curl_request("POST", server.url() + "/__mock__/stubs", stub.dump(), {"Content-Type: application/json"});
  ASSERT_EQ(made.status, 200) << made.body;
  const Latency latency = *server.stubs()[0].definition.chaos.latency;  // a copy: stubs() is a temporary
  EXPECT_EQ(latency.distribution, LatencyDistribution::lognormal);
  EXPECT_EQ(latency.median.count(), 3);
  EXPECT_EQ(latency.max, std::chrono::milliseconds(9));
  EXPECT_EQ(server.stubs()[0].definition.to_json()["chaos"]["latency"]["sigma"], 0.25);
  EXPECT_EQ(test::curl_request("GET", server.url() + "/slow").status, 200);

  Json mixed = stub;
  mixed["chaos"]["latency"]["base_ms"] = 5;
  const auto refused =
      test::curl_request("POST", server.url() + "/__mock__/stubs", mixed.dump(), {"Content-Type: application/json"});
  EXPECT_EQ(refused.status, 422) << refused.body;
  Json unknown = stub;
  unknown["chaos"]["latency"] = {{"distribution", "pareto"}, {"median_ms", 3}};
  EXPECT_EQ(
      test::curl_request("POST", server.url() + "/__mock__/stubs", unknown.dump(), {"Content-Type: application/json"})
          .status,
      422);
}

}  // namespace
