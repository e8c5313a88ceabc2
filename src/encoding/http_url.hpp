#pragma once
// The one reader of URLs and authorities: the Host header, an absolute-form request target
// (a client using mockhttp as its HTTP proxy), a proxy stub's URL, a passthrough's upstream.
// Thread safety: pure functions.
#include <optional>
#include <string>

namespace mockhttp::detail {

struct Authority {
  std::string host;         // lower-case; an IPv6 address without its brackets
  std::optional<int> port;  // absent, or not a port number (1-65535): nullopt
};

// "Example.COM:8080" -> {"example.com", 8080}; "[::1]:80" -> {"::1", 80}; "api" -> {"api", -}.
Authority parse_authority(const std::string& text);

struct HttpUrl {
  std::string scheme;     // "http" or "https", lower-case
  std::string authority;  // as written: "api.example.com:8443"
  Authority parsed;
  std::string target;  // "/path?query", at least "/"

  std::string origin() const { return scheme + "://" + authority; }
};

// An absolute http:// or https:// URL with a host; nullopt for anything else.
std::optional<HttpUrl> parse_http_url(const std::string& url);

}  // namespace mockhttp::detail
