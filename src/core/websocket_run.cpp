#include "core/websocket_run.hpp"

#include <algorithm>

#include "actions/chaos_plan.hpp"
#include "encoding/unicode_text.hpp"

namespace mockhttp::detail {

namespace {

// A close frame's reason holds at most 123 bytes; cut at a character boundary.
std::string close_reason(std::string reason) {
  if (reason.size() <= 123) return reason;
  reason.resize(123);
  while (!reason.empty() && (static_cast<unsigned char>(reason.back()) & 0xC0) == 0x80) reason.pop_back();
  if (!reason.empty() && static_cast<unsigned char>(reason.back()) >= 0xC0) reason.pop_back();
  return reason;
}

// Per-message draws use their own stream: the connection's number is folded into the stub's, so
// the messages of one connection and those of the next draw differently.
constexpr std::uint64_t kConnectionStride = 0x9E3779B97F4A7C15ULL;

}  // namespace

WebSocketRun::WebSocketRun(WebSocketScript script, const JournalEntry& upgrade, std::string stub_id,
                           std::shared_ptr<SocketRegistry::Record> record, SocketRegistry& registry, Journal journal,
                           Seeding seeding)
    : script_(std::move(script)),
      stub_id_(std::move(stub_id)),
      record_(std::move(record)),
      registry_(registry),
      journal_(std::move(journal)),
      seeding_(seeding),
      rule_hits_(script_.rules().size(), 0) {
  RecordedRequest& message = message_entry_.request;
  const RecordedRequest& from = upgrade.request;
  message.method = "WEBSOCKET";
  message.path = from.path;
  message.query = from.query;
  message.host = from.host;
  message.scope = from.scope;
  message.tunnel = from.tunnel;
  message.connection_id = from.connection_id;
  message.tls = from.tls;
  message.protocol = "WebSocket";
  message_entry_.scope_id = upgrade.scope_id;
}

std::chrono::milliseconds WebSocketRun::latency(std::int64_t draw_number) const {
  const auto& chaos = script_.message_chaos();
  if (!chaos.latency) return std::chrono::milliseconds(0);
  Chaos carrier;
  carrier.latency = chaos.latency;
  const ChaosDecision decision = decide_chaos(
      carrier, seeding_.seed,
      seeding_.stub_sequence + kConnectionStride * static_cast<std::uint64_t>(seeding_.connection_number), draw_number);
  return std::chrono::milliseconds(std::max<std::int64_t>(decision.delay_ms, 0));
}

bool WebSocketRun::fault_fires(std::int64_t message_number) const {
  const auto& chaos = script_.message_chaos();
  if (!chaos.fault) return false;
  if (chaos.after_messages) return message_number == *chaos.after_messages;
  Chaos carrier;
  carrier.fault = Fault{FaultKind::connection_drop, chaos.probability};
  // Drawn apart from the latency's stream (odd numbers), so adding latency keeps the faults.
  return decide_chaos(
             carrier, seeding_.seed,
             seeding_.stub_sequence + kConnectionStride * static_cast<std::uint64_t>(seeding_.connection_number),
             -message_number)
      .fault.has_value();
}

SocketActions WebSocketRun::opened(std::shared_ptr<SocketOutlet> outlet) {
  registry_.attach(*record_, std::move(outlet));
  SocketActions actions;
  const auto wait = latency(0);
  for (const auto& message : script_.opening()) {
    actions.push_back(
        SocketAction::send(message, message.delay + (actions.empty() ? wait : std::chrono::milliseconds(0))));
  }
  return actions;
}

SocketActions WebSocketRun::received(WebSocketMessage message) {
  const std::int64_t number = ++received_;
  const bool broken = fault_fires(number);
  // The delay drawn for this message's reply is journaled with it, so a seed's run can be read
  // back: the same seed gives the same delays.
  const auto wait = broken ? std::chrono::milliseconds(0) : latency(number);
  journal_message(message, MessageDirection::received, script_.message_chaos().latency || broken,
                  AppliedChaos{wait, std::nullopt});
  registry_.note_received(*record_, message);
  if (broken) {
    switch (*script_.message_chaos().fault) {
      case MessageFault::drop:
        return {SocketAction::fault(SocketAction::Kind::reset)};
      case MessageFault::close_without_handshake:
        return {SocketAction::fault(SocketAction::Kind::end_without_close)};
      case MessageFault::malformed_frame:
        return {SocketAction::fault(SocketAction::Kind::malformed_frame)};
    }
  }
  const nlohmann::json subject = message.subject();
  const auto& rules = script_.rules();
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].kind && *rules[i].kind != message.kind) continue;
    if (!rules[i].message.matches(subject)) continue;
    const auto& replies = rules[i].replies;
    const WebSocketReply& reply = replies[std::min(rule_hits_[i], replies.size() - 1)];
    ++rule_hits_[i];
    return reply_actions(reply, wait);
  }
  if (script_.responder()) {
    try {
      return reply_actions(script_.responder()(message, record_->info.upgrade), wait);
    } catch (const std::exception& e) {
      return {SocketAction::close(1011, close_reason(std::string("the stub's C++ responder failed: ") + e.what()))};
    } catch (...) {
      return {SocketAction::close(1011, "the stub's C++ responder failed")};
    }
  }
  return unmatched(message);
}

SocketActions WebSocketRun::reply_actions(const WebSocketReply& reply, std::chrono::milliseconds latency) const {
  SocketActions actions;
  for (const auto& message : reply.messages()) {
    actions.push_back(
        SocketAction::send(message, message.delay + (actions.empty() ? latency : std::chrono::milliseconds(0))));
  }
  if (const auto& close = reply.closing()) {
    actions.push_back(SocketAction::close(close->code, close->reason,
                                          close->delay + (actions.empty() ? latency : std::chrono::milliseconds(0))));
  }
  return actions;
}

SocketActions WebSocketRun::unmatched(const WebSocketMessage& message) const {
  if (script_.unmatched() == UnmatchedMessage::ignore) return {};
  const nlohmann::json subject = message.subject();
  std::string why = "no reply rule matched message " + std::to_string(received_) + " (" + message.describe() + ")";
  const auto& rules = script_.rules();
  for (std::size_t i = 0; i < rules.size() && why.size() < 4000; ++i) {
    why += "; rule " + std::to_string(i + 1) + " (" + rules[i].message.describe() + "): ";
    if (rules[i].kind && *rules[i].kind != message.kind) {
      why += "takes " + message_kind_name(*rules[i].kind) + " messages only";
    } else {
      why += rules[i].message.evaluate(subject).reason;
    }
  }
  if (script_.unmatched() == UnmatchedMessage::near_miss) {
    return {SocketAction::send(WebSocketMessage::json({{"mockhttp_unmatched", why}}))};
  }
  return {SocketAction::close(1008, close_reason(why))};
}

void WebSocketRun::sent(const WebSocketMessage& message) {
  journal_message(message, MessageDirection::sent, false, {});
  registry_.note_sent(*record_);
}

void WebSocketRun::ended(const SocketEnding& ending) { registry_.note_ended(*record_, ending); }

void WebSocketRun::journal_message(const WebSocketMessage& message, MessageDirection direction, bool with_chaos,
                                   const AppliedChaos& chaos) {
  JournalEntry entry = message_entry_;
  if (with_chaos) entry.request.chaos = chaos;
  entry.request.body = message.subject();
  entry.request.received_at = std::chrono::system_clock::now();
  entry.request.websocket = WebSocketTraffic{direction, message.kind};
  entry.request.matched_stub_id = stub_id_;
  journal_(entry);
}

}  // namespace mockhttp::detail
