// The WebSocket model's builders, checks and wire form (mockhttp/websocket.hpp,
// mockhttp/websocket_message.hpp).
#include <mockhttp/websocket.hpp>

#include <cmath>

#include <mockhttp/errors.hpp>

#include "encoding/base64.hpp"
#include "encoding/json_pointer.hpp"
#include "encoding/unicode_text.hpp"
#include "matching/grpc_message_criteria.hpp"
#include "wire/wire_object.hpp"

namespace mockhttp {

using Json = nlohmann::json;

std::string message_kind_name(MessageKind kind) { return kind == MessageKind::text ? "text" : "binary"; }
std::string message_direction_name(MessageDirection direction) {
  return direction == MessageDirection::received ? "received" : "sent";
}

std::string message_fault_name(MessageFault fault) {
  switch (fault) {
    case MessageFault::drop:
      return "drop";
    case MessageFault::close_without_handshake:
      return "close_without_handshake";
    case MessageFault::malformed_frame:
      return "malformed_frame";
  }
  return "drop";
}

WebSocketMessage WebSocketMessage::text(std::string text) { return {MessageKind::text, std::move(text), {}}; }
WebSocketMessage WebSocketMessage::json(const Json& value) { return {MessageKind::text, value.dump(), {}}; }
WebSocketMessage WebSocketMessage::binary(std::string bytes) { return {MessageKind::binary, std::move(bytes), {}}; }

std::string WebSocketMessage::subject() const {
  return kind == MessageKind::text ? payload : detail::base64_encode(payload);
}

std::string WebSocketMessage::describe() const {
  if (kind == MessageKind::binary) return "binary (" + std::to_string(payload.size()) + " bytes)";
  constexpr std::size_t kShown = 200;
  if (payload.size() <= kShown) return "text " + Json(payload).dump(-1, ' ', false, Json::error_handler_t::replace);
  return "text " + Json(payload.substr(0, kShown)).dump(-1, ' ', false, Json::error_handler_t::replace) + "... (" +
         std::to_string(payload.size()) + " bytes)";
}

Json WebSocketMessage::to_json() const {
  Json out =
      kind == MessageKind::text ? Json{{"text", payload}} : Json{{"binary_base64", detail::base64_encode(payload)}};
  if (delay.count() != 0) out["delay_ms"] = delay.count();
  return out;
}

WebSocketMessage WebSocketMessage::from_json(const Json& document, const std::string& pointer) {
  const detail::WireObject fields(document, pointer, {"text", "json", "binary_base64", "delay_ms"}, "a message");
  const int given = (fields.has("text") ? 1 : 0) + (fields.has("json") ? 1 : 0) + (fields.has("binary_base64") ? 1 : 0);
  if (given != 1) {
    detail::WireObject::fail_at(pointer, "a message needs exactly one of text, json, binary_base64");
  }
  WebSocketMessage message;
  if (fields.has("text")) {
    message = text(fields.string("text"));
  } else if (fields.has("json")) {
    message = json(fields.at("json"));
  } else {
    std::string bytes;
    if (!detail::base64_decode(fields.string("binary_base64"), bytes)) {
      fields.fail("binary_base64", "binary_base64 is not base64 (RFC 4648, standard alphabet)");
    }
    message = binary(std::move(bytes));
  }
  message.delay = std::chrono::milliseconds(fields.integer_or("delay_ms", 0, 0));
  return message;
}

bool operator==(const WebSocketMessage& a, const WebSocketMessage& b) {
  return a.kind == b.kind && a.payload == b.payload && a.delay == b.delay;
}

bool close_code_sendable(std::uint16_t code) {
  // 1005, 1006 and 1015 are never sent; 1004 and 1016-2999 are reserved.
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006;
}

WebSocketReply& WebSocketReply::send(WebSocketMessage message) {
  messages_.push_back(std::move(message));
  return *this;
}

WebSocketReply& WebSocketReply::close(std::uint16_t code, std::string reason, std::chrono::milliseconds delay) {
  close_ = WebSocketClose{code, std::move(reason), delay};
  return *this;
}

Json WebSocketReply::to_json() const {
  Json messages = Json::array();
  for (const auto& message : messages_) messages.push_back(message.to_json());
  Json out = {{"messages", messages}};
  if (close_) {
    out["close"] = {{"code", close_->code}, {"reason", close_->reason}};
    if (close_->delay.count() != 0) out["close"]["delay_ms"] = close_->delay.count();
  }
  return out;
}

WebSocketReply WebSocketReply::from_json(const Json& document, const std::string& pointer) {
  const detail::WireObject fields(document, pointer, {"messages", "close"}, "a reply");
  WebSocketReply reply;
  if (fields.has("messages")) {
    const Json& messages = fields.at("messages");
    if (!messages.is_array()) fields.fail("messages", "messages must be an array of messages");
    for (std::size_t i = 0; i < messages.size(); ++i) {
      reply.messages_.push_back(
          WebSocketMessage::from_json(messages[i], detail::pointer_append(fields.pointer("messages"), i)));
    }
  }
  if (fields.has("close")) {
    const detail::WireObject close(fields.at("close"), fields.pointer("close"), {"code", "reason", "delay_ms"},
                                   "close");
    const std::int64_t code = close.integer_or("code", 1000, 0);
    if (code > 65535) close.fail("code", "code must be a close code (1000-4999), got " + std::to_string(code));
    reply.close_ = WebSocketClose{static_cast<std::uint16_t>(code), close.string_or("reason", ""),
                                  std::chrono::milliseconds(close.integer_or("delay_ms", 0, 0))};
  }
  return reply;
}

Json WebSocketChaos::to_json() const {
  Json out = Json::object();
  if (latency) {
    Chaos carrier;
    carrier.latency = latency;
    out["latency"] = carrier.to_json().at("latency");
  }
  if (fault) {
    out["fault"] = {{"kind", message_fault_name(*fault)}, {"probability", probability}};
    if (after_messages) out["fault"]["after_messages"] = *after_messages;
  }
  if (unanswered_pings) out["unanswered_pings"] = true;
  return out;
}

WebSocketChaos WebSocketChaos::from_json(const Json& document, const std::string& pointer) {
  const detail::WireObject fields(document, pointer, {"latency", "fault", "unanswered_pings"}, "chaos");
  WebSocketChaos chaos;
  if (fields.has("latency")) {
    // The latency's form is a stub chaos's; read by it, its errors point into this object.
    chaos.latency = Chaos::from_json(Json{{"latency", fields.at("latency")}}, pointer).latency;
  }
  if (fields.has("fault")) {
    const detail::WireObject fault(fields.at("fault"), fields.pointer("fault"),
                                   {"kind", "probability", "after_messages"}, "fault");
    const std::string kind = fault.string("kind");
    for (const MessageFault known :
         {MessageFault::drop, MessageFault::close_without_handshake, MessageFault::malformed_frame}) {
      if (message_fault_name(known) == kind) chaos.fault = known;
    }
    if (!chaos.fault) {
      fault.fail("kind", "kind must be one of drop, close_without_handshake, malformed_frame, got \"" + kind + "\"");
    }
    chaos.probability = fault.number_or("probability", 1.0);
    if (fault.has("after_messages")) chaos.after_messages = fault.integer("after_messages", 1);
  }
  chaos.unanswered_pings = fields.boolean_or("unanswered_pings", false);
  return chaos;
}

namespace {

void check_message(const WebSocketMessage& message, const std::string& field) {
  if (message.kind == MessageKind::text && !detail::is_valid_utf8(message.payload)) {
    throw StubError(field + ": a text message must be UTF-8 (send it as binary)");
  }
  if (message.delay.count() < 0) throw StubError(field + ".delay_ms must be >= 0");
}

void check_reply(const WebSocketReply& reply, const std::string& field) {
  for (std::size_t i = 0; i < reply.messages().size(); ++i) {
    check_message(reply.messages()[i], field + ".messages[" + std::to_string(i) + "]");
  }
  if (const auto& close = reply.closing()) {
    if (!close_code_sendable(close->code)) {
      throw StubError(field + ".close.code " + std::to_string(close->code) +
                      " is not a code a server may send (1000-1003, 1007-1014, 3000-4999)");
    }
    if (close->reason.size() > 123) {
      throw StubError(field + ".close.reason is " + std::to_string(close->reason.size()) +
                      " bytes; a close frame carries at most 123");
    }
    if (!detail::is_valid_utf8(close->reason)) throw StubError(field + ".close.reason must be UTF-8");
  }
}

}  // namespace

WebSocketScript& WebSocketScript::subprotocol(std::string name) {
  subprotocols_.push_back(std::move(name));
  return *this;
}

WebSocketScript& WebSocketScript::header(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}

WebSocketScript& WebSocketScript::on_open(WebSocketMessage message) {
  opening_.push_back(std::move(message));
  return *this;
}

WebSocketScript& WebSocketScript::on_message(Criteria message, WebSocketReply reply) {
  return on_message(std::move(message), std::vector<WebSocketReply>{std::move(reply)});
}

WebSocketScript& WebSocketScript::on_message(Criteria message, std::vector<WebSocketReply> replies) {
  rules_.push_back({detail::message_text_criteria(std::move(message)), std::nullopt, std::move(replies)});
  return *this;
}

WebSocketScript& WebSocketScript::on_binary(Criteria base64, WebSocketReply reply) {
  rules_.push_back({std::move(base64), MessageKind::binary, {std::move(reply)}});
  return *this;
}

WebSocketScript& WebSocketScript::on_message(WebSocketResponder responder) {
  responder_ = std::move(responder);
  return *this;
}

WebSocketScript& WebSocketScript::when_unmatched(UnmatchedMessage what) {
  unmatched_ = what;
  return *this;
}

WebSocketScript& WebSocketScript::chaos(WebSocketChaos chaos) {
  chaos_ = std::move(chaos);
  return *this;
}

void WebSocketScript::validate() const {
  const std::string at = "action.websocket";
  for (std::size_t i = 0; i < opening_.size(); ++i)
    check_message(opening_[i], at + ".on_open[" + std::to_string(i) + "]");
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const std::string rule = at + ".replies[" + std::to_string(i) + "]";
    if (rules_[i].replies.empty()) throw StubError(rule + ": a rule needs a reply");
    for (std::size_t r = 0; r < rules_[i].replies.size(); ++r) {
      check_reply(rules_[i].replies[r],
                  rules_[i].replies.size() == 1 ? rule + ".reply" : rule + ".sequence[" + std::to_string(r) + "]");
    }
  }
  for (const auto& name : subprotocols_) {
    if (name.empty() || name.find_first_of(" ,\t\r\n") != std::string::npos) {
      throw StubError(at + ".subprotocols: \"" + name + "\" is not a subprotocol token");
    }
  }
  if (chaos_.fault && (!(chaos_.probability >= 0.0) || chaos_.probability > 1.0)) {
    throw StubError(at + ".chaos.fault.probability must be in [0, 1], got " + std::to_string(chaos_.probability));
  }
  if (chaos_.after_messages && *chaos_.after_messages < 1) {
    throw StubError(at + ".chaos.fault.after_messages must be >= 1");
  }
  if (chaos_.latency) {
    Chaos carrier;
    carrier.latency = chaos_.latency;
    try {
      carrier.validate();
    } catch (const StubError& e) {
      throw StubError(at + "." + e.what());
    }
  }
}

