#pragma once
// StubSession: stubs that last as long as a block of test code. Every stub mounted through the
// session is removed when it ends (destruction or close()); stubs mounted otherwise stay.
//
//   {
//     StubSession session = server.new_session();      // or scope.new_session()
//     session.when_requested_with(Request{}.path("/flag")).respond_with(200, "on");
//     ...
//   }                                                  // the /flag stub is gone
//
// A session opened from a Scope mounts into that scope and verifies against it; one opened
// from the server mounts global stubs and verifies against global requests.
//
// Thread safety: every member may be called from any thread; a single StubSession object must
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

namespace detail {
// False for every instantiation: a static_assert on it fires only when a refused call is made.
template <typename...>
inline constexpr bool refused_at_compile_time = false;
}

class StubSession {
 public:
  ~StubSession();  // close(), never throws
  StubSession(StubSession&& other) noexcept = default;
  StubSession& operator=(StubSession&& other) noexcept;
  StubSession(const StubSession&) = delete;
  StubSession& operator=(const StubSession&) = delete;

  StubBuilder when_requested_with(Request request);  // throws StubError once closed
  StubRef add_stub(StubDefinition definition);
  Verification confirm_request(const Request& matcher, const Criteria& times = gte(1)) const;
  std::vector<std::string> stub_ids() const;  // mounted through this session, oldest first

  // Removes the session's stubs; returns how many were still mounted. Idempotent.
  std::size_t close();

  // A session lives inside a scope, never the other way round, and sessions do not nest.
  // Both are refused at compile time.
  template <typename... Args>
  void new_scope(Args&&...) {
    static_assert(detail::refused_at_compile_time<Args...>,
                  "A stub session cannot open a scope: open the scope first, then scope.new_session()");
  }
  template <typename... Args>
  void new_session(Args&&...) {
    static_assert(detail::refused_at_compile_time<Args...>,
                  "Nested sessions are not supported: one session already removes its stubs when it ends");
  }

 private:
  friend class MockServer;
  friend class Scope;
  explicit StubSession(detail::MountTarget target);

  detail::MountTarget target_;
};

}  // namespace mockhttp
