#pragma once
// StubGroup: stubs that last as long as a block of test code. Every stub mounted through the
// group is removed when it ends (destruction or close()); stubs mounted otherwise stay.
//
//   {
//     StubGroup group = server.new_group();               // or scope.new_group()
//     group.when_requested_with(Request{}.path("/flag")).respond_with(200, "on");
//     ...
//   }                                                    // the /flag stub is gone
//
// A group opened from a Scope mounts into that scope and verifies against it; one opened from
// the server mounts global stubs and verifies against global requests.
// (Called StubSession until 0.2; the old names remain as deprecated aliases for one release.
// A Softprobe ReplaySession is another thing: mockhttp/replay_session.hpp.)
//
// Thread safety: every member may be called from any thread; a single StubGroup object must
// not be moved or destroyed while another thread uses it.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <mockhttp/criteria.hpp>
#include <mockhttp/request.hpp>
#include <mockhttp/stub.hpp>
#include <mockhttp/verification.hpp>

namespace mockhttp {

class [[nodiscard]] StubGroup {
 public:
  ~StubGroup();  // close(), never throws
  StubGroup(StubGroup&& other) noexcept = default;
  StubGroup& operator=(StubGroup&& other) noexcept;
  StubGroup(const StubGroup&) = delete;
  StubGroup& operator=(const StubGroup&) = delete;

  // The stub's respond_with throws StubError once closed.
  StubBuilder when_requested_with(Request request, SourceLocation where = SourceLocation::current());
  StubRef add_stub(StubDefinition definition, SourceLocation where = SourceLocation::current());
  [[nodiscard]] Verification confirm_request(const Request& matcher, const Criteria& times = gte(1)) const;
  std::vector<std::string> stub_ids() const;  // mounted through this group, oldest first
  // The expect() of the group's stubs, now.
  [[nodiscard]] Verification verify() const;

  // Verifies the group's expectations (to the sink, unless unwinding from an exception), then
  // removes its stubs; returns how many were still mounted. Idempotent.
  std::size_t close();

  // A group lives inside a scope, never the other way round, and groups do not nest. Both
  // are refused at compile time.
  template <typename... Args>
  void new_scope(Args&&...) {
    static_assert(refused_at_compile_time<Args...>,
                  "A stub group cannot open a scope: open the scope first, then scope.new_group()");
  }
  template <typename... Args>
  void new_group(Args&&...) {
    static_assert(refused_at_compile_time<Args...>,
                  "Nested stub groups are not supported: one group already removes its stubs when it ends");
  }
  template <typename... Args>
  void new_session(Args&&...) {
    static_assert(refused_at_compile_time<Args...>,
                  "Nested stub groups are not supported: one group already removes its stubs when it ends");
  }

 private:
  friend class MockServer;
  friend class Scope;
  // False for every instantiation: a static_assert on it fires only when a refused call is made.
  template <typename...>
  static constexpr bool refused_at_compile_time = false;
  StubGroup(std::shared_ptr<Engine> engine, std::shared_ptr<const StubPlacement> placement);

  std::shared_ptr<Engine> engine_;
  std::shared_ptr<const StubPlacement> placement_;
  int exceptions_at_start_;
};

using StubSession [[deprecated("renamed StubGroup (mockhttp/stub_group.hpp)")]] = StubGroup;

}  // namespace mockhttp
