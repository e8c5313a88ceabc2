#include "exchange/error_catalogue.hpp"

#include "exchange/json_answer.hpp"

namespace mockhttp::detail {

namespace {

using Shape = ErrorShape;

// In WireError's order.
constexpr WireErrorEntry kCatalogue[] = {
    {"NO_STUB_MATCH_FOUND", 404, Shape::mockhttp},
    {"SCOPE_COLLISION", 400, Shape::mockhttp},
    {"FORWARD_REFUSED", 403, Shape::mockhttp},
    {"TEMPLATE_RENDER_ERROR", 500, Shape::mockhttp},
    {"RESPONDER_FAILED", 500, Shape::mockhttp},
    {"PROXY_ERROR", 502, Shape::mockhttp},
    {"MOCKHTTP_STOPPING", 503, Shape::mockhttp},
    {"MOCKHTTP_INTERNAL_ERROR", 500, Shape::mockhttp},
    {"SOFTPROBE_NO_RULE_MATCH", 502, Shape::mockhttp},
    {"unknown_session", 404, Shape::softprobe},
    {"INVALID_PAYLOAD", 422, Shape::mockhttp},
    {"INVALID_QUERY_PARAMETER", 400, Shape::mockhttp},
    {"invalid_request", 400, Shape::softprobe},
    {"method_not_allowed", 405, Shape::softprobe},
    {"unauthorized", 401, Shape::mockhttp},
    {"forbidden", 403, Shape::mockhttp},
    {"FORBIDDEN_HOST", 403, Shape::mockhttp},
    {"FORBIDDEN_ORIGIN", 403, Shape::mockhttp},
    {"UNSUPPORTED_MEDIA_TYPE", 415, Shape::mockhttp},
    {"STUB_NOT_FOUND", 404, Shape::mockhttp},
    {"STUB_ID_TAKEN", 409, Shape::mockhttp},
    {"SCOPE_NOT_FOUND", 404, Shape::mockhttp},
    {"SCOPE_EXISTS", 409, Shape::mockhttp},
    {"JOURNAL_ENTRY_NOT_FOUND", 404, Shape::mockhttp},
    {"NEAR_MISS_UNAVAILABLE", 409, Shape::mockhttp},
    {"REQUEST_HEAD_TIMEOUT", 408, Shape::mockhttp},
    {"REQUEST_HEADER_FIELDS_TOO_LARGE", 431, Shape::mockhttp},
    {"BAD_CONTENT_LENGTH", 400, Shape::mockhttp},
    {"BAD_REQUEST_BODY", 400, Shape::mockhttp},
    {"PAYLOAD_TOO_LARGE", 413, Shape::mockhttp},
    {"METHOD_NOT_ALLOWED", 405, Shape::mockhttp},
    {"MOCKHTTP_OVER_CAPACITY", 503, Shape::mockhttp},
    {"CONNECT_INSIDE_TUNNEL", 400, Shape::mockhttp},
    {"CONNECT_OVER_TLS", 501, Shape::mockhttp},
    {"CONNECT_NOT_ALLOWED", 405, Shape::mockhttp},
    {"BAD_CONNECT_TARGET", 400, Shape::mockhttp},
    {"CONNECT_REFUSED", 403, Shape::mockhttp},
    {"CONNECT_FAILED", 500, Shape::mockhttp},
    {"CONNECT_UPSTREAM_FAILED", 502, Shape::mockhttp},
    {"HTTP2_NOT_SERVED", 505, Shape::mockhttp},
    {"DEADLINE_EXCEEDED", 504, Shape::mockhttp},
    {"BAD_WEBSOCKET_HANDSHAKE", 400, Shape::mockhttp},
    {"WEBSOCKET_VERSION_UNSUPPORTED", 426, Shape::mockhttp},
    {"WEBSOCKET_NOT_SERVED", 501, Shape::mockhttp},
    {"WEBSOCKET_NOT_FOUND", 404, Shape::mockhttp},
};
static_assert(sizeof kCatalogue / sizeof kCatalogue[0] == static_cast<std::size_t>(WireError::websocket_not_found) + 1,
              "every WireError has its entry, in order");

}  // namespace

const WireErrorEntry& entry_of(WireError error) { return kCatalogue[static_cast<std::size_t>(error)]; }

nlohmann::json error_body(WireError error, const std::string& detail, const nlohmann::json& extra) {
  return error_body(error, entry_of(error).shape, detail, extra);
}

nlohmann::json error_body(WireError error, ErrorShape shape, const std::string& detail, const nlohmann::json& extra) {
  const WireErrorEntry& entry = entry_of(error);
  if (shape == ErrorShape::softprobe) {
    nlohmann::json inner = {{"code", entry.code}, {"message", detail}};
    if (extra.is_object()) inner.update(extra);
    return {{"error", std::move(inner)}};
  }
  nlohmann::json body = {{"error", entry.code}};
  if (!detail.empty()) body["detail"] = detail;  // a report-shaped error (the 404) says it in its members
  if (extra.is_object()) body.update(extra);
  return body;
}

DeliveryPlan error_answer(WireError error, const std::string& detail, const nlohmann::json& extra, int indent) {
  return error_answer(error, entry_of(error).shape, detail, extra, indent);
}

DeliveryPlan error_answer(WireError error, ErrorShape shape, const std::string& detail, const nlohmann::json& extra,
                          int indent) {
  DeliveryPlan plan = json_answer(entry_of(error).status, error_body(error, shape, detail, extra), indent);
  plan.server_error = std::string(entry_of(error).code) + (detail.empty() ? "" : ": " + detail);
  return plan;
}

void set_error(DeliveryPlan& answer, WireError error, ErrorShape shape, const std::string& detail,
               const nlohmann::json& extra) {
  send_json(answer, entry_of(error).status, error_body(error, shape, detail, extra));
}

}  // namespace mockhttp::detail