Json WebSocketScript::to_json() const {
  Json opening = Json::array();
  for (const auto& message : opening_) opening.push_back(message.to_json());
  Json replies = Json::array();
  for (const auto& rule : rules_) {
    Json out = {{"message", rule.message.to_json()}};
    if (rule.kind) out["kind"] = message_kind_name(*rule.kind);
    if (rule.replies.size() == 1) {
      out["reply"] = rule.replies.front().to_json();
    } else {
      out["sequence"] = Json::array();
      for (const auto& reply : rule.replies) out["sequence"].push_back(reply.to_json());
    }
    replies.push_back(std::move(out));
  }
  Json headers = Json::object();
  for (const auto& [name, value] : headers_) headers[name] = value;
  Json out = {{"subprotocols", subprotocols_},
              {"headers", headers},
              {"on_open", opening},
              {"replies", replies},
              {"unmatched", unmatched_ == UnmatchedMessage::ignore      ? "ignore"
                            : unmatched_ == UnmatchedMessage::near_miss ? "near_miss"
                                                                        : "close"}};
  if (!chaos_.empty()) out["chaos"] = chaos_.to_json();
  if (responder_) out["responder"] = "C++ responder";
  return out;
}

WebSocketScript WebSocketScript::from_json(const Json& document, const std::string& pointer) {
  const detail::WireObject fields(document, pointer,
                                  {"subprotocols", "headers", "on_open", "replies", "unmatched", "chaos", "responder"},
                                  "action.websocket");
  if (fields.has("responder")) fields.fail("responder", "a C++ responder cannot come over the wire");
  WebSocketScript script;
  if (fields.has("subprotocols")) {
    const Json& names = fields.at("subprotocols");
    if (!names.is_array()) fields.fail("subprotocols", "subprotocols must be an array of strings");
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (!names[i].is_string()) {
        detail::WireObject::fail_at(detail::pointer_append(fields.pointer("subprotocols"), i),
                                    "a subprotocol must be a string");
      }
      script.subprotocols_.push_back(names[i].get<std::string>());
    }
  }
  for (auto& header : fields.string_map_or_empty("headers")) script.headers_.push_back(std::move(header));
  if (fields.has("on_open")) {
    const Json& opening = fields.at("on_open");
    if (!opening.is_array()) fields.fail("on_open", "on_open must be an array of messages");
    for (std::size_t i = 0; i < opening.size(); ++i) {
      script.opening_.push_back(
          WebSocketMessage::from_json(opening[i], detail::pointer_append(fields.pointer("on_open"), i)));
    }
  }
  if (fields.has("replies")) {
    const Json& replies = fields.at("replies");
    if (!replies.is_array()) fields.fail("replies", "replies must be an array of {\"message\", \"reply\"}");
    for (std::size_t i = 0; i < replies.size(); ++i) {
      const std::string at = detail::pointer_append(fields.pointer("replies"), i);
      const detail::WireObject rule(replies[i], at, {"message", "kind", "reply", "sequence"}, "a reply rule");
      if (rule.has("reply") == rule.has("sequence")) {
        detail::WireObject::fail_at(at, "a reply rule needs exactly one of reply, sequence");
      }
      WebSocketRule made{rule.has("message") ? detail::message_text_criteria(
                                                   Criteria::from_json(rule.at("message"), rule.pointer("message")))
                                             : exists(),
                         std::nullopt,
                         {}};
      if (rule.has("kind")) {
        const std::string kind = rule.string("kind");
        if (kind != "text" && kind != "binary") rule.fail("kind", "kind must be \"text\" or \"binary\"");
        made.kind = kind == "text" ? MessageKind::text : MessageKind::binary;
      }
      if (rule.has("reply")) {
        made.replies.push_back(WebSocketReply::from_json(rule.at("reply"), rule.pointer("reply")));
      } else {
        const Json& sequence = rule.at("sequence");
        if (!sequence.is_array() || sequence.empty()) rule.fail("sequence", "sequence must be a non-empty array");
        for (std::size_t r = 0; r < sequence.size(); ++r) {
          made.replies.push_back(
              WebSocketReply::from_json(sequence[r], detail::pointer_append(rule.pointer("sequence"), r)));
        }
      }
      script.rules_.push_back(std::move(made));
    }
  }
  const std::string unmatched = fields.string_or("unmatched", "ignore");
  if (unmatched == "ignore") {
    script.unmatched_ = UnmatchedMessage::ignore;
  } else if (unmatched == "near_miss") {
    script.unmatched_ = UnmatchedMessage::near_miss;
  } else if (unmatched == "close") {
    script.unmatched_ = UnmatchedMessage::end_call;
  } else {
    fields.fail("unmatched", "unmatched must be \"ignore\", \"near_miss\" or \"close\", got \"" + unmatched + "\"");
  }
  if (fields.has("chaos")) script.chaos_ = WebSocketChaos::from_json(fields.at("chaos"), fields.pointer("chaos"));
  return script;
}

}  // namespace mockhttp
