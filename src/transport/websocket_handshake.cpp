#include "transport/websocket_handshake.hpp"

#include <openssl/sha.h>

#include "encoding/base64.hpp"
#include "encoding/unicode_text.hpp"

namespace mockhttp::detail {

namespace {

constexpr const char* kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// Whether a comma-separated header value lists `token`, in any case.
bool lists_token(const std::optional<std::string>& value, const std::string& token) {
  if (!value) return false;
  std::string item;
  for (const char c : *value + ",") {
    if (c == ',') {
      if (ascii_equals_ignoring_case(item, token)) return true;
      item.clear();
    } else if (c != ' ' && c != '\t') {
      item += c;
    }
  }
  return false;
}

}  // namespace

bool asks_websocket(const RecordedRequest& request) { return lists_token(request.header("Upgrade"), "websocket"); }

std::optional<HandshakeRefusal> websocket_handshake_refusal(const RecordedRequest& request) {
  if (request.method != "GET") {
    return HandshakeRefusal{WireError::bad_websocket_handshake,
                            "a WebSocket opens with GET (RFC 6455 §4.1), got " + request.method};
  }
  if (!lists_token(request.header("Connection"), "upgrade")) {
    return HandshakeRefusal{WireError::bad_websocket_handshake,
                            "Connection must name upgrade in a WebSocket handshake (RFC 6455 §4.1)"};
  }
  const auto version = request.header("Sec-WebSocket-Version");
  if (!version || *version != "13") {
    return HandshakeRefusal{WireError::websocket_version_unsupported,
                            "Sec-WebSocket-Version must be 13, got " + (version ? "\"" + *version + "\"" : "none")};
  }
  const auto key = request.header("Sec-WebSocket-Key");
  std::string nonce;
  if (!key || !base64_decode(*key, nonce) || nonce.size() != 16) {
    return HandshakeRefusal{WireError::bad_websocket_handshake,
                            "Sec-WebSocket-Key must be 16 random bytes in base64 (RFC 6455 §4.1), got " +
                                (key ? "\"" + key->substr(0, 64) + "\"" : std::string("none"))};
  }
  return std::nullopt;
}

std::string websocket_accept(const std::string& key) {
  const std::string keyed = key + kGuid;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(keyed.data()), keyed.size(), digest);
  return base64_encode(std::string(reinterpret_cast<const char*>(digest), sizeof digest));
}

}  // namespace mockhttp::detail
