// WebSocketConnection, and the WebSocket members of StubsAndVerification.
#include <mockhttp/errors.hpp>
#include <mockhttp/stubs_and_verification.hpp>
#include <mockhttp/websocket_connection.hpp>

#include "core/engine.hpp"
#include "encoding/unicode_text.hpp"
#include "matching/grpc_message_criteria.hpp"
#include "matching/request_evaluation.hpp"

namespace mockhttp {

using detail::ScopeFilter;

std::shared_ptr<Engine> WebSocketConnection::engine() const {
  auto engine = engine_.lock();
  if (!engine) throw WebSocketError("WebSocket connection " + std::to_string(id_) + ": its server is gone");
  return engine;
}

WebSocketConnectionInfo WebSocketConnection::info() const {
  if (auto found = engine()->sockets().find(id_)) return *found;
  throw WebSocketError("WebSocket connection " + std::to_string(id_) + " is no longer listed (its scope was reset)");
}

bool WebSocketConnection::is_open() const {
  const auto engine = engine_.lock();
  if (!engine) return false;
  const auto found = engine->sockets().find(id_);
  return found && found->open;
}

namespace {

std::string ended_message(std::uint64_t id, const std::optional<WebSocketConnectionInfo>& info) {
  std::string text = "WebSocket connection " + std::to_string(id) + " has ended";
  if (info && info->close_code) text += " (close " + std::to_string(*info->close_code) + " by " + info->closed_by + ")";
  if (info && !info->close_code && !info->closed_by.empty()) text += " (" + info->closed_by + ")";
  return text + "; nothing more can be sent on it";
}

}  // namespace

void WebSocketConnection::send(const WebSocketMessage& message) {
  if (message.kind == MessageKind::text && !detail::is_valid_utf8(message.payload)) {
    throw WebSocketError("a text message must be UTF-8 (send the bytes with send_binary)");
  }
  const auto engine = this->engine();
  WebSocketMessage pushed = message;
  pushed.delay = std::chrono::milliseconds(0);
  if (!engine->sockets().perform(id_, {detail::SocketAction::send(std::move(pushed))})) {
    throw WebSocketError(ended_message(id_, engine->sockets().find(id_)));
  }
}

void WebSocketConnection::close(std::uint16_t code, const std::string& reason) {
  const auto engine = this->engine();
  if (reason.size() > 123)
    throw WebSocketError("a close reason holds at most 123 bytes, got " + std::to_string(reason.size()));
  if (!engine->sockets().perform(id_, {detail::SocketAction::close(code, reason)})) {
    throw WebSocketError(ended_message(id_, engine->sockets().find(id_)));
  }
}

void WebSocketConnection::break_connection(MessageFault fault) {
  const auto engine = this->engine();
  const auto kind = fault == MessageFault::drop                      ? detail::SocketAction::Kind::reset
                    : fault == MessageFault::close_without_handshake ? detail::SocketAction::Kind::end_without_close
                                                                     : detail::SocketAction::Kind::malformed_frame;
  if (!engine->sockets().perform(id_, {detail::SocketAction::fault(kind)})) {
    throw WebSocketError(ended_message(id_, engine->sockets().find(id_)));
  }
}

std::optional<WebSocketMessage> WebSocketConnection::wait_for_message(const Criteria& criteria,
                                                                      std::chrono::milliseconds timeout) {
  const Criteria used = detail::message_text_criteria(criteria);
  return engine()->sockets().wait_for_message(
      id_, cursor_, [&](const WebSocketMessage& message) { return used.matches(message.subject()); }, timeout);
}

bool WebSocketConnection::wait_closed(std::chrono::milliseconds timeout) const {
  return engine()->sockets().wait_closed(id_, timeout);
}

std::vector<WebSocketMessage> WebSocketConnection::received() const { return engine()->sockets().received(id_); }

namespace {

ScopeFilter reach_filter(bool server, const StubPlacement& placement) {
  if (server) return ScopeFilter::everything();
  return ScopeFilter::only(placement.scope ? placement.scope->id : detail::kGlobalScope);
}

bool upgrade_matches(const Request& matcher, const WebSocketConnectionInfo& info) {
  const detail::RequestSubjects subjects(info.upgrade);
  return detail::evaluate_request(matcher, subjects, detail::PathMode::pattern, true).matched;
}

}  // namespace

Verification StubsAndVerification::confirm_message(const Criteria& payload, const Criteria& times) const {
  return confirm_request(websocket_received(payload), times);
}

std::vector<WebSocketConnection> StubsAndVerification::websockets(const Request& upgrade, bool include_closed) const {
  std::vector<WebSocketConnection> out;
  for (const auto& info : engine_->sockets().list(reach_filter(reach_ == Reach::server, *placement_), include_closed)) {
    if (upgrade_matches(upgrade, info)) out.push_back(WebSocketConnection(engine_, info.id));
  }
  return out;
}

WebSocketConnection StubsAndVerification::wait_for_websocket(const Request& upgrade,
                                                             std::chrono::milliseconds timeout) const {
  const ScopeFilter filter = reach_filter(reach_ == Reach::server, *placement_);
  const auto found = engine_->sockets().wait_for_connection(
      filter, [&](const WebSocketConnectionInfo& info) { return upgrade_matches(upgrade, info); }, timeout);
  if (found) return WebSocketConnection(engine_, found->id);
  std::string report = "no WebSocket connection matching " + upgrade.describe() + " came within " +
                       std::to_string(timeout.count()) + " ms";
  const auto all = engine_->sockets().list(filter, true);
  if (all.empty()) {
    report += "; no WebSocket connection was accepted at all (is the stub's path right, and did the client connect?)";
  } else {
    report += "; the connections there are:";
    for (const auto& info : all) {
      report +=
          "\n  #" + std::to_string(info.id) + " " + info.upgrade.describe() + (info.open ? " (open)" : " (closed)");
    }
  }
  throw WebSocketError(report);
}

}  // namespace mockhttp
