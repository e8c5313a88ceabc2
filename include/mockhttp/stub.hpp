#pragma once
// Stubs: a request matcher, the response it earns and the chaos on the way. A StubRef names a
// mounted stub.
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
#include <mockhttp/recorded_request.hpp>
#include <mockhttp/request.hpp>
#include <mockhttp/response.hpp>
#include <mockhttp/source_location.hpp>
#include <mockhttp/verification.hpp>

namespace mockhttp {

class Engine;         // the engine behind a MockServer, inside the library
class StubPlacement;  // where a builder mounts: globally, in a scope, in a stub group

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
  // The action: `response` unless one of `sequence`, `responder`, `sse` or `proxy` is set (at
  // most one of those).
  Response response;
  std::vector<Response> sequence;  // answered in turn, one per call
  SequenceEnd sequence_end = SequenceEnd::repeat_last;
  Responder responder;
  std::optional<EventStream> sse;
  std::optional<ProxyTarget> proxy;
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

// A handle on a mounted stub. Copyable and cheap; it does not keep the server alive, and
// every call on it after the server is gone answers as for a removed stub.
// Dropping it is fine: the stub stays mounted (unlike a dropped StubBuilder, which mounts
// nothing, or a dropped Scope or StubGroup, which removes its stubs at once).
// Thread safety: all members may be called from any thread.
class StubRef {
 public:
  const std::string& id() const noexcept { return id_; }
  std::int64_t calls() const;  // requests this stub has answered; 0 once removed
  // Whether the stub has answered `times` requests (an exact count or a criteria on the
  // count); the report names the stub, where it was mounted and the closest requests.
  //   EXPECT_TRUE(ref.confirm_calls(2)) << ref.confirm_calls(2);
  [[nodiscard]] Verification confirm_calls(const Criteria& times) const;
  bool remove() const;         // false when it was already gone

 private:
  friend class Engine;
  StubRef(std::string id, std::weak_ptr<Engine> engine) : id_(std::move(id)), engine_(std::move(engine)) {}

  std::string id_;
  std::weak_ptr<Engine> engine_;
};

// The fluent builder returned by when_requested_with() on a MockServer, a Scope or a
// StubGroup. Nothing is mounted until a respond_with*() call or proxy_to() (the terminal), which
// mounts the stub and returns its handle. Chaos setters check their values at once and throw
// StubError.
// A builder that ends without its terminal mounted nothing: a chain that stops at a setter
// (`.expect(1);`) would test nothing, so the setters are [[nodiscard]] (a compiler warning), and
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
  [[nodiscard]] StubBuilder& when_state(std::string state);       // throws StubError before in_scenario()
  [[nodiscard]] StubBuilder& will_set_state(std::string state);   // throws StubError before in_scenario()

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
  StubRef proxy_to(ProxyTarget target);

 private:
  friend class MockServer;
  friend class Scope;
  friend class StubGroup;
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
  bool finished_ = false;  // the terminal ran, or the builder was moved from
  int exceptions_at_start_ = 0;  // std::uncaught_exceptions() when the builder was made
};

}  // namespace mockhttp
