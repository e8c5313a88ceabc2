#pragma once
// Expectations verified when a mock goes away, as wiremock-rs and GoogleMock do it.
//
//   {
//     MockServer server;
//     server.when_requested_with(Request{}.method("POST").path("/charge"))
//           .expect(1)                                  // or expect(between(1, 3))
//           .respond_with(200);
//     ... the code under test ...
//   }   // verified here: a stub answered a number of times its expect() refuses is reported
//
// A stub's expectation is checked when the MockServer, Scope or StubGroup it was mounted
// through ends (destruction, Scope::remove(), StubGroup::close()), and on verify(), which returns
// the same report as a Verification instead. It is never checked while the stack unwinds from
// an exception: that test has failed already.
//
// A failure goes to the expectation sink. The default sink writes the report to stderr and
// sets the flag expectations_failed(); including mockhttp/gtest.hpp installs a sink that reports
// a GoogleTest failure at the line where the stub was mounted.
//
// Thread safety: the sink is process-wide; set it from one thread before tests run (or inside
// one test at a time). It is called on the thread that ends the server, scope or group.
#include <functional>
#include <string>
#include <vector>

#include <mockhttp/source_location.hpp>

namespace mockhttp {

struct ExpectationFailure {
  std::string stub_id;
  std::string stub;           // the stub's request matcher, described
  SourceLocation mounted_at;  // where the stub was mounted from, when known
  std::string report;         // what was expected, how often it answered, the closest requests
};

using ExpectationSink = std::function<void(const ExpectationFailure& failure)>;

// Installs `sink` and returns the one it replaces; an empty function restores the default.
ExpectationSink set_expectation_sink(ExpectationSink sink);
// The default sink's flag: true once it has reported a failure (since the last clear).
bool expectations_failed() noexcept;
void clear_expectations_failed() noexcept;

// Checks, now, the expectations of every MockServer still alive (its scopes and groups too), as
// its end would; each stub is checked once, so the server's end later reports nothing again.
// mockhttp/gtest.hpp calls it after the last test, so that a suite-wide (static) server's unmet
// expectation fails the run instead of printing after "[  PASSED  ]".
void settle_live_servers();

// Stubs that ended without answering a single request, when tracking is on (the GoogleTest
// listener UnusedStubsListener of mockhttp/gtest.hpp turns it on and lists them at the end of
// the test binary). A stub is noted when its server, scope or group ends, as expectations are.
struct UnusedStub {
  std::string stub_id;
  std::string stub;  // the request matcher, described
  SourceLocation mounted_at;
};
void track_unused_stubs(bool on) noexcept;
bool tracking_unused_stubs() noexcept;
// The stubs noted so far, in the order they ended; the list is emptied.
std::vector<UnusedStub> take_unused_stubs();

}  // namespace mockhttp
