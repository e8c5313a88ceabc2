#pragma once
// A connection that carries messages after its HTTP exchange (a WebSocket): the engine decides
// what each message gets, and the transport frames, sends and times it. Protocol-neutral in
// the way exchange/conversation.hpp is for a request's body: the engine makes a MessageSession
// when a stub accepts an upgrade (DeliveryPlan::session); the WebSocket transport
// (transport/websocket) feeds it each whole message and carries out the actions it returns.
// Thread safety: a session is called by its connection's thread only; an outlet is called from
// any thread (a test pushing), and hands its actions to that thread.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <mockhttp/websocket_message.hpp>

namespace mockhttp::detail {

// One thing for the connection to do, `after` the action before it in the same batch (or after
// the batch was returned, for the first).
struct SocketAction {
  enum class Kind {
    send,               // `message`
    close,              // the close handshake, with `code` and `reason`
    reset,              // the TCP connection reset, no close frame (chaos)
    end_without_close,  // FIN without a close frame (chaos)
    malformed_frame,    // a frame with a reserved opcode, then FIN (chaos)
  };
  Kind kind = Kind::send;
  WebSocketMessage message;
  std::uint16_t code = 1000;
  std::string reason;
  std::chrono::milliseconds after{0};

  static SocketAction send(WebSocketMessage message, std::chrono::milliseconds after = {}) {
    SocketAction action;
    action.message = std::move(message);
    action.after = after;
    return action;
  }
  static SocketAction close(std::uint16_t code, std::string reason, std::chrono::milliseconds after = {}) {
    SocketAction action;
    action.kind = Kind::close;
    action.code = code;
    action.reason = std::move(reason);
    action.after = after;
    return action;
  }
  static SocketAction fault(Kind kind) {
    SocketAction action;
    action.kind = kind;
    return action;
  }
};
using SocketActions = std::vector<SocketAction>;

// How a connection ended, as the transport saw it.
struct SocketEnding {
  std::optional<std::uint16_t> code;  // the close code received (or sent, when the server closed first)
  std::string reason;
  std::string by;  // "client", "server", "chaos", "network" (no close handshake), "server_stop"
};

// The transport's side of a live connection, reached from any thread.
class SocketOutlet {
 public:
  virtual ~SocketOutlet() = default;
  // Queued for the connection's thread, which carries them out in order. False, and nothing
  // queued, once the connection is closing or has ended: nothing more would be sent.
  virtual bool perform(SocketActions actions) = 0;
};

class MessageSession {
 public:
  virtual ~MessageSession() = default;
  // The upgrade's extra answer headers were sent and the connection is open. `outlet` reaches it
  // from other threads until ended() returns. Returns what to send first.
  virtual SocketActions opened(std::shared_ptr<SocketOutlet> outlet) = 0;
  // A whole message the client sent.
  virtual SocketActions received(WebSocketMessage message) = 0;
  // A message was written to the client (a reply, a push).
  virtual void sent(const WebSocketMessage& message) = 0;
  virtual void ended(const SocketEnding& ending) = 0;
  // Whether pings get their pong (chaos may leave them unanswered).
  virtual bool answers_pings() const = 0;
};

}  // namespace mockhttp::detail
