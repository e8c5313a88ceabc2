#pragma once
// ALPN on the listener's TLS contexts (the server's own, and intercepted tunnels'): when HTTP/2
// is served, a client offering "h2" gets it, any other gets "http/1.1"; a client that offers
// neither is served HTTP/1.1 without ALPN, as before. Without HTTP/2 no callback is set, and a
// client's ALPN goes unanswered (it falls back to HTTP/1.1).
// Thread safety: set once, before the context makes sessions; the callback reads constants.
#include <string>

#include <openssl/ssl.h>

namespace mockhttp::detail {

void offer_h2_then_http1(SSL_CTX* context);

// The protocol ALPN chose for a handshaken session, or "" when none was.
std::string negotiated_protocol(const SSL* ssl);

}  // namespace mockhttp::detail
