#pragma once
// The one reader of URLs and authorities: the Host header, an absolute-form request target
// (a client using mockhttp as its HTTP proxy), a proxy stub's URL, a passthrough's upstream.
// Thread safety: pure functions.
#include <optional>
#include <string>

#include "encoding/authority.hpp"

namespace mockhttp::detail {

struct HttpUrl {
  std::string scheme;     // "http" or "https", lower-case
  std::string authority;  // as written: "api.example.com:8443"
  Authority parsed;
  std::string target;  // "/path?query", at least "/"

  std::string origin() const { return scheme + "://" + authority; }
  // The port the URL names, or its scheme's (80, 443) when it names none.
  int port() const { return parsed.port.value_or(default_port(scheme)); }
};

// An absolute http:// or https:// URL with a host; nullopt for anything else.
std::optional<HttpUrl> parse_http_url(const std::string& url);

}  // namespace mockhttp::detail
