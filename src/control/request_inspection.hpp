#pragma once
// What the admin page and the admin API say about one journaled request: the whole request with
// its id, scope, replay session and protocol, what answered it, and for an unmatched request
// the near-miss report its 404 gave (computed when asked, against the stubs mounted now).
// Also the one-line summaries the page lists, and the stubs as the reports describe them.
// Thread safety: pure reads of the engine, from any thread.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/engine.hpp"

namespace mockhttp::detail {

// A journal id from a path segment ("17"), or nullopt when it is not a whole number.
std::optional<std::uint64_t> journal_id_of(const std::string& text);

// {"id", "method", "path", "query", "scope", "matched_stub_id", "received_at", "replay_session",
//  "websocket": null, or for a message {"direction", "kind", "size", "preview", "preview_cut", "connection_id"}}
nlohmann::json request_summary(const JournalEntry& entry);

// {"id", "request", "raw_headers", "scope", "replay_session", "protocol", "tunnel",
//  "client_certificate", "received_at", "chaos", "answered_by", "near_miss"?}
nlohmann::json request_inspection(const Engine& core, const JournalEntry& entry);

// {"id", "request", "closest_stubs", "report"}; nullopt with `why_not` set when the request was
// answered (by a stub or a replay rule) or went to a replay session, which stubs never see.
std::optional<nlohmann::json> near_miss_of(const Engine& core, const JournalEntry& entry, std::string& why_not);

// The stub's wire form plus "description" (as near-miss and unused-stub reports word it),
// "mounted_at", "expect" described, and "scenario_state" (its scenario's state now).
nlohmann::json stub_status_json(const Engine::StubStatus& status);

}  // namespace mockhttp::detail
