#pragma once
// One WebSocket message as a value: what a stub sends, what a test pushes, what a client sent
// (docs/websocket.md). Text is UTF-8; a binary message's bytes are kept as they are and appear
// as base64 on the wire, in the journal and to criteria.
//
//   WebSocketMessage::json({{"price", 101.5}}).after(std::chrono::milliseconds(20))
//
// On the wire: {"text": "..."} | {"json": <any JSON, sent as its text>} | {"binary_base64": "..."},
// with an optional "delay_ms".
// Thread safety: a value type.
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

namespace mockhttp {

enum class MessageKind { text, binary };
// Which way a journaled message went: from the client ("received") or to it ("sent").
enum class MessageDirection { received, sent };

std::string message_kind_name(MessageKind kind);                 // "text", "binary"
std::string message_direction_name(MessageDirection direction);  // "received", "sent"

struct WebSocketMessage {
  MessageKind kind = MessageKind::text;
  std::string payload;  // the text, or the bytes of a binary message
  // Sent this long after the message before it in the same reply (or after the reply is
  // decided, for the first); a pushed message ignores it.
  std::chrono::milliseconds delay{0};

  static WebSocketMessage text(std::string text);
  static WebSocketMessage json(const nlohmann::json& value);  // its compact text
  static WebSocketMessage binary(std::string bytes);
  WebSocketMessage& after(std::chrono::milliseconds wait) {
    delay = wait;
    return *this;
  }

  // What criteria see: the text, or the bytes as base64.
  std::string subject() const;
  std::string describe() const;  // `text "hello"`, `binary (12 bytes)`

  nlohmann::json to_json() const;
  // Throws DocumentError naming the field: exactly one of text, json, binary_base64.
  static WebSocketMessage from_json(const nlohmann::json& document, const std::string& pointer = "");
};

bool operator==(const WebSocketMessage& a, const WebSocketMessage& b);

}  // namespace mockhttp
