#pragma once
// The server's half of RFC 6455's opening handshake (§4.2): whether an upgrade request is one
// a server may accept, and the Sec-WebSocket-Accept it answers with. The engine decides whether
// a stub accepts; this only checks the request's form and computes the key's answer.
// Thread safety: pure functions.
#include <optional>
#include <string>

#include <mockhttp/recorded_request.hpp>

#include "exchange/error_catalogue.hpp"

namespace mockhttp::detail {

struct HandshakeRefusal {
  WireError error;
  std::string detail;
};

// Whether the request asks `Upgrade: websocket` at all.
bool asks_websocket(const RecordedRequest& request);
// Why an upgrade request cannot open a WebSocket, or nullopt when it can: GET, `Connection`
// naming `upgrade`, `Sec-WebSocket-Version: 13`, and a key that is 16 bytes in base64.
std::optional<HandshakeRefusal> websocket_handshake_refusal(const RecordedRequest& request);
// base64(SHA-1(key + the RFC's GUID)).
std::string websocket_accept(const std::string& key);

}  // namespace mockhttp::detail
