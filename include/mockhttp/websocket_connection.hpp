#pragma once
// WebSocketConnection: a handle on one WebSocket connection a stub accepted, for pushing
// messages to its client, closing it, and waiting for what the client sends
// (docs/websocket.md#push). MockServer::websockets() lists them; wait_for_websocket() gives the
// newest open one, waiting for one to open.
//
//   auto feed = server.wait_for_websocket(Request{}.path("/prices"));
//   feed.send(WebSocketMessage::json({{"symbol", "ACME"}, {"price", 101.5}}));
//   auto ack = feed.wait_for_message(as_json(key_values({{"ack", "ACME"}})));
//   ASSERT_TRUE(ack.has_value());
//   feed.close(1001, "maintenance");
//
// Thread safety: every member may be called from any thread; what it sends is carried out by
// the connection's own thread, in the order called. A handle whose server is gone, or whose
// connection has ended, sends nothing: send() and close() then throw WebSocketError.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <mockhttp/criteria.hpp>
#include <mockhttp/websocket.hpp>
#include <mockhttp/websocket_connection_info.hpp>
#include <mockhttp/websocket_message.hpp>

namespace mockhttp {

class Engine;

class WebSocketConnection {
 public:
  std::uint64_t id() const { return id_; }
  WebSocketConnectionInfo info() const;  // as it is now
  bool is_open() const;

  void send(const WebSocketMessage& message);
  void send_text(std::string text) { send(WebSocketMessage::text(std::move(text))); }
  void send_json(const nlohmann::json& value) { send(WebSocketMessage::json(value)); }
  void send_binary(std::string bytes) { send(WebSocketMessage::binary(std::move(bytes))); }
  // The close handshake with `code` (1000, 1001, 1008, 1011, 3000-4999, ...) and `reason`.
  void close(std::uint16_t code = 1000, const std::string& reason = "");
  // Breaks the connection without a close frame, as a network failure would: `fault` drop
  // resets it, close_without_handshake ends it, malformed_frame sends a frame no client accepts.
  void break_connection(MessageFault fault = MessageFault::drop);

  // The next message from the client matching `criteria` (on its text, or a binary message's
  // bytes as base64; a plain object names JSON fields) that this handle has not yet returned,
  // waiting up to `timeout`. nullopt when none came, or the connection ended first.
  [[nodiscard]] std::optional<WebSocketMessage> wait_for_message(
      const Criteria& criteria = exists(), std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Until the connection ends; false when it is still open after `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  // Every message the client has sent (the newest 10,000), oldest first.
  std::vector<WebSocketMessage> received() const;

 private:
  friend class StubsAndVerification;
  WebSocketConnection(std::weak_ptr<Engine> engine, std::uint64_t id) : engine_(std::move(engine)), id_(id) {}
  std::shared_ptr<Engine> engine() const;

  std::weak_ptr<Engine> engine_;
  std::uint64_t id_ = 0;
  std::size_t cursor_ = 0;  // the number of the next message wait_for_message looks at
};

}  // namespace mockhttp
