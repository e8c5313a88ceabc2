#pragma once
// The model of a stub, as values: what it matches, what it answers, its chaos, scenario and
// expectations (StubDefinition), and what a listing says of a mounted one (StubInfo). The
// handles that mount and name stubs are in mockhttp/stub.hpp; the engine and the wire forms
// need only these values.
// Thread safety: value types (a Responder must itself be thread-safe, see below).
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include <mockhttp/chaos.hpp>
#include <mockhttp/criteria.hpp>
#include <mockhttp/event_stream.hpp>
#include <mockhttp/grpc_conversation.hpp>
#include <mockhttp/grpc_reply.hpp>
#include <mockhttp/proxy.hpp>
#include <mockhttp/recorded_request.hpp>
#include <mockhttp/request.hpp>
#include <mockhttp/response.hpp>
#include <mockhttp/source_location.hpp>
#include <mockhttp/websocket.hpp>

namespace mockhttp {

// A C++ callback that builds the answer to each request the stub wins. It runs on the serving
// thread (so it must be thread-safe when requests arrive concurrently), sees the request with
// the stub's path parameters, and may throw: the client then gets a 500 whose JSON body names
// the stub, where it was mounted and the exception's message.
using Responder = std::function<Response(const RecordedRequest& request)>;

// What a response sequence does once every response has been answered once.
enum class SequenceEnd {
  repeat_last,  // the last response answers every later request
  cycle,        // start again from the first
};

// A step of a stateful scenario (WireMock's model): the stub matches only while the scenario
// `name` is in `required_state` (any state when unset), and answering moves it to `new_state`.
// Every scenario starts in kScenarioStarted. A request of a scope moves that scope's scenarios
// only, so parallel tests sharing one server each walk their own (docs/stubs.md#scenarios).
inline constexpr const char* kScenarioStarted = "Started";
struct ScenarioStep {
  std::string name;
  std::optional<std::string> required_state;
  std::optional<std::string> new_state;
};

struct StubDefinition {
  Request request;
  // The action: `response` unless one of `sequence`, `responder`, `sse`, `proxy` or `grpc` is
  // set (at most one of those).
  Response response;
  std::vector<Response> sequence;  // answered in turn, one per call
  SequenceEnd sequence_end = SequenceEnd::repeat_last;
  Responder responder;
  std::optional<EventStream> sse;
  std::optional<ProxyTarget> proxy;
  // gRPC replies, encoded at mount by the server's gRPC services: one answers every call; more
  // are answered in turn, as `sequence` is (sequence_end applies).
  std::vector<GrpcReply> grpc;
  GrpcResponder grpc_responder;  // a gRPC reply built per call, encoded when it is made
  // A bidirectional call answered message by message (mockhttp/grpc_conversation.hpp).
  std::optional<GrpcConversation> grpc_conversation;
  // A WebSocket upgrade accepted and the connection scripted (mockhttp/websocket.hpp); the
  // stub then matches upgrade requests only.
  std::optional<WebSocketScript> websocket;
  // After this many wins the stub stops matching. Only the stub that answers a request
  // counts a call (assertive-mock-api counts every matching stub; see docs/stubs.md).
  std::optional<std::int64_t> max_calls;
  Chaos chaos;
  std::optional<ScenarioStep> scenario;
  // How many calls the stub expects, checked when it ends (mockhttp/expectations.hpp): an
  // exact count or a criteria on the count.
  std::optional<Criteria> expected_calls;
  // Where the stub was mounted from (C++ only; not part of the wire form).
  SourceLocation mounted_at;

  // The wire form of POST /__mock__/stubs: {"request", "action": {"response" | "sequence" |
  // "sse" | "proxy"}, "max_calls", "chaos", "scenario", "expect"}. A responder is written as
  // {"callback": {"description"}}, which from_json refuses: a function cannot travel.
  nlohmann::json to_json() const;
  // Reads it; throws DocumentError (CriteriaError inside "request") with the JSON Pointer of
  // the problem. Exactly one action is required; unknown fields are refused.
  static StubDefinition from_json(const nlohmann::json& document, const std::string& pointer = "");
  // Checks a definition built in C++: max_calls, chaos, the action, the scenario. Throws
  // StubError or DocumentError naming the field.
  void validate() const;
};

// What stubs() lists: the definition, its id and how many requests it has answered.
struct StubInfo {
  std::string id;
  StubDefinition definition;
  std::int64_t calls = 0;
  std::optional<std::string> scope;  // the scope it belongs to; empty: global

  // {"stub_id", "request", "action", "max_calls", "chaos", "scope", "calls", "mounted_at"}
  nlohmann::json to_json() const;
};

}  // namespace mockhttp
