#include "encoding/http_url.hpp"

#include "encoding/unicode_text.hpp"

namespace mockhttp::detail {

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
