#include "actions/proxy_forwarding.hpp"

#include <array>

#include "encoding/http_url.hpp"
#include "encoding/unicode_text.hpp"
#include "transport/outbound_call.hpp"

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
  OutboundCall call;
  call.origin = url->origin();
  call.verify_certificate = !target.insecure;
  call.ca_file = target.ca_file;
  call.timeout = std::chrono::duration_cast<std::chrono::seconds>(target.timeout);
  call.write_timeout = call.timeout;
  call.no_delay = true;
  call.method = request.method;
  call.target = url->target;
  call.query = request.query;
  for (const auto& [name, value] : request.headers) {
    if (is_hop_header(name)) continue;
    bool overridden = false;
    for (const auto& [set_name, set_value] : target.headers)
      overridden = overridden || ascii_equals_ignoring_case(set_name, name);
    if (!overridden) call.headers.emplace_back(name, value);
  }
  for (const auto& [name, value] : target.headers) call.headers.emplace_back(name, value);
  call.body = request.body;

  const OutboundAnswer answer = send_outbound(call);
  if (answer.failure) {
    std::string why = *answer.failure;
    if (answer.certificate_rejected) {
      why +=
          " (the upstream's certificate is not trusted: set the proxy's ca_file to its CA, or insecure to skip the "
          "check)";
    }
    throw ProxyFailure("the upstream " + target.url + " did not answer: " + why);
  }
  Response response(answer.status);
  for (const auto& [name, value] : answer.headers) {
    if (!is_hop_header(name)) response.header(name, value);
  }
  response.body(answer.body);
  if (url->scheme == "https" && target.insecure)
    response.header("x-mockhttp-insecure-upstream", "certificate not verified");
  return response;
}

}  // namespace mockhttp::detail
