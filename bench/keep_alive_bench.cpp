// Keep-alive round trips: a MockServer against a cpp-httplib server with its default settings.
// The default answers a keep-alive client in ~40 ms (Nagle's algorithm holds the body segment
// until the client's delayed ACK); mockhttp sets TCP_NODELAY. Read the ratio of the two times.
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <thread>

#include <mockhttp/mockhttp.hpp>

namespace {

void run_keep_alive_gets(benchmark::State& state, const std::string& host, int port) {
  httplib::Client client(host, port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(state.range(0) != 0);
  for (auto _ : state) {
    auto res = client.Post("/echo", std::string(200, 'x'), "text/plain");
    if (!res || res->status != 200) state.SkipWithError("request failed");
  }
}

void BM_KeepAlive_MockServer(benchmark::State& state) {
  mockhttp::MockServer server;
  server.when_requested_with(mockhttp::Request{}.path("/echo")).respond_with(200, std::string(512, 'y'));
  run_keep_alive_gets(state, server.host(), server.port());
}

void BM_KeepAlive_HttplibDefaults(benchmark::State& state) {
  httplib::Server server;
  server.Post("/echo", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(512, 'y'), "text/plain");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::yield();
  run_keep_alive_gets(state, "127.0.0.1", port);
  server.stop();
  thread.join();
}

// Argument: whether the client sets TCP_NODELAY too.
BENCHMARK(BM_KeepAlive_MockServer)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->Iterations(50);
BENCHMARK(BM_KeepAlive_HttplibDefaults)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->Iterations(20);

}  // namespace

BENCHMARK_MAIN();
