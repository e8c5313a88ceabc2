#pragma once
// What the server knows of one WebSocket connection a stub accepted, as a value: listings
// (MockServer::websockets, GET /__mock__/websockets, the admin page) return these.
// Thread safety: a value type.
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include <mockhttp/recorded_request.hpp>

namespace mockhttp {

struct WebSocketConnectionInfo {
  std::uint64_t id = 0;     // the connection's id (RecordedRequest::connection_id of its messages)
  std::string stub_id;      // the stub that accepted it
  RecordedRequest upgrade;  // the upgrade request, as journaled
  std::string subprotocol;  // chosen; empty: none
  std::chrono::system_clock::time_point opened_at;
  bool open = true;
  std::optional<std::chrono::system_clock::time_point> closed_at;
  std::optional<std::uint16_t> close_code;  // received, or sent when the server closed first
  std::string close_reason;
  std::string closed_by;     // "client", "server", "chaos", "network", "server_stop"
  std::size_t received = 0;  // messages from the client
  std::size_t sent = 0;      // messages to it

  // {"id", "stub_id", "path", "scope", "subprotocol", "opened_at", "open", "closed_at",
  //  "close_code", "close_reason", "closed_by", "received", "sent", "upgrade": <request>}
  nlohmann::json to_json() const;
};

}  // namespace mockhttp
