#pragma once
// Scope: isolation for tests that share one server. A request belongs to scope "checkout" when
// it carries a header named `checkout` (any value): it is answered by the scope's stubs first
// and the global ones second, and only the scope's confirm_request() counts it.
//
//   MockServer server;                                   // shared by many tests
//   Scope scope = server.new_scope("checkout");          // deleted when `scope` is destroyed
//   scope.when_requested_with(Request{}.path("/pay")).respond_with(200, "ok");
//   client.Post("/pay", {scope.header()}, ...);          // header "checkout: 1"
//   EXPECT_TRUE(scope.confirm_request(Request{}.path("/pay"), 1));
//
// Deleting a scope (destruction, remove(), MockServer::delete_scope) removes its stubs, its
// journal entries and its scenario states; a later scope of the same name starts empty. The
// destructor and remove() first verify the expectations of its stubs.
//
// Thread safety: every member may be called from any thread, on many scopes at once; a
// single Scope object must not be moved or destroyed while another thread uses it.
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <mockhttp/criteria.hpp>
#include <mockhttp/recorded_request.hpp>
#include <mockhttp/request.hpp>
#include <mockhttp/stub.hpp>
#include <mockhttp/stub_group.hpp>
#include <mockhttp/stubs_and_verification.hpp>
#include <mockhttp/verification.hpp>

namespace mockhttp {

// Stubs and verification come from StubsAndVerification with the scope's reach: its stubs
// belong to the scope, and it lists and counts only the scope's own requests and stubs. Adding a
// stub throws ScopeError once the scope is deleted.
class [[nodiscard]] Scope : public StubsAndVerification {
 public:
  ~Scope();  // deletes the scope if it still exists; never throws
  Scope(Scope&& other) noexcept;
  Scope& operator=(Scope&& other) noexcept;
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

  const std::string& name() const;  // lowercase, as it must appear as a header name
  // The header that puts a request in this scope: {name(), "1"}.
  std::pair<std::string, std::string> header() const;
  bool alive() const;  // false once deleted, by whatever means

  // The scope's scenarios: requests of this scope read and move these, for every stub.
  std::string scenario_state(const std::string& name) const;
  void set_scenario_state(const std::string& name, std::string state);
  void reset_scenarios();

  // A group whose stubs belong to this scope and are removed when the group ends.
  StubGroup new_group();

  // Deletes the scope now; throws ScopeError when it was already deleted.
  void remove();

  // Scopes do not nest: a request carries one scope header. Refused at compile time.
  template <typename... Args>
  void new_scope(Args&&...) {
    static_assert(refused_at_compile_time<Args...>,
                  "Nested scopes are not supported: open each scope from the MockServer (server.new_scope)");
  }

 private:
  friend class MockServer;
  template <typename...>
  static constexpr bool refused_at_compile_time = false;
  Scope(std::shared_ptr<Engine> engine, std::shared_ptr<const StubPlacement> placement);

  void end();  // verifies (unless unwinding) and deletes the scope

  int exceptions_at_start_;
};

// A valid scope name derived from any text — a parameterized test's name ("Works/0"), a header
// name ("Accept"), a sentence. Characters outside [A-Za-z0-9_-] become '-', a standard header
// name gets a "scope-" prefix, and a long text is cut to fit; whenever the text had to change,
// eight hex digits of its hash are appended, so two different texts never share a name.
// Lower-case, as scopes are stored. Thread safety: a pure function.
[[nodiscard]] std::string scope_name_from(const std::string& text);

}  // namespace mockhttp
