#pragma once
// Every error mockhttp answers with, in one place: its wire code, its HTTP status, and the JSON
// shape it is written in. A route names the error and says what went wrong; the code, the
// status and the shape come from here, so no two routes can disagree on them. docs/http-api.md
// lists the codes.
// Thread safety: constant tables and pure functions.
#include <string>

#include <nlohmann/json.hpp>

#include "exchange/delivery_plan.hpp"

namespace mockhttp::detail {

enum class WireError {
  // The answer to a request no stub or rule answered, or whose answer failed.
  no_stub_match_found,
  scope_collision,
  forward_refused,
  template_render_error,
  responder_failed,
  proxy_error,
  server_stopping,
  internal_error,
  no_rule_match,    // a replay session's strict miss
  unknown_session,  // a request naming a replay session that is not open
  // The control surfaces.
  invalid_payload,
  invalid_query_parameter,
  invalid_request,  // Softprobe's control API: a body or field it cannot take
  session_method_not_allowed,
  unauthorized,
  forbidden,
  forbidden_host,
  forbidden_origin,
  unsupported_media_type,
  stub_not_found,
  stub_id_taken,
  scope_not_found,
  scope_exists,
  journal_entry_not_found,
  near_miss_unavailable,  // the request was answered, or its report cannot be made again
  // The listener, before any handler.
  request_head_timeout,
  header_fields_too_large,
  bad_content_length,
  bad_request_body,
  payload_too_large,
  method_not_allowed,
  over_capacity,
  connect_inside_tunnel,
  connect_over_tls,
  connect_not_allowed,
  bad_connect_target,
  connect_refused,
  connect_failed,
  connect_upstream_failed,
  http2_not_served,   // an HTTP/2 preface to a server without HTTP/2 (not linked, or turned off)
  deadline_exceeded,  // a gRPC call whose answer would come after its grpc-timeout
  // WebSocket (docs/websocket.md).
  bad_websocket_handshake,        // an upgrade request RFC 6455 refuses (no key, not GET, ...)
  websocket_version_unsupported,  // Sec-WebSocket-Version other than 13 (426, naming 13)
  websocket_not_served,           // a stub accepted an upgrade in a program without mockhttp::websocket
  websocket_not_found,            // /__mock__/websockets: no live connection has that id
  // Keep last: the catalogue test walks every code up to it.
};

// How an error is written.
enum class ErrorShape {
  mockhttp,   // {"error": "CODE", "detail": "what went wrong", ...}
  softprobe,  // {"error": {"code": "code", "message": "what went wrong", ...}} (Softprobe's control API)
};

struct WireErrorEntry {
  const char* code;  // as written on the wire
  int status;
  ErrorShape shape;  // the shape its surface uses, unless the caller says otherwise
};

const WireErrorEntry& entry_of(WireError error);

// The error's body: `detail` in its shape (left out when empty), `extra` members beside it (for
// the Softprobe shape, inside "error").
nlohmann::json error_body(WireError error, const std::string& detail, const nlohmann::json& extra = nullptr);
nlohmann::json error_body(WireError error, ErrorShape shape, const std::string& detail,
                          const nlohmann::json& extra = nullptr);

// The whole answer: the error's status and its body as JSON (`indent` 2 for reports people read).
DeliveryPlan error_answer(WireError error, const std::string& detail, const nlohmann::json& extra = nullptr,
                          int indent = -1);
DeliveryPlan error_answer(WireError error, ErrorShape shape, const std::string& detail,
                          const nlohmann::json& extra = nullptr, int indent = -1);

// The same, written into an answer being built: its status and body, keeping the headers it has.
void set_error(DeliveryPlan& answer, WireError error, ErrorShape shape, const std::string& detail,
               const nlohmann::json& extra = nullptr);

}  // namespace mockhttp::detail
