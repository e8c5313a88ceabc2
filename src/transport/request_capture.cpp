#include "transport/request_capture.hpp"

#include <string_view>

#include "encoding/http_url.hpp"
#include "encoding/unicode_text.hpp"
#include "transport/certificate_authority.hpp"
#include "transport/connect_tunnel.hpp"
#include "transport/connection_socket.hpp"

namespace mockhttp::detail {

namespace {
// cpp-httplib adds these to the headers itself; the client did not send them.
bool added_by_httplib(const std::string& name) {
  if (name.empty() || (name[0] != 'R' && name[0] != 'L')) return false;  // most headers stop here
  const std::string_view view = name;
  return view == "REMOTE_ADDR" || view == "REMOTE_PORT" || view == "LOCAL_ADDR" || view == "LOCAL_PORT";
}
}  // namespace

std::string host_without_port(const std::string& host_header) { return parse_authority(host_header).host; }

RecordedRequest capture_request(const httplib::Request& request) {
  RecordedRequest recorded;
  recorded.method = request.method;
  recorded.path = request.path;
  // An absolute-form target ("GET http://api.stripe.com/v1/x"), sent by a client whose
  // HTTP_PROXY is mockhttp: the authority names the host, the rest is the path.
  std::string authority;
  if (recorded.path.empty() || recorded.path[0] != '/') {
    if (const auto absolute = parse_http_url(recorded.path)) {
      authority = absolute->authority;
      recorded.path = absolute->target.substr(0, absolute->target.find('?'));
    }
  }
  // The query comes from the request target only: cpp-httplib also merges a form-encoded
  // body into `params`, and the body is not the query.
  if (const auto mark = request.target.find('?'); mark != std::string::npos) {
    httplib::Params params;
    httplib::detail::parse_query_text(request.target.substr(mark + 1), params);
    for (const auto& [key, value] : params) recorded.query[key] = value;  // the last repeat wins
  }
  const std::string* host_header = nullptr;
  recorded.headers.reserve(request.headers.size());  // the journal packs it: spare room is not kept
  for (const auto& [key, value] : request.headers) {
    if (added_by_httplib(key)) continue;
    if (!host_header && ascii_equals_ignoring_case(key, "host")) host_header = &value;
    recorded.headers.emplace_back(key, value);
  }
  recorded.body = request.body;
  const std::string* tunnel = tunnel_of_this_thread();
  if (tunnel) recorded.tunnel = *tunnel;
  if (authority.empty() && host_header) authority = *host_header;
  if (authority.empty() && tunnel) authority = *tunnel;  // HTTP/1.0 sends no Host
  recorded.host = host_without_port(authority);
  recorded.received_at = std::chrono::system_clock::now();
  // cpp-httplib reads HTTP/1.0 and 1.1; HTTP/2 requests are captured by transport/http2.
  recorded.protocol = request.version == "HTTP/1.0" ? "HTTP/1.0" : "HTTP/1.1";
  recorded.connection_id = connection_id_of_this_thread();
  recorded.tls = request.ssl != nullptr;
  // Over mTLS: the subject of the certificate the client presented (verified by the handshake).
  if (request.ssl) {
    if (X509* peer = SSL_get1_peer_certificate(request.ssl)) {
      recorded.client_certificate = subject_of(peer);
      X509_free(peer);
    }
  }
  return recorded;
}

}  // namespace mockhttp::detail
