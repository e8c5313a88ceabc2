#pragma once
// Chaos: latency and transport faults on a stub, so a test can prove that the code under test
// survives a slow or broken dependency.
//
//   server.when_requested_with(Request{}.path("/slow"))
//         .with_latency(100, 50)              // 100..150 ms, uniform
//         .with_connection_drop(0.35)         // 35% of matched requests break mid-body
//         .respond_with(200, "ok");
//
// Every random decision is drawn from the server's seed (MockServer::set_seed), the stub's
// mount order and the stub's call number, so the same test replays the same delays and drops
// whatever the thread interleaving. docs/chaos.md lists each fault with the error a client sees.
//
// Thread safety: value types; build them on one thread and hand them to a stub.
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include <mockhttp/grpc_status.hpp>

namespace mockhttp {

enum class LatencyDistribution {
  uniform,    // base, plus a uniform draw in [0, jitter]
  lognormal,  // median * e^(sigma * N(0, 1)): mostly near the median, with a long tail
};

// A delay before the response. Uniform: `base` when `jitter` is 0, else uniform in
// [base, base + jitter] (whole milliseconds, both ends included). Lognormal (WireMock's
// "lognormal" delay distribution): median `median`, spread `sigma`, optionally capped at
// `max` so that a tail draw never stalls a test. Draws come from the server's seed as every
// chaos draw does, and the same seed gives the same delays with any standard library.
// Durations are std::chrono; the wire form names them base_ms, jitter_ms, median_ms, max_ms.
struct Latency {
  Latency() = default;
  Latency(std::chrono::milliseconds base_, std::chrono::milliseconds jitter_ = {})  // NOLINT: uniform
      : base(base_), jitter(jitter_) {}
  // Integers are milliseconds, as on the wire.
  Latency(std::int64_t base_ms, std::int64_t jitter_ms = 0)  // NOLINT: uniform
      : base(std::chrono::milliseconds(base_ms)), jitter(std::chrono::milliseconds(jitter_ms)) {}

  std::chrono::milliseconds base{0};
  std::chrono::milliseconds jitter{0};
  LatencyDistribution distribution = LatencyDistribution::uniform;
  std::chrono::duration<double, std::milli> median{0};
  double sigma = 0;
  std::optional<std::chrono::milliseconds> max;
};

// with_latency(lognormal(std::chrono::milliseconds(80), 0.4, std::chrono::seconds(2)))
Latency lognormal(std::chrono::milliseconds median, double sigma,
                  std::optional<std::chrono::milliseconds> max = std::nullopt);
Latency uniform_latency(std::chrono::milliseconds base, std::chrono::milliseconds jitter = {});

enum class FaultKind {
  connection_drop,         // status line, headers and half the body, then the connection closes
  empty_response,          // the connection closes before a single byte is sent
  connection_reset,        // the connection is reset (TCP RST) before a byte is sent
  malformed_chunk,         // a chunked response whose first chunk size is not hexadecimal
  random_data_then_close,  // bytes that are not HTTP, then the connection closes
  // HTTP/2: RST_STREAM on the request's stream only (Fault::reset_code), the connection's other
  // streams going on. HTTP/1.1 has no streams: the connection is reset, as connection_reset.
  reset_stream,
  // gRPC: the call ends with a status (Fault::grpc_status, UNAVAILABLE unless set, and
  // Fault::grpc_message) in a trailers-only answer instead of the stub's reply, as a server
  // shedding load answers. Only a gRPC stub takes it (a StubError at mount otherwise).
  grpc_status,
};

// An HTTP/2 error code (RFC 9113 §7), the value being the code on the wire; named on the wire
// and in reports as RFC 9113 spells it ("REFUSED_STREAM").
enum class StreamErrorCode : std::uint32_t {
  no_error = 0,
  protocol_error,
  internal_error,
  flow_control_error,
  settings_timeout,
  stream_closed,
  frame_size_error,
  refused_stream,
  cancel,
  compression_error,
  connect_error,
  enhance_your_calm,
  inadequate_security,
  http_1_1_required,
};
std::string stream_error_name(StreamErrorCode code);
std::optional<StreamErrorCode> stream_error_from_name(const std::string& name);

// The wire name of a fault ("connection_drop", ...) and back; nullopt for an unknown name.
std::string fault_name(FaultKind kind);
std::optional<FaultKind> fault_from_name(const std::string& name);

// A fault fires on a matched request when a uniform draw in [0, 1) is below `probability`.
struct Fault {
  FaultKind kind = FaultKind::connection_drop;
  double probability = 1.0;
  // reset_stream's code (on the wire "error_code", only for reset_stream).
  StreamErrorCode reset_code = StreamErrorCode::internal_error;
  // grpc_status's status and message (on the wire "code" and "message", only for grpc_status).
  GrpcStatus grpc_status = GrpcStatus::unavailable;
  std::string grpc_message{};
};

// The body delivered in `chunks` pieces spread evenly over `duration` (a slow network); on the
// wire, "duration_ms".
struct Dribble {
  int chunks = 1;
  std::chrono::milliseconds duration{0};
};

struct Chaos {
  std::optional<Latency> latency;
  std::optional<Fault> fault;
  std::optional<Dribble> dribble;

  bool empty() const { return !latency && !fault && !dribble; }

  // Throws StubError naming the field ("chaos.latency.base_ms must be >= 0, got -1") for a
  // negative or non-finite duration or sigma, a probability outside [0, 1] or NaN, or chunks < 1.
  void validate() const;

  // The wire form of assertive-mock-api's stub "chaos" object:
  // {"latency": {"base_ms", "jitter_ms"}, "faults": {"connection_drop": {"probability"}}},
  // plus mockhttp's other faults under "faults", {"dribble": {"chunks", "duration_ms"}} and
  // {"latency": {"distribution": "lognormal", "median_ms", "sigma", "max_ms"}}.
  nlohmann::json to_json() const;
  // Reads that form, and assertive-mock-api's legacy spellings ("delay" for "latency",
  // top-level "delay_ms"/"jitter_ms"); a top-level "connection_drop" is refused with a pointer
  // to "faults". Throws DocumentError naming the field.
  static Chaos from_json(const nlohmann::json& document, const std::string& pointer = "");
};

}  // namespace mockhttp
