// HTTP/2 against HTTP/1.1 on the same server, the same machine and the same client (h2load,
// Debian nghttp2-client), measured in one run and printed as ratios (bench/README.md keeps the
// latest table):
//   1. one stub, 16 streams per connection, against HTTP/1.1 keep-alive (`h2load --h1`) over
//      the same connections; rounds alternate and the figure is the median of the rounds' ratios;
//   2. 1,000 concurrent requests to a 100 ms stub as 10 connections x 100 streams;
//   3. HTTPS with ALPN h2 against HTTPS HTTP/1.1 keep-alive (ALPN http/1.1).
// Usage: http2_bench [requests per round] (default 20000).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <mockhttp/mockhttp.hpp>

#include "bench_figures.hpp"

namespace {

using bench::fixed;
using bench::median;

struct Load {
  double requests_per_second = 0;
  double finished_ms = 0;
  long succeeded = 0;
  long total = 0;
};

std::string output_of(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return out;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

// h2load's summary: "finished in 1.23s, 8123.45 req/s, ..." and "requests: N total, ... M succeeded".
Load parse_h2load(const std::string& out) {
  Load load;
  const auto finished = out.find("finished in ");
  if (finished != std::string::npos) {
    const char* at = out.c_str() + finished + 12;
    char* end = nullptr;
    const double value = std::strtod(at, &end);
    const std::string unit(end, end + 2);
    load.finished_ms = unit == "ms" ? value : (unit == "us" ? value / 1000 : value * 1000);
    const auto comma = out.find(", ", finished);
    if (comma != std::string::npos) load.requests_per_second = std::strtod(out.c_str() + comma + 2, nullptr);
  }
  const auto requests = out.find("requests: ");
  if (requests != std::string::npos) {
    load.total = std::strtol(out.c_str() + requests + 10, nullptr, 10);
    const auto succeeded = out.find(" succeeded", requests);
    if (succeeded != std::string::npos) {
      auto start = out.rfind(' ', succeeded - 1);
      load.succeeded = std::strtol(out.c_str() + start + 1, nullptr, 10);
    }
  }
  return load;
}

Load h2load(const std::string& arguments) { return parse_h2load(output_of("h2load " + arguments + " 2>&1")); }

// Alternating rounds of `second` and `first`: the median of the rounds' second/first ratios and
// the last round's figures.
struct Pair {
  double ratio = 0;
  Load first;
  Load second;
};

Pair alternate(const std::string& first, const std::string& second, int rounds) {
  std::vector<double> ratios;
  Pair pair;
  for (int round = 0; round < rounds; ++round) {
    pair.first = h2load(first);
    pair.second = h2load(second);
    if (pair.first.requests_per_second > 0) {
      ratios.push_back(pair.second.requests_per_second / pair.first.requests_per_second);
    }
  }
  pair.ratio = median(ratios);
  return pair;
}

}  // namespace

int main(int argc, char** argv) {
  const long requests = argc > 1 ? std::atol(argv[1]) : 20000;
  if (output_of("command -v h2load").empty()) {
    std::cerr << "h2load is missing (Debian: nghttp2-client)\n";
    return 1;
  }
  constexpr int kRounds = 5;
  const std::string n = " -n " + std::to_string(requests);

  mockhttp::MockServer plain;
  plain.when_requested_with(mockhttp::Request{}.path("/hello")).respond_with(200, "hello");
  plain.when_requested_with(mockhttp::Request{}.path("/late")).with_latency(100).respond_with(200, "late");
  mockhttp::ServerOptions secure_options;
  secure_options.tls = mockhttp::TlsOptions{};
  mockhttp::MockServer secure(secure_options);
  secure.when_requested_with(mockhttp::Request{}.path("/hello")).respond_with(200, "hello");

  const std::string hello = plain.url() + "/hello";
  const Pair cleartext = alternate("--h1 -c 4 -m 1" + n + " " + hello, "-c 4 -m 16" + n + " " + hello, kRounds);

  std::vector<double> bursts;
  long burst_ok = 0;
  for (int round = 0; round < kRounds; ++round) {
    const Load burst = h2load("-c 10 -m 100 -n 1000 " + plain.url() + "/late");
    bursts.push_back(burst.finished_ms);
    burst_ok += burst.succeeded;
  }

  const std::string secure_hello = secure.url() + "/hello";
  const Pair tls = alternate("--h1 -c 4 -m 1" + n + " " + secure_hello, "-c 4 -m 16" + n + " " + secure_hello, kRounds);

  const double burst = median(bursts);
  std::cout << "| measure | figure | ratio | target |\n| --- | --- | --- | --- |\n";
  std::cout << "| one stub, HTTP/2 (4 connections x 16 streams) vs HTTP/1.1 keep-alive (4 connections) | "
            << fixed(cleartext.second.requests_per_second, 0) << " req/s vs "
            << fixed(cleartext.first.requests_per_second, 0) << " req/s | " << fixed(cleartext.ratio) << "x (median of "
            << kRounds << " paired rounds) | >= 1.0x |\n";
  std::cout << "| 1,000 concurrent requests to a 100 ms stub, 10 connections x 100 streams | " << fixed(burst, 0)
            << " ms, median of " << kRounds << " (" << burst_ok << "/" << 1000 * kRounds << " ok) | "
            << fixed(burst / 100) << "x the latency | < 150 ms |\n";
  std::cout << "| HTTPS, ALPN h2 (16 streams) vs HTTP/1.1 keep-alive, 4 connections | "
            << fixed(tls.second.requests_per_second, 0) << " req/s vs " << fixed(tls.first.requests_per_second, 0)
            << " req/s | " << fixed(tls.ratio) << "x (median of " << kRounds << ") | reported |\n";
  const bool all_ok = cleartext.second.succeeded == cleartext.second.total &&
                      cleartext.first.succeeded == cleartext.first.total && burst_ok == 1000 * kRounds &&
                      tls.second.succeeded == tls.second.total && tls.first.succeeded == tls.first.total;
  if (!all_ok) std::cout << "some requests failed: the figures above are not comparable\n";
  return all_ok ? 0 : 1;
}
