#include "control/request_inspection.hpp"

#include <cctype>

#include "encoding/unicode_text.hpp"
#include "encoding/utc_time.hpp"

namespace mockhttp::detail {

using nlohmann::json;

namespace inspection {

constexpr const char* kRulePrefix = "rule:";  // how a replay rule's answer is journaled

json or_null(const std::optional<std::string>& text) { return text ? json(*text) : json(nullptr); }

// The journal keeps requests, not responses: for a stub that answered, the page shows the
// answer the stub is configured to give, and says so.
json answered_by(const Engine& core, const JournalEntry& entry) {
  const auto& matched = entry.request.matched_stub_id;
  if (!matched) return {{"kind", "none"}};
  if (matched->rfind(kRulePrefix, 0) == 0) {
    return {{"kind", "replay_rule"}, {"id", matched->substr(std::string(kRulePrefix).size())}};
  }
  json out = {{"kind", "stub"}, {"id", *matched}};
  const auto stub = core.stub(*matched);
  out["still_mounted"] = stub.has_value();
  if (stub) {
    out["description"] = stub->definition.request.describe();
    out["mounted_at"] =
        stub->definition.mounted_at.known() ? json(stub->definition.mounted_at.describe()) : json(nullptr);
    out["configured_action"] = stub->definition.to_json()["action"];
  }
  return out;
}

// A WebSocket message's line in the page's journal list: its direction and kind, its size and
// the head of its text (a binary one's base64), so the list reads as messages, not as requests
// of a method named WEBSOCKET. The whole message is in the inspection.
json websocket_summary(const RecordedRequest& r) {
  constexpr std::size_t kPreviewBytes = 120;
  const std::string& body = r.body;  // a binary message's bytes are journaled as base64
  std::size_t size = body.size();
  if (r.websocket->kind == MessageKind::binary) {
    std::size_t padding = 0;
    for (auto it = body.rbegin(); it != body.rend() && *it == '=' && padding < 2; ++it) ++padding;
    size = body.size() / 4 * 3 - padding;
  }
  std::string preview = body.substr(0, kPreviewBytes);
  // Cut at a character boundary, so that a UTF-8 text stays UTF-8.
  while (preview.size() < body.size() && !preview.empty() &&
         (static_cast<unsigned char>(body[preview.size()]) & 0xC0) == 0x80) {
    preview.pop_back();
  }
  return {{"direction", message_direction_name(r.websocket->direction)},
          {"kind", message_kind_name(r.websocket->kind)},
          {"size", size},
          {"preview", is_valid_utf8(preview) ? json(preview) : json(nullptr)},
          {"preview_cut", preview.size() < body.size()},
          {"connection_id", r.connection_id}};
}

}  // namespace inspection

std::optional<std::uint64_t> journal_id_of(const std::string& text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t id = 0;
  for (const char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    id = id * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return id;
}

json request_summary(const JournalEntry& entry) {
  const RecordedRequest& r = entry.request;
  return {{"id", entry.id},
          {"method", r.method},
          {"path", r.path},
          {"query", r.query_json()},
          {"scope", inspection::or_null(r.scope)},
          {"matched_stub_id", inspection::or_null(r.matched_stub_id)},
          {"received_at", utc_time_text(r.received_at)},
          {"replay_session", inspection::or_null(Engine::replay_session_named_by(r))},
          {"websocket", r.websocket ? inspection::websocket_summary(r) : json(nullptr)}};
}

json request_inspection(const Engine& core, const JournalEntry& entry) {
  const RecordedRequest& r = entry.request;
  json raw_headers = json::array();
  for (const auto& [name, value] : r.headers) raw_headers.push_back({name, value});
  json out = {{"id", entry.id},
              {"request", r.to_json()},
              {"raw_headers", raw_headers},
              {"scope", inspection::or_null(r.scope)},
              {"replay_session", inspection::or_null(Engine::replay_session_named_by(r))},
              {"scheme", core.tls() || r.tunnel ? "https" : "http"},
              {"tunnel", inspection::or_null(r.tunnel)},
              {"client_certificate", inspection::or_null(r.client_certificate)},
              {"received_at", utc_time_text(r.received_at)},
              {"answered_by", inspection::answered_by(core, entry)}};
  std::string why_not;
  if (auto near_miss = near_miss_of(core, entry, why_not)) out["near_miss"] = std::move(*near_miss);
  return out;
}

std::optional<json> near_miss_of(const Engine& core, const JournalEntry& entry, std::string& why_not) {
  const RecordedRequest& r = entry.request;
  const std::string which = "request " + std::to_string(entry.id);
  if (r.matched_stub_id) {
    why_not = which + " was answered by " +
              (r.matched_stub_id->rfind(inspection::kRulePrefix, 0) == 0 ? "replay " : "stub ") + *r.matched_stub_id +
              ": near-miss reports are for unmatched requests";
    return std::nullopt;
  }
  if (const auto session = Engine::replay_session_named_by(r)) {
    why_not = which + " went to replay session '" + *session + "', whose rules answer it: stubs never saw it";
    return std::nullopt;
  }
  const Engine::UnmatchedReport report = core.unmatched_report(entry);
  json closest = json::array();
  for (const auto& miss : report.closest_stubs) closest.push_back(miss.to_json());
  return json{{"id", entry.id}, {"request", r.describe()}, {"closest_stubs", closest}, {"report", report.report}};
}

json stub_status_json(const Engine::StubStatus& status) {
  const StubDefinition& definition = status.info.definition;
  json out = status.info.to_json();
  out["description"] = definition.request.describe();
  out["mounted_at"] = definition.mounted_at.known() ? json(definition.mounted_at.describe()) : json(nullptr);
  out["expect_description"] = definition.expected_calls ? json(definition.expected_calls->describe()) : json(nullptr);
  out["scenario_state"] = inspection::or_null(status.scenario_state);
  return out;
}

}  // namespace mockhttp::detail
