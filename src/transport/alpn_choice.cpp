#include "transport/alpn_choice.hpp"

#include <string_view>

namespace mockhttp::detail {

namespace {

// The client's list is length-prefixed names; the server's preference decides, not its order.
bool client_offers(const unsigned char* list, unsigned int size, std::string_view name, const unsigned char** at) {
  unsigned int i = 0;
  while (i < size) {
    const unsigned int length = list[i];
    if (i + 1 + length > size) return false;  // a malformed list offers nothing
    if (std::string_view(reinterpret_cast<const char*>(list + i + 1), length) == name) {
      *at = list + i + 1;
      return true;
    }
    i += 1 + length;
  }
  return false;
}

int choose(SSL*, const unsigned char** out, unsigned char* out_size, const unsigned char* offered,
           unsigned int offered_size, void*) {
  for (const std::string_view preferred : {std::string_view("h2"), std::string_view("http/1.1")}) {
    const unsigned char* at = nullptr;
    if (client_offers(offered, offered_size, preferred, &at)) {
      *out = at;
      *out_size = static_cast<unsigned char>(preferred.size());
      return SSL_TLSEXT_ERR_OK;
    }
  }
  return SSL_TLSEXT_ERR_NOACK;  // go on without ALPN: HTTP/1.1
}

}  // namespace

void offer_h2_then_http1(SSL_CTX* context) { SSL_CTX_set_alpn_select_cb(context, &choose, nullptr); }

std::string negotiated_protocol(const SSL* ssl) {
  const unsigned char* name = nullptr;
  unsigned int size = 0;
  SSL_get0_alpn_selected(ssl, &name, &size);
  return name ? std::string(reinterpret_cast<const char*>(name), size) : std::string();
}

}  // namespace mockhttp::detail
