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
// (Called StubSession in 0.1. A Softprobe ReplaySession is another thing:
// mockhttp/replay_session.hpp.)
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
#include <mockhttp/stubs_and_verification.hpp>
#include <mockhttp/verification.hpp>

namespace mockhttp {

// Stubs and verification come from StubsAndVerification with the group's reach: its stubs
// mount in the group's scope (or globally), its counts, waits, sequences and requests() are
// those of that scope (or of requests in no scope), stubs() lists the group's own stubs still
// mounted and verify() checks their expect(). Adding a stub throws StubError once closed.
class [[nodiscard]] StubGroup : public StubsAndVerification {
 public:
  ~StubGroup();  // close(), never throws
  StubGroup(StubGroup&& other) noexcept = default;
  StubGroup& operator=(StubGroup&& other) noexcept;
  StubGroup(const StubGroup&) = delete;
  StubGroup& operator=(const StubGroup&) = delete;

  std::vector<std::string> stub_ids() const;  // mounted through this group, oldest first

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

 private:
  friend class MockServer;
  friend class Scope;
  // False for every instantiation: a static_assert on it fires only when a refused call is made.
  template <typename...>
  static constexpr bool refused_at_compile_time = false;
  StubGroup(std::shared_ptr<Engine> engine, std::shared_ptr<const StubPlacement> placement);

  int exceptions_at_start_;
};

}  // namespace mockhttp
