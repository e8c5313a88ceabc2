#include "transport/request_capture.hpp"

#include "encoding/http_url.hpp"
#include "encoding/unicode_text.hpp"

namespace mockhttp::detail {

std::string host_without_port(const std::string& host_header) { return parse_authority(host_header).host; }

RecordedRequest capture_request(const httplib::Request& request) {
  RecordedRequest recorded;
  recorded.method = request.method;
  recorded.path = request.path;
  // An absolute-form target ("GET http://api.stripe.com/v1/x"), sent by a client whose
  // HTTP_PROXY is mockhttp: the authority names the host, the rest is the path.
  std::string authority;
  if (const auto absolute = parse_http_url(recorded.path)) {
    authority = absolute->authority;
    recorded.path = absolute->target.substr(0, absolute->target.find('?'));
  }
  // The query comes from the request target only: cpp-httplib also merges a form-encoded
  // body into `params`, and the body is not the query.
  if (const auto mark = request.target.find('?'); mark != std::string::npos) {
    httplib::Params params;
    httplib::detail::parse_query_text(request.target.substr(mark + 1), params);
    for (const auto& [key, value] : params) recorded.query[key] = value;  // the last repeat wins
  }
  for (const auto& [key, value] : request.headers) {
    // cpp-httplib adds these itself; they were not sent by the client.
    if (key == "REMOTE_ADDR" || key == "REMOTE_PORT" || key == "LOCAL_ADDR" || key == "LOCAL_PORT") continue;
    recorded.headers.emplace_back(key, value);
  }
  recorded.body = request.body;
  recorded.host = host_without_port(authority.empty() ? request.get_header_value("Host") : authority);
  recorded.received_at = std::chrono::system_clock::now();
  return recorded;
}

}  // namespace mockhttp::detail
