#pragma once
// StubsAndVerification: what a MockServer, a Scope and a StubGroup all offer — mounting stubs
// and verifying the requests they see — declared and implemented once, so the three cannot
// drift apart. Each of them is one of these with a reach:
//
//   reach      stubs mount          confirm_request, wait_for,     requests(), stubs()     verify()
//                                   confirm_sequence count
//   server     global               requests in no scope           every one               every stub
//   scope      in the scope         the scope's requests           the scope's             the scope's stubs
//   group      the group's scope    the requests of the group's    as its counts;           the group's stubs
//              (or global)          scope (or in no scope)         the group's own stubs
//
// A request in a scope never changes a global count, so parallel tests sharing one server
// never see each other's traffic.
// Thread safety: every member may be called from any thread; a single object must not be moved
// or destroyed while another thread uses it.
#include <chrono>
#include <memory>
#include <vector>

#include <mockhttp/criteria.hpp>
#include <mockhttp/recorded_request.hpp>
#include <mockhttp/request.hpp>
#include <mockhttp/source_location.hpp>
#include <mockhttp/stub.hpp>
#include <mockhttp/stub_definition.hpp>
#include <mockhttp/stub_ref.hpp>
#include <mockhttp/verification.hpp>
#include <mockhttp/websocket_connection.hpp>

namespace mockhttp {

class Engine;         // the engine behind a MockServer, inside the library
class StubPlacement;  // where stubs mount: globally, in a scope, in a stub group

class StubsAndVerification {
 public:
  // Stubs. The stub remembers the file and line of the call (reports name it); add_stub uses
  // the caller's unless the definition names one. A deleted scope or a closed group refuses
  // new stubs (ScopeError, StubError), at the terminal of the builder.
  StubBuilder when_requested_with(Request request, SourceLocation where = SourceLocation::current());
  StubRef add_stub(StubDefinition definition, SourceLocation where = SourceLocation::current());
  std::vector<StubInfo> stubs() const;  // oldest first

  // The journal, oldest first.
  std::vector<RecordedRequest> requests() const;

  // Verification. `times` is an exact count (2) or a criteria on the count (between(1, 3));
  // at least once by default.
  Verification confirm_request(const Request& matcher, const Criteria& times = gte(1)) const;
  // Waits until confirm_request(matcher, times) holds, for clients that call from other threads
  // (asio, curl multi, thread pools): woken by each request the server journals, it returns as
  // soon as the count satisfies `times`, or after `timeout` with the same near-miss report.
  Verification wait_for(const Request& matcher, const Criteria& times = gte(1),
                        std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  // Requests matching m1, then m2, then m3, in the order received (other requests may come
  // between them). A failure names the step that found no request after the previous step's,
  // and a matching request that came too early, by journal index (#1 is the oldest).
  Verification confirm_sequence(const std::vector<Request>& matchers) const;
  // The expect() of the stubs in reach, now; the end of the server, scope or group checks them
  // again and reports failures to the expectation sink (mockhttp/expectations.hpp).
  Verification verify() const;

  // WebSocket (docs/websocket.md). Messages the client sent whose payload matches (criteria on
  // the text; a plain object names JSON fields), counted as confirm_request counts requests:
  // confirm_request(websocket_received(payload), times).
  Verification confirm_message(const Criteria& payload, const Criteria& times = gte(1)) const;
  // The connections in reach whose upgrade request matches `upgrade`, oldest first: open ones,
  // and closed ones too when `include_closed`.
  std::vector<WebSocketConnection> websockets(const Request& upgrade = Request{}, bool include_closed = false) const;
  // The newest open connection in reach whose upgrade matches (after a reconnect, the one the
  // client is on now), waiting up to `timeout` for one to open; throws WebSocketError naming the
  // connections there are when none does.
  WebSocketConnection wait_for_websocket(const Request& upgrade = Request{},
                                         std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

 protected:
  enum class Reach { server, scope, group };

  StubsAndVerification(std::shared_ptr<Engine> engine, std::shared_ptr<const StubPlacement> placement, Reach reach);
  StubsAndVerification(StubsAndVerification&&) noexcept = default;
  StubsAndVerification& operator=(StubsAndVerification&&) noexcept = default;
  StubsAndVerification(const StubsAndVerification&) = delete;
  StubsAndVerification& operator=(const StubsAndVerification&) = delete;
  ~StubsAndVerification() = default;  // never deleted through the base

  std::shared_ptr<Engine> engine_;                  // null once moved from
  std::shared_ptr<const StubPlacement> placement_;  // null once moved from
  Reach reach_;
};

}  // namespace mockhttp
