#pragma once
// A capture session's exchanges written as a Softprobe case document: one OTLP trace per
// exchange, a client span with the attributes the case reader (replay/replay_case) reads back —
// direction, host, path, method, every header, both bodies, status — plus the W3C trace id the
// request carried. What it writes, ReplayCase::from_json reads to the same exchanges.
// Thread safety: a pure function.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <mockhttp/replay_case.hpp>

namespace mockhttp::detail {

nlohmann::json case_document(const std::string& case_id, const std::string& session_id,
                             const std::vector<CapturedExchange>& exchanges);

}  // namespace mockhttp::detail
