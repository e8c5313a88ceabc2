#pragma once
// StubRef: the handle on a mounted stub that every mount returns.
#include <cstdint>
#include <memory>
#include <string>

#include <mockhttp/criteria.hpp>
#include <mockhttp/verification.hpp>

namespace mockhttp {

class Engine;  // the engine behind a MockServer, inside the library

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
  Verification confirm_calls(const Criteria& times) const;
  bool remove() const;  // false when it was already gone

 private:
  // The engine mounts and returns an id; the handles that mount wrap it.
  friend class StubsAndVerification;
  friend class StubBuilder;
  friend class MockServer;
  StubRef(std::string id, std::weak_ptr<Engine> engine) : id_(std::move(id)), engine_(std::move(engine)) {}

  std::string id_;
  std::weak_ptr<Engine> engine_;
};

}  // namespace mockhttp
