#include "transport/connection_handoff.hpp"

#include <atomic>

namespace mockhttp::detail {

namespace {
// A constant-initialised atomic: registration from another library's static initialiser may run
// before or after this file's, and finds it ready either way.
std::atomic<const ConnectionProtocol*> http2_support{nullptr};
std::atomic<const WebSocketSupport*> websocket_support{nullptr};
}  // namespace

const ConnectionProtocol* linked_http2_support() { return http2_support.load(std::memory_order_acquire); }

void register_http2_support(const ConnectionProtocol* support) {
  http2_support.store(support, std::memory_order_release);
}

const WebSocketSupport* linked_websocket_support() { return websocket_support.load(std::memory_order_acquire); }

void register_websocket_support(const WebSocketSupport* support) {
  websocket_support.store(support, std::memory_order_release);
}

}  // namespace mockhttp::detail
