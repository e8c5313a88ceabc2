#include "actions/proxy_forwarding.hpp"

#include <array>

#include <httplib.h>

#include "encoding/http_url.hpp"
#include "encoding/unicode_text.hpp"
#include "transport/client_error.hpp"

namespace mockhttp::detail {

namespace {

bool is_hop_header(const std::string& name) {
  // Hop-by-hop headers, the ones that describe one hop's bytes, and mockhttp's own routing
  // header for replay sessions, which is this server's control and not the app's.
  static constexpr std::array<const char*, 13> kDropped = {"connection",
                                                           "keep-alive",
                                                           "proxy-authenticate",
                                                           "proxy-authorization",
                                                           "proxy-connection",
                                                           "te",
                                                           "trailer",
                                                           "transfer-encoding",
                                                           "upgrade",
                                                           "host",
                                                           "content-length",
                                                           "content-encoding",
                                                           "x-softprobe-session-id"};
  const std::string lower = ascii_lowercase(name);
  for (const char* dropped : kDropped) {
    if (lower == dropped) return true;
  }
  return false;
}

}  // namespace

Response forward_to_upstream(const ProxyTarget& target, const RecordedRequest& request) {
  const auto url = parse_http_url(target.url);
  if (!url) throw ProxyFailure("the upstream URL " + target.url + " is not an absolute http:// or https:// URL");
  httplib::Client client(url->origin());
  if (url->scheme == "https") {
    client.enable_server_certificate_verification(!target.insecure);
    if (!target.ca_file.empty()) client.set_ca_cert_path(target.ca_file.c_str());
  }
  client.set_connection_timeout(static_cast<time_t>(target.timeout.count()), 0);
  client.set_read_timeout(static_cast<time_t>(target.timeout.count()), 0);
  client.set_write_timeout(static_cast<time_t>(target.timeout.count()), 0);
  client.set_tcp_nodelay(true);

  httplib::Request forwarded;
  forwarded.method = request.method;
  httplib::Params query(request.query.begin(), request.query.end());
  forwarded.path = query.empty() ? url->target : httplib::append_query_params(url->target, query);
  for (const auto& [name, value] : request.headers) {
    if (is_hop_header(name)) continue;
    bool overridden = false;
    for (const auto& [set_name, set_value] : target.headers)
      overridden = overridden || ascii_equals_ignoring_case(set_name, name);
    if (!overridden) forwarded.headers.emplace(name, value);
  }
  for (const auto& [name, value] : target.headers) forwarded.headers.emplace(name, value);
  forwarded.body = request.body;
  if (!request.body.empty() && !forwarded.has_header("Content-Type")) {
    forwarded.headers.emplace("Content-Type", "application/octet-stream");
  }

  auto answer = client.send(forwarded);
  if (!answer) {
    std::string why = describe_client_error(answer.error());
    if (answer.error() == httplib::Error::SSLServerVerification) {
      why +=
          " (the upstream's certificate is not trusted: set the proxy's ca_file to its CA, or insecure to skip the "
          "check)";
    }
    throw ProxyFailure("the upstream " + target.url + " did not answer: " + why);
  }
  Response response(answer->status);
  for (const auto& [name, value] : answer->headers) {
    if (!is_hop_header(name)) response.header(name, value);
  }
  response.body(answer->body);
  if (url->scheme == "https" && target.insecure)
    response.header("x-mockhttp-insecure-upstream", "certificate not verified");
  return response;
}

}  // namespace mockhttp::detail
