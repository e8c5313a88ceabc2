#pragma once
// WebSocketScript: what a stub does with a WebSocket upgrade it wins (docs/websocket.md). The
// upgrade request is matched like any request (path, query, headers, scope, replay session);
// a stub answering it with an ordinary response refuses it with that status and body, and a
// stub answering it with a script accepts it (101), then holds the conversation:
//
//   server.when_requested_with(Request{}.path("/feed"))
//         .respond_with_websocket(WebSocketScript{}
//             .subprotocol("prices.v1")
//             .on_open(WebSocketMessage::json({{"type", "hello"}}))
//             .on_message(as_json(key_values({{"op", "subscribe"}})),
//                         WebSocketReply{}.send(WebSocketMessage::json({{"type", "subscribed"}})))
//             .on_message(eq("bye"), WebSocketReply{}.close(1000, "bye")));
//
// Each message the client sends is matched against the reply rules in order (criteria on its
// text; a binary message's bytes as base64); the first that matches sends its reply (a rule
// given several replies answers its first match with the first, its second with the second,
// and repeats the last). A message no rule matches goes to the responder when there is one,
// else gets what when_unmatched() says. The test reaches accepted connections through
// MockServer::websockets() and pushes messages of its own.
//
// On the wire: {"websocket": {"subprotocols": [...], "headers": {...}, "on_open": [<message>],
// "replies": [{"message": <criteria>, "kind": "text" | "binary", "reply": <reply> |
// "sequence": [<reply>...]}], "unmatched": "ignore" | "near_miss" | "close", "chaos": {...}}},
// a reply being {"messages": [<message>], "close": {"code", "reason", "delay_ms"}}.
// Thread safety: a value type: build on one thread, then share freely. The responder runs on
// the connection's thread, one message at a time per connection.
#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include <mockhttp/chaos.hpp>
#include <mockhttp/criteria.hpp>
#include <mockhttp/grpc_conversation.hpp>
#include <mockhttp/recorded_request.hpp>
#include <mockhttp/response.hpp>
#include <mockhttp/websocket_message.hpp>

namespace mockhttp {

// A close the server starts: the close frame with `code` and `reason` (at most 123 bytes),
// `delay` after the reply's messages.
struct WebSocketClose {
  std::uint16_t code = 1000;
  std::string reason;
  std::chrono::milliseconds delay{0};
};

// Whether a server may send `code` in a close frame (RFC 6455 §7.4): 1000-1003, 1007-1014 and
// 3000-4999 (1004-1006 and 1015 are reserved or never sent).
bool close_code_sendable(std::uint16_t code);

class WebSocketReply {
 public:
  WebSocketReply() = default;
  WebSocketReply(WebSocketMessage message) { messages_.push_back(std::move(message)); }  // NOLINT: one message

  WebSocketReply& send(WebSocketMessage message);
  WebSocketReply& close(std::uint16_t code = 1000, std::string reason = "",
                        std::chrono::milliseconds delay = std::chrono::milliseconds(0));

  const std::vector<WebSocketMessage>& messages() const { return messages_; }
  const std::optional<WebSocketClose>& closing() const { return close_; }

  nlohmann::json to_json() const;
  static WebSocketReply from_json(const nlohmann::json& document, const std::string& pointer = "");

 private:
  std::vector<WebSocketMessage> messages_;
  std::optional<WebSocketClose> close_;
};

struct WebSocketRule {
  Criteria message;                 // on WebSocketMessage::subject()
  std::optional<MessageKind> kind;  // set: only messages of that kind
  std::vector<WebSocketReply> replies;
};

// Builds the reply to one message of the connection `upgrade` opened (its path, headers and
// scope). May throw: the connection is then closed 1011 naming the exception.
using WebSocketResponder =
    std::function<WebSocketReply(const WebSocketMessage& message, const RecordedRequest& upgrade)>;

// How a connection is broken on purpose (docs/websocket.md#chaos).
enum class MessageFault {
  drop,                     // the TCP connection is reset, no close frame
  close_without_handshake,  // the connection ends (FIN) without a close frame
  malformed_frame,          // a frame no client may accept (a reserved opcode), then the end
};
std::string message_fault_name(MessageFault fault);

// Chaos per message, drawn from the server's seed, the stub, the connection's number among the
// stub's connections and the message's number, so a seed replays a run exactly.
struct WebSocketChaos {
  std::optional<Latency> latency;  // added before each reply (and the messages sent on open)
  std::optional<MessageFault> fault;
  double probability = 1.0;  // drawn at each message the client sends
  // Set: the fault fires at this message the client sends (1 = the first), not at random.
  std::optional<std::int64_t> after_messages;
  bool unanswered_pings = false;  // pings get no pong

  bool empty() const { return !latency && !fault && !unanswered_pings; }
  nlohmann::json to_json() const;
  static WebSocketChaos from_json(const nlohmann::json& document, const std::string& pointer = "");
};

class WebSocketScript {
 public:
  WebSocketScript() = default;
  // A subprotocol the stub speaks; of those the client offers (Sec-WebSocket-Protocol), the
  // first the stub names is chosen, in the stub's order. None in common: none is chosen.
  WebSocketScript& subprotocol(std::string name);
  WebSocketScript& header(std::string name, std::string value);  // extra headers of the 101
  WebSocketScript& on_open(WebSocketMessage message);
  WebSocketScript& on_message(Criteria message, WebSocketReply reply);
  // A sequence: the rule's first match gets the first reply, ..., the last repeats.
  WebSocketScript& on_message(Criteria message, std::vector<WebSocketReply> replies);
  WebSocketScript& on_binary(Criteria base64, WebSocketReply reply);
  WebSocketScript& on_message(WebSocketResponder responder);  // answers what no rule matched
  // What a message nothing answers gets: ignore (the default; it is still journaled), a text
  // frame with the near-miss report (near_miss), or close 1008 naming why (end_call).
  WebSocketScript& when_unmatched(UnmatchedMessage what);
  WebSocketScript& chaos(WebSocketChaos chaos);

  const std::vector<std::string>& subprotocols() const { return subprotocols_; }
  const Headers& headers() const { return headers_; }
  const std::vector<WebSocketMessage>& opening() const { return opening_; }
  const std::vector<WebSocketRule>& rules() const { return rules_; }
  const WebSocketResponder& responder() const { return responder_; }
  UnmatchedMessage unmatched() const { return unmatched_; }
  const WebSocketChaos& message_chaos() const { return chaos_; }

  // Throws StubError naming the field: a close code a server may not send, a reason over 123
  // bytes, a text message that is not UTF-8, a probability outside [0, 1].
  void validate() const;
  nlohmann::json to_json() const;
  static WebSocketScript from_json(const nlohmann::json& document, const std::string& pointer = "");

 private:
  std::vector<std::string> subprotocols_;
  Headers headers_;
  std::vector<WebSocketMessage> opening_;
  std::vector<WebSocketRule> rules_;
  WebSocketResponder responder_;
  UnmatchedMessage unmatched_ = UnmatchedMessage::ignore;
  WebSocketChaos chaos_;
};

}  // namespace mockhttp
