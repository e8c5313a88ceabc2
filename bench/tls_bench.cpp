// HTTPS against plain HTTP, measured in one run, as ratios: server start (a fresh CA and leaf
// minted vs none), new connections per second (a TLS handshake each vs a TCP connect), and
// keep-alive requests per second over one connection; then requests through an intercepted
// CONNECT tunnel against HTTPS straight to the server. Usage: tls_bench [ROUNDS]
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <mockhttp/mockhttp.hpp>

using namespace mockhttp;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

ServerOptions options_for(bool tls) {
  ServerOptions options;
  if (tls) options.tls = TlsOptions{};
  return options;
}

// Each request on a fresh client: a TCP connect, or a TCP connect and a TLS handshake.
double connections_per_second(const MockServer& server, bool tls, int count) {
  const std::string ca = tls ? server.ca_certificate_file() : "";
  const auto start = Clock::now();
  for (int i = 0; i < count; ++i) {
    httplib::Client client(server.url());
    if (tls) client.set_ca_cert_path(ca.c_str());
    client.set_keep_alive(false);
    const auto res = client.Get("/ping");
    if (!res || res->status != 200) std::abort();
  }
  return count / seconds_since(start);
}

double keep_alive_requests_per_second(const MockServer& server, bool tls, int count) {
  httplib::Client client(server.url());
  if (tls) client.set_ca_cert_path(server.ca_certificate_file().c_str());
  client.set_keep_alive(true);
  const auto start = Clock::now();
  for (int i = 0; i < count; ++i) {
    const auto res = client.Get("/ping");
    if (!res || res->status != 200) std::abort();
  }
  return count / seconds_since(start);
}

// Through `proxy` as HTTPS_PROXY: each request on a fresh client opens a CONNECT tunnel that
// mockhttp intercepts (the leaf for the host is minted once, then reused), or all over one tunnel.
double tunnelled_requests_per_second(const MockServer& proxy, bool keep_alive, int count) {
  const std::string ca = proxy.ca_certificate_file();
  const auto run = [&](httplib::SSLClient& client) {
    client.set_proxy(proxy.host(), proxy.port());
    client.set_ca_cert_path(ca.c_str());
    client.set_keep_alive(keep_alive);
    const auto res = client.Get("/ping");
    if (!res || res->status != 200) std::abort();
  };
  const auto start = Clock::now();
  if (keep_alive) {
    httplib::SSLClient client("api.example.test", 443);
    for (int i = 0; i < count; ++i) run(client);
  } else {
    for (int i = 0; i < count; ++i) {
      httplib::SSLClient client("api.example.test", 443);
      run(client);
    }
  }
  return count / seconds_since(start);
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 2000;
  double start_ms[2] = {0, 0};
  constexpr int kStarts = 20;
  for (int tls = 0; tls < 2; ++tls) {
    const auto start = Clock::now();
    for (int i = 0; i < kStarts; ++i) MockServer server(options_for(tls == 1));
    start_ms[tls] = seconds_since(start) * 1000 / kStarts;
  }
  MockServer plain(options_for(false)), secure(options_for(true));
  for (MockServer* server : {&plain, &secure})
    server->when_requested_with(Request{}.path("/ping")).respond_with(200, "pong");
  // Alternating rounds, so drift of the machine falls on both alike.
  double connections[2] = {0, 0}, keep_alive[2] = {0, 0}, tunnels[2] = {0, 0};
  for (int round = 0; round < 3; ++round) {
    connections[0] += connections_per_second(plain, false, rounds / 4);
    connections[1] += connections_per_second(secure, true, rounds / 4);
    keep_alive[0] += keep_alive_requests_per_second(plain, false, rounds * 2);
    keep_alive[1] += keep_alive_requests_per_second(secure, true, rounds * 2);
    tunnels[0] += tunnelled_requests_per_second(plain, false, rounds / 4);
    tunnels[1] += tunnelled_requests_per_second(plain, true, rounds * 2);
  }
  std::printf("| figure | plain HTTP | HTTPS | HTTPS / plain |\n| --- | --- | --- | --- |\n");
  std::printf("| server start + stop (CA and leaf minted) | %.2f ms | %.2f ms | %.1fx |\n", start_ms[0], start_ms[1],
              start_ms[1] / start_ms[0]);
  std::printf("| new connections per second (a handshake each) | %.0f | %.0f | %.2fx |\n", connections[0] / 3,
              connections[1] / 3, connections[1] / connections[0]);
  std::printf("| keep-alive requests per second | %.0f | %.0f | %.2fx |\n", keep_alive[0] / 3, keep_alive[1] / 3,
              keep_alive[1] / keep_alive[0]);
  std::printf("\nThrough mockhttp as HTTPS_PROXY (CONNECT intercepted), against HTTPS straight to it:\n\n");
  std::printf("| figure | HTTPS | through a tunnel | tunnel / HTTPS |\n| --- | --- | --- | --- |\n");
  std::printf("| new connections per second (CONNECT + handshake each) | %.0f | %.0f | %.2fx |\n", connections[1] / 3,
              tunnels[0] / 3, tunnels[0] / connections[1]);
  std::printf("| keep-alive requests per second (one tunnel) | %.0f | %.0f | %.2fx |\n", keep_alive[1] / 3,
              tunnels[1] / 3, tunnels[1] / keep_alive[1]);
  return 0;
}
