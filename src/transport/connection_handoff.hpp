#pragma once
// How the listener hands a connection to a protocol it does not speak itself. The listener
// reads HTTP/1.1; HTTP/2 lives in the opt-in library mockhttp::http2 (nghttp2), which registers
// itself here when a program links it, so a program linking only mockhttp::mockhttp links no
// nghttp2. The listener decides per connection, from what it already knows: the client's first
// bytes (a preface), an HTTP/1.1 request asking to upgrade, or the protocol ALPN chose.
// The protocol then owns the connection until it ends, and answers its requests through the
// same `handle` as HTTP/1.1 (one engine, one selection path).
// Thread safety: registration happens during static initialisation; the rest is read-only.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <openssl/ssl.h>

#include <mockhttp/recorded_request.hpp>

#include "exchange/conversation.hpp"
#include "exchange/delivery_plan.hpp"
#include "exchange/message_session.hpp"

namespace mockhttp::detail {

// One connection, as the listener hands it over.
struct HandedConnection {
  int socket = -1;
  SSL* ssl = nullptr;        // set: the connection speaks TLS (ALPN chose the protocol)
  std::string already_read;  // bytes the listener read before deciding (the preface), in order
  std::uint64_t connection_id = 0;
  std::optional<std::string> tunnel;  // inside an intercepted CONNECT tunnel: the host:port asked for
  // An HTTP/1.1 request that asked to switch (`Upgrade: h2c`); the protocol answers it as its
  // first exchange. `upgrade_settings` is the request's protocol-specific header (HTTP2-Settings).
  std::optional<RecordedRequest> upgraded_request;
  std::string upgrade_settings;
  // Bytes the protocol sends before anything else (a WebSocket's 101 head), in order.
  std::string answer_head;
};

// What the protocol owes the engine and the listener.
struct HandoffEnvironment {
  std::function<DeliveryPlan(RecordedRequest)> handle;  // may block (a forward, a responder): run it off the loop
  // A request answered while its body arrives (exchange/conversation.hpp): the loop asks
  // may_converse once its head has come, a worker opens it. May be empty.
  std::function<bool(const RecordedRequest&)> may_converse;
  std::function<std::optional<ConversationOpening>(RecordedRequest)> open_conversation;
  std::function<void(const std::string&)> log;  // may be empty
  std::function<bool()> still_serving;          // false: the server stops; end promptly
  std::size_t max_body_bytes = 0;               // 0: no bound
  std::size_t max_header_count = 0;             // 0: no bound
  std::uint32_t max_concurrent_streams = 100;
  std::chrono::milliseconds idle_timeout{5000};  // a connection with nothing open closes after it
};

class ConnectionProtocol {
 public:
  virtual ~ConnectionProtocol() = default;
  // The name ALPN negotiates ("h2") and the token of `Upgrade:` on a cleartext connection ("h2c").
  virtual std::string_view alpn_name() const = 0;
  virtual std::string_view upgrade_token() const = 0;
  // The bytes a client starts a connection with when it knows the protocol in advance.
  virtual std::string_view preface() const = 0;
  // Serves the connection until it ends; the caller then closes the socket (and frees `ssl`).
  virtual void serve(HandedConnection connection, const HandoffEnvironment& environment) const = 0;
};

// The HTTP/2 support linked into this program, or null. `support` must live forever.
const ConnectionProtocol* linked_http2_support();
void register_http2_support(const ConnectionProtocol* support);

// What bounds one WebSocket connection (ServerOptions::websocket_*).
struct WebSocketLimits {
  std::size_t max_message_bytes = 16u * 1024 * 1024;  // 1009 beyond it
  std::size_t max_unsent_bytes = 16u * 1024 * 1024;   // 1008 beyond it: a client that does not read
  // Frames of one message: endless empty continuations add no bytes, so they are counted.
  std::size_t max_fragments = 100000;
  // After the server's close frame, how long the client has to answer before the connection ends.
  std::chrono::milliseconds close_timeout{2000};
};

// WebSocket, in the opt-in library mockhttp::websocket (wslay), registered the same way: the
// listener writes the 101 the engine decided, then hands the connection to it.
class WebSocketSupport {
 public:
  virtual ~WebSocketSupport() = default;
  // Runs the connection until it ends; the caller then closes the socket (and frees `ssl`).
  virtual void serve(HandedConnection connection, std::shared_ptr<MessageSession> session,
                     const WebSocketLimits& limits, const std::function<bool()>& still_serving) const = 0;
};

const WebSocketSupport* linked_websocket_support();
void register_websocket_support(const WebSocketSupport* support);

}  // namespace mockhttp::detail
