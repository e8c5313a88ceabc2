// The request journal: what it records, concurrency without loss, and the capacity cap.
#include <gtest/gtest.h>
#include <httplib.h>

#include <set>
#include <thread>
#include <vector>

#include <mockhttp/mockhttp.hpp>

#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;

namespace {

TEST(Journal, RecordsEveryFieldOfARequest) {
  MockServer server;
  auto stub = server.when_requested_with(Request{}.path("/orders/{id}")).respond_with(200);
  const auto before = std::chrono::system_clock::now();
  test::curl_request("PUT", server.url() + "/orders/9?x=1&x=2&y=", R"({"a":1})",
                     {"X-Trace: t-1", "Host: Shop.Local:81"});
  const auto journal = server.requests();
  ASSERT_EQ(journal.size(), 1u);
  const RecordedRequest& r = journal[0];
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.path, "/orders/9");
  EXPECT_EQ(r.query, (std::map<std::string, std::string>{{"x", "2"}, {"y", ""}}));
  EXPECT_EQ(r.header("x-trace"), "t-1");
  EXPECT_EQ(r.body, R"({"a":1})");
  EXPECT_EQ(r.host, "shop.local");
  EXPECT_GE(r.received_at, before);
  EXPECT_EQ(r.matched_stub_id, stub.id());
  EXPECT_EQ(r.path_params.at("id"), "9");
  const Json wire = r.to_json();
  EXPECT_EQ(wire["headers"]["x-trace"], "t-1");
  EXPECT_EQ(wire["matched_stub_id"], stub.id());
}

TEST(Journal, BodiesThatAreNotUtf8AreKeptAndListedSafely) {
  MockServer server;
  httplib::Client client(server.host(), server.port());
  const std::string binary("\xff\xfe\x00\x01", 4);
  client.Post("/bin", binary, "application/octet-stream");
  const auto journal = server.requests();
  ASSERT_EQ(journal.size(), 1u);
  EXPECT_EQ(journal[0].body, binary);
  const Json wire = journal[0].to_json();
  EXPECT_TRUE(wire["body"].is_null());
  EXPECT_EQ(wire["body_base64"], "//4AAQ==");
  EXPECT_NO_THROW(wire.dump());
}

TEST(Journal, EightConcurrentClientsLoseNothing) {
  MockServer server;
  server.when_requested_with(Request{}.path("/c/{thread}/{n}")).respond_with(200, "ok");
  constexpr int kThreads = 8, kPerThread = 50;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client client(server.host(), server.port());
      for (int n = 0; n < kPerThread; ++n) {
        // Stubs are added and verified from other threads while requests are served.
        if (n % 10 == 0) server.when_requested_with(Request{}.path("/extra/" + std::to_string(t))).respond_with(200);
        auto res = client.Get("/c/" + std::to_string(t) + "/" + std::to_string(n));
        if (res && res->status == 200) ++ok;
        (void)server.confirm_request(Request{}.path(regex("^/c/")));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  const auto journal = server.requests();
  ASSERT_EQ(journal.size(), static_cast<std::size_t>(kThreads * kPerThread));
  std::set<std::string> paths;
  for (const auto& r : journal) paths.insert(r.path);
  EXPECT_EQ(paths.size(), journal.size());
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_TRUE(server.confirm_request(Request{}.path(regex("^/c/" + std::to_string(t) + "/")), kPerThread));
  }
  EXPECT_EQ(server.stubs().size(), 1u + kThreads * (kPerThread / 10));
}

TEST(Journal, ACapDropsTheOldestAndCountsThem) {
  ServerOptions options;
  options.journal_capacity = 3;
  MockServer server(options);
  httplib::Client client(server.host(), server.port());
  for (int i = 1; i <= 5; ++i) client.Get("/r" + std::to_string(i));
  const auto journal = server.requests();
  ASSERT_EQ(journal.size(), 3u);
  EXPECT_EQ(journal.front().path, "/r3");
  EXPECT_EQ(journal.back().path, "/r5");
  EXPECT_EQ(server.dropped_requests(), 2u);
  const Verification v = server.confirm_request(Request{}.path("/r1"));
  EXPECT_FALSE(v);
  EXPECT_NE(v.report().find("2 older request(s) were dropped"), std::string::npos) << v.report();
  server.clear_requests();
  EXPECT_TRUE(server.requests().empty());
  EXPECT_EQ(server.dropped_requests(), 0u);
}

}  // namespace
