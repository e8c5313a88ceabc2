#include <mockhttp/recorded_request.hpp>

#include <ctime>

#include "encoding/utc_time.hpp"
#include "encoding/base64.hpp"
#include "encoding/unicode_text.hpp"

namespace mockhttp {

using Json = nlohmann::json;

std::optional<std::string> RecordedRequest::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (detail::ascii_equals_ignoring_case(key, name)) return value;
  }
  return std::nullopt;
}

Json RecordedRequest::headers_json() const {
  Json out = Json::object();
  for (const auto& [key, value] : headers) {
    const std::string lower = detail::ascii_lowercase(key);
    if (!out.contains(lower)) out[lower] = value;  // the first of repeated headers wins
  }
  return out;
}

Json RecordedRequest::query_json() const {
  Json out = Json::object();
  for (const auto& [key, value] : query) out[key] = value;
  return out;
}

Json RecordedRequest::to_json() const {
  Json out = {{"method", method},
              {"path", path},
              {"query", query_json()},
              {"headers", headers_json()},
              {"host", host},
              {"received_at", detail::utc_time_text(received_at)},
              {"matched_stub_id", matched_stub_id ? Json(*matched_stub_id) : Json(nullptr)},
              {"path_params", path_params},
              {"scope", scope ? Json(*scope) : Json(nullptr)}};
  if (chaos) {
    out["chaos"] = {{"delay_ms", chaos->delay.count()},
                    {"fault", chaos->fault ? Json(fault_name(*chaos->fault)) : Json(nullptr)}};
  }
  if (client_certificate) out["client_certificate"] = *client_certificate;
  if (tunnel) out["tunnel"] = *tunnel;
  out["protocol"] = protocol;
  out["connection_id"] = connection_id;
  out["tls"] = tls;
  if (deadline) {
    out["deadline_ms"] = deadline->count();
    out["deadline_exceeded"] = deadline_exceeded;
  }
  if (grpc_answer) {
    out["grpc_answer"] = {
        {"status", grpc_answer->status ? Json(grpc_status_name(*grpc_answer->status)) : Json(nullptr)},
        {"status_message", grpc_answer->status_message},
        {"messages", Json::parse(grpc_answer->messages_json, nullptr, false)}};
  }
  if (websocket) {
    out["websocket"] = {{"direction", message_direction_name(websocket->direction)},
                        {"kind", message_kind_name(websocket->kind)}};
  }
  if (scenario) out["scenario"] = {{"name", scenario->scenario}, {"from", scenario->from}, {"to", scenario->to}};
  // Listings and reports show a large body's head only, and say so: one big upload never makes
  // a listing or a 404 report copy megabytes.
  std::string shown = body.size() > kBodyShownInListings ? body.substr(0, kBodyShownInListings) : body;
  const bool truncated = shown.size() < body.size();
  if (truncated) {
    // Cut at a character boundary, so a UTF-8 body stays UTF-8.
    while (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0xC0) == 0x80) shown.pop_back();
    if (!shown.empty() && static_cast<unsigned char>(shown.back()) >= 0xC0) shown.pop_back();
  }
  if (detail::is_valid_utf8(shown)) {
    out["body"] = shown;
  } else {
    out["body"] = nullptr;
    out["body_base64"] = detail::base64_encode(shown);
  }
  if (truncated) {
    out["body_truncated"] = true;
    out["body_size"] = body.size();
  }
  return out;
}

std::string RecordedRequest::describe() const {
  if (websocket) {
    const WebSocketMessage message{websocket->kind, body, {}};
    return "WebSocket message " + message_direction_name(websocket->direction) + " on " + path + ": " +
           (websocket->kind == MessageKind::text ? message.describe() : "binary (base64 " + body.substr(0, 60) + ")");
  }
  std::string out = method + " " + path;
  char separator = '?';
  for (const auto& [key, value] : query) {
    out += separator + key + "=" + value;
    separator = '&';
  }
  return out;
}

}  // namespace mockhttp
