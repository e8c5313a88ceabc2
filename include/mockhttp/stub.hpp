#pragma once
// Stubs: the builder that mounts one (StubBuilder). The stub's model, as values, is in
// mockhttp/stub_definition.hpp; the handle on a mounted stub (StubRef) in mockhttp/stub_ref.hpp.
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include <mockhttp/chaos.hpp>
#include <mockhttp/criteria.hpp>
#include <mockhttp/event_stream.hpp>
#include <mockhttp/proxy.hpp>
#include <mockhttp/request.hpp>
#include <mockhttp/response.hpp>
#include <mockhttp/source_location.hpp>
#include <mockhttp/stub_definition.hpp>
#include <mockhttp/stub_ref.hpp>

namespace mockhttp {

class Engine;         // the engine behind a MockServer, inside the library
class StubPlacement;  // where a builder mounts: globally, in a scope, in a stub group

// The fluent builder returned by when_requested_with() on a MockServer, a Scope or a
// StubGroup. Nothing is mounted until a respond_with*() call or proxy_to() (the terminal), which
// mounts the stub and returns its handle. Chaos setters check their values at once and throw
// StubError.
// A builder that ends without its terminal mounted nothing: a chain that stops at a setter
// (`.expect(1);`) would test nothing, so the setters are [[nodiscard]] (a compiler warning; they
// return a reference, which the builder type's own [[nodiscard]] does not cover), and
// the builder's end reports it through the expectation sink like a failed expectation, at the
// line of when_requested_with() (a GoogleTest failure with mockhttp/gtest.hpp). Not while the
// stack unwinds from an exception: a setter or the terminal that threw has said enough.
// Move-only: a copy would be a second builder of the same stub.
// Thread safety: build on one thread; the mounted stub is then safe from any thread.
class [[nodiscard]] StubBuilder {
 public:
  StubBuilder(StubBuilder&& other) noexcept;
  StubBuilder& operator=(StubBuilder&&) = delete;
  StubBuilder(const StubBuilder&) = delete;
  StubBuilder& operator=(const StubBuilder&) = delete;
  ~StubBuilder();

  [[nodiscard]] StubBuilder& max_calls(std::int64_t calls);  // throws StubError when negative
  // Verified when the stub's server, scope or group ends (mockhttp/expectations.hpp).
  [[nodiscard]] StubBuilder& expect(Criteria times);

  // Scenarios (ScenarioStep): in_scenario names it; when_state and will_set_state are optional.
  //   .in_scenario("checkout").when_state("Started").will_set_state("Paid")
  [[nodiscard]] StubBuilder& in_scenario(std::string name);
  [[nodiscard]] StubBuilder& when_state(std::string state);      // throws StubError before in_scenario()
  [[nodiscard]] StubBuilder& will_set_state(std::string state);  // throws StubError before in_scenario()

  // Chaos (docs/chaos.md). Each may be combined with the others; a second call of the same
  // setter replaces the first. Durations take any std::chrono duration (whole milliseconds
  // are kept); the integer overloads are milliseconds.
  [[nodiscard]] StubBuilder& with_latency(std::chrono::milliseconds base, std::chrono::milliseconds jitter = {});
  [[nodiscard]] StubBuilder& with_latency(std::int64_t base_ms, std::int64_t jitter_ms = 0) {
    return with_latency(std::chrono::milliseconds(base_ms), std::chrono::milliseconds(jitter_ms));
  }
  [[nodiscard]] StubBuilder& with_latency(Latency latency);  // e.g. lognormal(100ms, 0.5)
  [[nodiscard]] StubBuilder& with_connection_drop(double probability);
  [[nodiscard]] StubBuilder& with_fault(FaultKind kind, double probability = 1.0);
  [[nodiscard]] StubBuilder& with_fault(Fault fault);  // e.g. reset_stream with its reset_code
  [[nodiscard]] StubBuilder& with_dribble(int chunks, std::chrono::milliseconds duration);
  [[nodiscard]] StubBuilder& with_dribble(int chunks, std::int64_t duration_ms) {
    return with_dribble(chunks, std::chrono::milliseconds(duration_ms));
  }

  StubRef respond_with(Response response);
  StubRef respond_with(int status, std::string body = {}, Headers headers = {});
  StubRef respond_with_json(int status, const nlohmann::json& body, Headers headers = {});
  StubRef respond_with_template(int status, std::string template_body, Headers headers = {});
  // Answers the responses in turn: "503, 503, then 200" for a retry test. The call number
  // picks the response, so concurrent requests each get a different one.
  StubRef respond_with_sequence(std::vector<Response> responses, SequenceEnd end = SequenceEnd::repeat_last);
  // A C++ callback builds every answer (Responder).
  StubRef respond_with(Responder responder);
  StubRef respond_with_sse(EventStream stream);
  // A gRPC call's answer (mockhttp/grpc_reply.hpp): encoded at mount by the server's gRPC
  // services (ServerOptions::message_codecs); throws StubError when a message does not fit.
  StubRef respond_with_grpc(GrpcReply reply);
  // Replies answered in turn, one per call (like respond_with_sequence).
  StubRef respond_with_grpc_sequence(std::vector<GrpcReply> replies, SequenceEnd end = SequenceEnd::repeat_last);
  // A reply built per call by a C++ function (mockhttp/grpc_reply.hpp: GrpcResponder).
  StubRef respond_with_grpc(GrpcResponder responder);
  // A bidirectional call answered message by message (mockhttp/grpc_conversation.hpp): the
  // call is matched on its method and metadata when it opens.
  StubRef respond_with_grpc_conversation(GrpcConversation conversation);
  // Accepts a WebSocket upgrade and holds the conversation the script says
  // (mockhttp/websocket.hpp); the stub matches upgrade requests only. Needs mockhttp::websocket.
  StubRef respond_with_websocket(WebSocketScript script);
  StubRef proxy_to(ProxyTarget target);

 private:
  friend class StubsAndVerification;
  StubBuilder(std::shared_ptr<Engine> engine, std::shared_ptr<const StubPlacement> placement, Request request,
              SourceLocation mounted_at)
      : engine_(std::move(engine)), placement_(std::move(placement)), exceptions_at_start_(std::uncaught_exceptions()) {
    definition_.request = std::move(request);
    definition_.mounted_at = mounted_at;
  }
  StubRef mount();

  std::shared_ptr<Engine> engine_;
  std::shared_ptr<const StubPlacement> placement_;
  StubDefinition definition_;
  bool finished_ = false;        // the terminal ran, or the builder was moved from
  int exceptions_at_start_ = 0;  // std::uncaught_exceptions() when the builder was made
};

}  // namespace mockhttp
