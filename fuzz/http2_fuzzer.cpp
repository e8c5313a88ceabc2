// Bytes to the server side of one HTTP/2 connection as mockhttp::http2 runs it: an
// Http2Connection (the nghttp2 session with the transport's own options, limits and callbacks,
// and its loop) whose I/O is two buffers instead of a socket (ConnectionIo::over_buffers), so
// an execution costs no network round trip. An input whose first byte is even is sent after the
// client preface and an empty SETTINGS frame, so most inputs reach the frame layer; an odd one
// goes raw. Its second bit says whether the client closes after its bytes or stays. The engine is a function of the request's path that asks for each kind of delivery:
// a plain answer, latency, a body in timed parts, trailers, a body cut short, each fault.
// Afterwards the output must be whole frames, the server's SETTINGS first. (The listener's
// preface sniffing is fuzzed by the `http` target, which links mockhttp::http2 too.)
#include "fuzz_input.hpp"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "exchange/delivery_plan.hpp"
#include "transport/connection_handoff.hpp"
#include "transport/connection_io.hpp"
#include "transport/http2/http2_connection.hpp"

namespace http2_fuzzer {

using mockhttp::detail::BodyPart;
using mockhttp::detail::DeliveryPlan;
using std::chrono::milliseconds;

DeliveryPlan answer_of(const mockhttp::RecordedRequest& request) {
  DeliveryPlan plan;
  plan.set_header("content-type", "text/plain");
  const std::string& path = request.path;
  if (path == "/late") {
    plan.delay = milliseconds(2);
    plan.body = "late";
  } else if (path == "/parts" || path == "/cut") {
    plan.framing = DeliveryPlan::Framing::streamed;
    plan.parts = {BodyPart{milliseconds(0), "one "}, BodyPart{milliseconds(1), "two"}};
    plan.cut_short = path == "/cut";
  } else if (path == "/trailers") {
    plan.body = "body";
    plan.trailers = {{"grpc-status", "0"}, {"grpc-message", "ok"}};
  } else if (path == "/big") {
    plan.body.assign(100000, 'b');  // more than a client's initial window
  } else if (path == "/reset") {
    plan.fault = mockhttp::FaultKind::connection_reset;
  } else if (path == "/drop") {
    plan.fault = mockhttp::FaultKind::empty_response;
  } else {
    plan.body = request.body.empty() ? "ok" : request.body;  // echoes what arrived
  }
  return plan;
}

// The environment of every execution; `input` is what the client has not sent yet.
const mockhttp::detail::HandoffEnvironment& environment_of(std::string_view& input) {
  static mockhttp::detail::HandoffEnvironment environment;
  static std::string_view* remaining = nullptr;
  static int calls_after_input = 0;
  remaining = &input;
  calls_after_input = 0;
  if (!environment.handle) {
    environment.handle = [](mockhttp::RecordedRequest request) { return answer_of(request); };
    // A client that stays once its input is sent: the loop turns twice more (the answers the
    // engine decided meanwhile go out), then stops as a stopping server's does, answering the
    // streams still waiting on a latency 503 before its GOAWAY.
    environment.still_serving = [] { return !remaining->empty() || ++calls_after_input <= 2; };
    environment.max_body_bytes = 4096;
    environment.max_header_count = 100;
    environment.max_concurrent_streams = 100;
  }
  return environment;
}

// Whole frames, the server's SETTINGS first: what nghttp2 writes, whatever it was fed.
bool whole_frames(const std::string& output) {
  if (output.empty()) return true;
  if (output.size() < 9 || output[3] != 4) return false;
  std::size_t at = 0;
  while (output.size() - at >= 9) {
    const auto byte = [&output, at](std::size_t i) {
      return static_cast<std::size_t>(static_cast<unsigned char>(output[at + i]));
    };
    at += 9 + (byte(0) << 16 | byte(1) << 8 | byte(2));
  }
  return at == output.size();
}

const std::string& preface_and_settings() {
  static const std::string bytes =
      std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") + std::string("\0\0\0\4\0\0\0\0\0", 9);
  return bytes;
}

}  // namespace http2_fuzzer

MOCKHTTP_FUZZ_TARGET(http2) {
  using namespace http2_fuzzer;
  const std::string input = mockhttp::fuzz::text_of(data, size);
  // The first byte chooses: bit 0 clear, the client preface and an empty SETTINGS frame go
  // first; bit 1 clear, the client closes after its bytes (its FIN), set, it stays.
  const std::uint8_t choice = size > 0 ? data[0] : 0;
  const std::string bytes = size > 0 && choice % 2 == 0 ? preface_and_settings() + input.substr(1) : input;
  std::string_view remaining = bytes;
  std::string output;
  mockhttp::detail::HandedConnection handed;
  handed.connection_id = 1;
  mockhttp::detail::Http2Connection(std::move(handed), environment_of(remaining),
                                    mockhttp::detail::ConnectionIo::over_buffers(remaining, output, (choice & 2) == 0))
      .serve();
  if (!whole_frames(output)) std::abort();  // a torn frame: the session's output is corrupt
  return 0;
}
