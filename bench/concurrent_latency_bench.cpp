// Latency must not hold up other requests: N clients at once, each on its own connection,
// against a stub with 100 ms of latency. Read the ratio of the wall time for the whole burst
// to the stub's latency: 1.0 would be perfect overlap, N would be requests served one by one.
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <atomic>
#include <thread>
#include <vector>

#include <mockhttp/mockhttp.hpp>

namespace {

constexpr int kLatencyMs = 100;

void BM_ConcurrentRequestsToASlowStub(benchmark::State& state) {
  mockhttp::MockServer server;
  server.when_requested_with(mockhttp::Request{}.path("/slow")).with_latency(kLatencyMs).respond_with(200, "ok");
  const int clients = static_cast<int>(state.range(0));
  for (auto _ : state) {
    std::atomic<int> answered{0};
    std::vector<std::thread> threads;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < clients; ++i) {
      threads.emplace_back([&] {
        httplib::Client client(server.host(), server.port());
        client.set_tcp_nodelay(true);
        auto res = client.Get("/slow");
        if (res && res->status == 200) ++answered;
      });
    }
    for (auto& t : threads) t.join();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    state.SetIterationTime(took.count());
    if (answered != clients) state.SkipWithError("a request failed");
    state.counters["burst_over_latency"] = took.count() * 1000.0 / kLatencyMs;
  }
}

BENCHMARK(BM_ConcurrentRequestsToASlowStub)
    ->Arg(1)
    ->Arg(64)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
