#pragma once
// Stubs: a request matcher, the response it earns and the chaos on the way. A StubRef names a
// mounted stub.
#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include <mockhttp/chaos.hpp>
#include <mockhttp/event_stream.hpp>
#include <mockhttp/proxy.hpp>
#include <mockhttp/request.hpp>
#include <mockhttp/response.hpp>

namespace mockhttp {

class Engine;         // the engine behind a MockServer, inside the library
class StubPlacement;  // where a builder mounts: globally, in a scope, in a stub group

struct StubDefinition {
  Request request;
  // The action: `response` unless `sse` or `proxy` is set (at most one of those two).
  Response response;
  std::optional<EventStream> sse;
  std::optional<ProxyTarget> proxy;
  // After this many wins the stub stops matching. Only the stub that answers a request
  // counts a call (assertive-mock-api counts every matching stub; see docs/stubs.md).
  std::optional<std::int64_t> max_calls;
  Chaos chaos;

  // The wire form of POST /__mock__/stubs: {"request", "action": {"response" | "sse" |
  // "proxy"}, "max_calls", "chaos"}.
  nlohmann::json to_json() const;
  // Reads it; throws DocumentError (CriteriaError inside "request") with the JSON Pointer of
  // the problem. Exactly one action is required; unknown fields are refused.
  static StubDefinition from_json(const nlohmann::json& document, const std::string& pointer = "");
  // Checks a definition built in C++: max_calls, chaos, the action. Throws StubError or
  // DocumentError naming the field.
  void validate() const;
};

// What stubs() lists: the definition, its id and how many requests it has answered.
struct StubInfo {
  std::string id;
  StubDefinition definition;
  std::int64_t calls = 0;
  std::optional<std::string> scope;  // the scope it belongs to; empty: global

  // {"stub_id", "request", "action", "max_calls", "chaos", "scope", "calls"}
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
  bool remove() const;         // false when it was already gone

 private:
  friend class Engine;
  StubRef(std::string id, std::weak_ptr<Engine> engine) : id_(std::move(id)), engine_(std::move(engine)) {}

  std::string id_;
  std::weak_ptr<Engine> engine_;
};

// The fluent builder returned by when_requested_with() on a MockServer, a Scope or a
// StubGroup. Nothing is mounted until a respond_with*() call, which mounts the stub and
// returns its handle. Chaos setters check their values at once and throw StubError.
// Thread safety: build on one thread; the mounted stub is then safe from any thread.
class [[nodiscard]] StubBuilder {
 public:
  StubBuilder& max_calls(std::int64_t calls);  // throws StubError when negative

  // Chaos (docs/chaos.md). Each may be combined with the others; a second call of the same
  // setter replaces the first. Durations take any std::chrono duration (whole milliseconds
  // are kept); the integer overloads are milliseconds.
  StubBuilder& with_latency(std::chrono::milliseconds base, std::chrono::milliseconds jitter = {});
  StubBuilder& with_latency(std::int64_t base_ms, std::int64_t jitter_ms = 0) {
    return with_latency(std::chrono::milliseconds(base_ms), std::chrono::milliseconds(jitter_ms));
  }
  StubBuilder& with_connection_drop(double probability);
  StubBuilder& with_fault(FaultKind kind, double probability = 1.0);
  StubBuilder& with_dribble(int chunks, std::chrono::milliseconds duration);
  StubBuilder& with_dribble(int chunks, std::int64_t duration_ms) {
    return with_dribble(chunks, std::chrono::milliseconds(duration_ms));
  }

  StubRef respond_with(Response response);
  StubRef respond_with(int status, std::string body = {}, Headers headers = {});
  StubRef respond_with_json(int status, const nlohmann::json& body, Headers headers = {});
  StubRef respond_with_template(int status, std::string template_body, Headers headers = {});
  StubRef respond_with_sse(EventStream stream);
  StubRef proxy_to(ProxyTarget target);

 private:
  friend class MockServer;
  friend class Scope;
  friend class StubGroup;
  StubBuilder(std::shared_ptr<Engine> engine, std::shared_ptr<const StubPlacement> placement, Request request)
      : engine_(std::move(engine)), placement_(std::move(placement)) {
    definition_.request = std::move(request);
  }
  StubRef mount();

  std::shared_ptr<Engine> engine_;
  std::shared_ptr<const StubPlacement> placement_;
  StubDefinition definition_;
};

}  // namespace mockhttp
