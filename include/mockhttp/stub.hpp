#pragma once
// Stubs: a request matcher and the response it earns. A StubRef names a mounted stub.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include <mockhttp/request.hpp>
#include <mockhttp/response.hpp>

namespace mockhttp {

namespace detail {
class ServerCore;
}

struct StubDefinition {
  Request request;
  Response response;
  // After this many wins the stub stops matching. Only the stub that answers a request
  // counts a call (assertive-mock-api counts every matching stub; see docs/stubs.md).
  std::optional<std::int64_t> max_calls;

  // The wire form of POST /__mock__/stubs: {"request", "action": {"response"}, "max_calls"}.
  nlohmann::json to_json() const;
};

// What stubs() lists: the definition, its id and how many requests it has answered.
struct StubInfo {
  std::string id;
  StubDefinition definition;
  std::int64_t calls = 0;

  nlohmann::json to_json() const;  // {"stub_id", "request", "action", "max_calls", "calls"}
};

// A handle on a mounted stub. Copyable and cheap; it does not keep the server alive, and
// every call on it after the server is gone answers as for a removed stub.
// Thread safety: all members may be called from any thread.
class StubRef {
 public:
  StubRef(std::string id, std::weak_ptr<detail::ServerCore> core)
      : id_(std::move(id)), core_(std::move(core)) {}
  const std::string& id() const noexcept { return id_; }
  std::int64_t calls() const;  // requests this stub has answered; 0 once removed
  bool remove() const;         // false when it was already gone

 private:
  std::string id_;
  std::weak_ptr<detail::ServerCore> core_;
};

// The fluent builder returned by MockServer::when_requested_with(). Nothing is mounted until a
// respond_with*() call, which mounts the stub and returns its handle.
class StubBuilder {
 public:
  StubBuilder(std::shared_ptr<detail::ServerCore> core, Request request)
      : core_(std::move(core)) {
    definition_.request = std::move(request);
  }

  StubBuilder& max_calls(std::int64_t calls);  // throws StubError when negative

  StubRef respond_with(Response response);
  StubRef respond_with(int status, std::string body = {}, Headers headers = {});
  StubRef respond_with_json(int status, const nlohmann::json& body, Headers headers = {});

 private:
  std::shared_ptr<detail::ServerCore> core_;
  StubDefinition definition_;
};

}  // namespace mockhttp
