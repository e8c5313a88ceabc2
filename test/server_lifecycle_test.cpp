// Starting, stopping and sizing the server: ephemeral ports, many servers, 1000 start/stop
// cycles, keep-alive beyond cpp-httplib's default of 5, and 64 connections served at once.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <mockhttp/mockhttp.hpp>

#include "support/curl_client.hpp"

using namespace mockhttp;

namespace {

TEST(ServerLifecycle, ListensOnLoopbackOnAnEphemeralPort) {
  MockServer server;
  EXPECT_EQ(server.host(), "127.0.0.1");
  EXPECT_GT(server.port(), 0);
  EXPECT_EQ(server.url(), "http://127.0.0.1:" + std::to_string(server.port()));
  server.when_requested_with(Request{}.path("/ping")).respond_with(200, "pong");
  EXPECT_EQ(test::curl_request("GET", server.url() + "/ping").body, "pong");
}

TEST(ServerLifecycle, ManyServersInOneProcessAreIndependent) {
  std::vector<MockServer> servers(10);
  for (std::size_t i = 0; i < servers.size(); ++i) {
    servers[i].when_requested_with(Request{}.path("/id")).respond_with(200, std::to_string(i));
  }
  for (std::size_t i = 0; i < servers.size(); ++i) {
    EXPECT_EQ(test::curl_request("GET", servers[i].url() + "/id").body, std::to_string(i));
    EXPECT_EQ(servers[i].requests().size(), 1u);
  }
}

TEST(ServerLifecycle, AGivenPortIsUsedAndABusyOneIsAClearError) {
  int port = 0;
  {
    MockServer probe;
    port = probe.port();
  }
  ServerOptions options;
  options.port = port;
  MockServer server(options);
  EXPECT_EQ(server.port(), port);
  try {
    MockServer clash(options);
    FAIL() << "two servers bound port " << port;
  } catch (const ServerError& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(port)), std::string::npos) << e.what();
  }
}

TEST(ServerLifecycle, AThousandStartStopCyclesLeakNothingAndServeEachTime) {
  ServerOptions options;
  options.max_connections = 4;  // start/stop cost, not the connection bound, is under test here
  int served = 0;
  for (int i = 0; i < 1000; ++i) {
    MockServer server(options);
    if (i % 100 == 0) {
      server.when_requested_with(Request{}.path("/alive")).respond_with(200, "yes");
      served += test::curl_request("GET", server.url() + "/alive").status == 200 ? 1 : 0;
    }
  }
  EXPECT_EQ(served, 10);
}

TEST(ServerLifecycle, StopIsIdempotentAndAStoppedServerRefusesConnections) {
  MockServer server;
  const std::string url = server.url();
  server.stop();
  server.stop();
  const auto res = test::curl_request("GET", url + "/x");
  EXPECT_EQ(res.code, CURLE_COULDNT_CONNECT);
  EXPECT_NO_THROW(server.stubs());
}

TEST(ServerLifecycle, AMovedServerKeepsServing) {
  MockServer first;
  first.when_requested_with(Request{}.path("/m")).respond_with(200, "moved");
  MockServer second = std::move(first);
  EXPECT_EQ(test::curl_request("GET", second.url() + "/m").body, "moved");
}

TEST(ServerLifecycle, KeepAliveIsNotCappedAtFiveRequests) {
  MockServer server;
  server.when_requested_with(Request{}.path("/k")).respond_with(200, "k");
  const auto result = test::curl_keep_alive_gets(server.url() + "/k", 50, 200);
  EXPECT_EQ(result.answered, 50);
  EXPECT_EQ(result.connections, 1);
}

TEST(ServerLifecycle, SixtyFourConnectionsAreServedAtOnce) {
  MockServer server;
  // Every request waits inside matching until all 64 are in flight: with fewer workers than
  // connections the barrier is never reached and the requests time out.
  constexpr int kConnections = 64;
  std::mutex mutex;
  std::condition_variable all_arrived;
  int arrived = 0;
  const auto barrier = satisfies("waits for all connections", [&](const nlohmann::json&) {
    std::unique_lock<std::mutex> lock(mutex);
    ++arrived;
    all_arrived.notify_all();
    const bool ok = all_arrived.wait_for(lock, std::chrono::seconds(20), [&] { return arrived >= kConnections; });
    return MatchResult{ok, ok ? "" : "only " + std::to_string(arrived) + " connections arrived"};
  });
  server.when_requested_with(Request{}.path("/barrier").body(barrier)).respond_with(200, "together");

  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kConnections; ++i) {
    clients.emplace_back([&] {
      httplib::Client client(server.host(), server.port());
      client.set_read_timeout(30, 0);
      auto res = client.Post("/barrier", "x", "text/plain");
      if (res && res->status == 200) ++ok;
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(ok.load(), kConnections) << "arrived: " << arrived;
}

}  // namespace
