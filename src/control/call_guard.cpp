#include "control/call_guard.hpp"

#include <algorithm>

#include <mockhttp/errors.hpp>

#include "encoding/http_url.hpp"
#include "encoding/unicode_text.hpp"
#include "exchange/json_answer.hpp"  // query_value

namespace mockhttp::detail {

namespace {

bool is_loopback_name(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  // A dotted IPv4 address in 127.0.0.0/8: four numbers, the first 127.
  if (host.rfind("127.", 0) != 0) return false;
  int dots = 0;
  for (const char c : host) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

bool host_allowed(const CallGuard& guard, const ServerAddress& server, const std::string& host, int port) {
  if (is_loopback_name(host) || host == ascii_lowercase(server.bound_host)) return true;
  return guard.allowed_hosts.matches(host, port);
}

bool is_json_type(const std::string& content_type) {
  const std::string media = ascii_lowercase(content_type.substr(0, content_type.find(';')));
  const auto trimmed = media.substr(0, media.find_last_not_of(" \t") + 1);
  return trimmed == "application/json" || (trimmed.size() > 5 && trimmed.compare(trimmed.size() - 5, 5, "+json") == 0);
}

}  // namespace

CallGuard::CallGuard(const ControlOptions& options) : token(options.token) {
  try {
    allowed_hosts = HostList::parse(options.allowed_hosts, "ControlOptions::allowed_hosts");
  } catch (const HostListError& e) {
    throw ServerError(e.what());
  }
}

std::optional<Refusal> refuse_control_call(const CallGuard& guard, const ServerAddress& server,
                                           const RecordedRequest& request, bool open_path) {
  const int scheme_port = server.tls ? 443 : 80;
  if (request.header("Host").has_value()) {
    const Authority named = parse_authority(request.header("Host").value_or(""));
    const std::string& host = named.host;
    if (!host_allowed(guard, server, host, named.port.value_or(scheme_port))) {
      return Refusal{WireError::forbidden_host,
                     "Host '" + host + "' is not this server's (a loopback name or " + server.bound_host +
                         "); a control call reached through another name needs ControlOptions::allowed_hosts "
                         "(serve --allow-host)"};
    }
  }
  if (request.header("Origin").has_value()) {
    const std::string origin = request.header("Origin").value_or("");
    if (origin == "null") {
      // What a sandboxed page sends — every stub's answer is one (actions/response_delivery).
      return Refusal{WireError::forbidden_origin,
                     "Origin 'null' (a sandboxed page, such as one a stub served, or a local file) is not this "
                     "server's own: control calls from web pages other than the admin page are refused"};
    }
    const auto url = parse_http_url(origin);
    if (!url || !host_allowed(guard, server, url->parsed.host, url->port()) || url->port() != server.port) {
      return Refusal{
          WireError::forbidden_origin,
          "Origin '" + origin + "' is not this server's own: control calls from other web pages are refused"};
    }
  }
  if (request.header("Sec-Fetch-Site").has_value()) {
    // A browser's own word for where the call comes from, sent on GETs too (where Origin is
    // not): "none" is an address typed or bookmarked, "same-origin" the admin page's own calls.
    const std::string site = ascii_lowercase(request.header("Sec-Fetch-Site").value_or(""));
    if (site != "same-origin" && site != "none") {
      return Refusal{WireError::forbidden_origin, "Sec-Fetch-Site '" + site +
                                                      "': control calls from other web pages (and from the pages stubs "
                                                      "serve) are refused; open the admin page by typing its address"};
    }
  }
  if (!guard.token.empty() && !open_path) {
    const std::string authorization = request.header("Authorization").value_or("");
    const bool page_with_token = request.method == "GET" && (request.query.count("token") > 0);
    if (authorization.empty() && !page_with_token) {
      return Refusal{WireError::unauthorized, "this control surface needs Authorization: Bearer <token>"};
    }
    const std::string presented = page_with_token && authorization.empty()
                                      ? query_value(request, "token")
                                      : (authorization.rfind("Bearer ", 0) == 0 ? authorization.substr(7) : "");
    if (presented != guard.token) return Refusal{WireError::forbidden, "the bearer token is not this server's"};
  }
  const bool changes_state =
      request.method == "POST" || request.method == "PUT" || request.method == "PATCH" || request.method == "DELETE";
  if (changes_state && !request.body.empty() && !is_json_type(request.header("Content-Type").value_or(""))) {
    return Refusal{WireError::unsupported_media_type,
                   "a control call with a body must send Content-Type: application/json (got '" +
                       request.header("Content-Type").value_or("") + "')"};
  }
  return std::nullopt;
}

}  // namespace mockhttp::detail
