#pragma once
// RecordedRequest: one entry of the request journal, as the server received it.
// A value type: journal reads return copies, safe to keep and use on any thread.
#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include <mockhttp/chaos.hpp>
#include <mockhttp/grpc_status.hpp>
#include <mockhttp/response.hpp>
#include <mockhttp/websocket_message.hpp>

namespace mockhttp {

// What chaos did to a request: the delay drawn and the fault that fired, if any (on the wire:
// {"delay_ms", "fault"}).
struct AppliedChaos {
  AppliedChaos() = default;
  AppliedChaos(std::chrono::milliseconds delay_, std::optional<FaultKind> fault_) : delay(delay_), fault(fault_) {}
  // An integer delay is milliseconds, as on the wire.
  AppliedChaos(std::int64_t delay_ms, std::optional<FaultKind> fault_)
      : delay(std::chrono::milliseconds(delay_ms)), fault(fault_) {}

  std::chrono::milliseconds delay{0};
  std::optional<FaultKind> fault;
};

// A scenario's move made by the stub that answered a request (docs/stubs.md#scenarios).
struct ScenarioTransition {
  std::string scenario;
  std::string from;
  std::string to;
};

// The answer a gRPC call got (on the wire "grpc_answer": {"status", "status_message",
// "messages"}): the status sent, none when chaos broke the call first (`chaos.fault` says how),
// and the response messages, as a JSON array in protobuf's JSON mapping.
struct GrpcAnswer {
  std::optional<GrpcStatus> status;
  std::string status_message;
  std::string messages_json = "[]";  // kept as text: the journal stores it as it came

  nlohmann::json messages() const { return nlohmann::json::parse(messages_json); }
};

// What a WebSocket message's journal entry is (on the wire "websocket": {"direction", "kind"}):
// which way it went and its kind. Its path, query, host, scope and connection_id are its
// upgrade request's, its headers are empty, and its body is the message: the text, or a binary
// message's bytes as base64 (docs/websocket.md#journal).
struct WebSocketTraffic {
  MessageDirection direction = MessageDirection::received;
  MessageKind kind = MessageKind::text;
};

struct RecordedRequest {
  std::string method;                        // as sent, e.g. "GET"
  std::string path;                          // percent-decoded, without the query
  std::map<std::string, std::string> query;  // repeated keys: the last value wins
  Headers headers;                           // as sent: original case and order
  std::string body;                          // raw bytes
  std::string host;                          // Host header, lowercase, without the port
  std::chrono::system_clock::time_point received_at;
  std::optional<std::string> matched_stub_id;      // empty when no stub matched
  std::map<std::string, std::string> path_params;  // captured by the winning stub's pattern
  std::optional<std::string> scope;                // the scope it belonged to; empty: global
  std::optional<AppliedChaos> chaos;               // set when the winning stub has chaos
  std::optional<ScenarioTransition> scenario;      // set when the winning stub moved a scenario
  std::optional<std::string> client_certificate;   // over mTLS: the client certificate's subject ("CN=alice,O=...")
  // Read inside a CONNECT tunnel mockhttp intercepted: the host:port the client asked for
  // ("api.example.test:443"); a passthrough or capture reaches https:// that host.
  std::optional<std::string> tunnel;
  // The HTTP version the request came in: "HTTP/1.1", "HTTP/1.0" or "HTTP/2" (an h2c upgrade's
  // first request included: it is answered as HTTP/2's stream 1).
  std::string protocol = "HTTP/1.1";
  // The connection it came on: the same number for every request of one connection (the
  // streams of one HTTP/2 connection, the requests of an intercepted tunnel), a new one for the
  // next connection. 0: not received by a listener (a request built by hand).
  std::uint64_t connection_id = 0;
  // Whether it came over TLS: an https:// server, or inside an intercepted CONNECT tunnel.
  bool tls = false;
  // A gRPC call's deadline (its grpc-timeout), and whether the stub's answer would have come
  // after it: the call then ended DEADLINE_EXCEEDED at the deadline (docs/grpc.md).
  std::optional<std::chrono::milliseconds> deadline;
  bool deadline_exceeded = false;
  // Set for a gRPC call: what it was answered. A gRPC call is journaled once its answer is
  // decided, so an entry a test reads always has it.
  std::optional<GrpcAnswer> grpc_answer;
  // Set for a WebSocket message (method "WEBSOCKET"); a Request matcher sees these entries only
  // when it asks for messages (Request::websocket, websocket_received, websocket_sent).
  std::optional<WebSocketTraffic> websocket;

  // The first value of a header, by case-insensitive name.
  std::optional<std::string> header(const std::string& name) const;

  // The subjects criteria see: {lowercase name: first value} and {name: value}.
  nlohmann::json headers_json() const;
  nlohmann::json query_json() const;

  // The journal's wire form (GET /__mock__/requests). Bodies that are not UTF-8 are sent as
  // "body_base64" instead of "body", so one odd request never breaks a listing. A body over
  // kBodyShownInListings bytes is cut there, with "body_truncated": true and "body_size".
  static constexpr std::size_t kBodyShownInListings = 64 * 1024;
  nlohmann::json to_json() const;
  std::string describe() const;  // "POST /payment?x=1"
};

}  // namespace mockhttp
