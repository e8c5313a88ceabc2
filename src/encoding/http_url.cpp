#include "encoding/http_url.hpp"

#include <cctype>

#include "encoding/unicode_text.hpp"

namespace mockhttp::detail {

namespace {

std::optional<int> port_number(const std::string& digits) {
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  int port = 0;
  for (const char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    port = port * 10 + (c - '0');
  }
  if (port < 1 || port > 65535) return std::nullopt;
  return port;
}

}  // namespace

Authority parse_authority(const std::string& text) {
  Authority out;
  std::string rest;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    out.host = close == std::string::npos ? text.substr(1) : text.substr(1, close - 1);
    if (close != std::string::npos && close + 1 < text.size() && text[close + 1] == ':') rest = text.substr(close + 2);
  } else if (const auto colon = text.rfind(':'); colon != std::string::npos) {
    out.host = text.substr(0, colon);
    rest = text.substr(colon + 1);
  } else {
    out.host = text;
  }
  out.host = ascii_lowercase(out.host);
  out.port = port_number(rest);
  return out;
}

std::optional<HttpUrl> parse_http_url(const std::string& url) {
  const auto separator = url.find("://");
  if (separator == std::string::npos) return std::nullopt;
  HttpUrl out;
  out.scheme = ascii_lowercase(url.substr(0, separator));
  if (out.scheme != "http" && out.scheme != "https") return std::nullopt;
  const std::string rest = url.substr(separator + 3);
  const auto path_start = rest.find_first_of("/?#");
  out.authority = rest.substr(0, path_start);
  out.parsed = parse_authority(out.authority);
  if (out.parsed.host.empty()) return std::nullopt;
  out.target = path_start == std::string::npos ? "/" : rest.substr(path_start);
  if (out.target.front() != '/') out.target = "/" + out.target;
  if (const auto fragment = out.target.find('#'); fragment != std::string::npos) out.target.erase(fragment);
  return out;
}

}  // namespace mockhttp::detail
