#include "transport/request_capture.hpp"

#include "encoding/unicode_text.hpp"

namespace mockhttp::detail {

std::string host_without_port(const std::string& host_header) {
  std::string host = host_header;
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    host = close == std::string::npos ? host.substr(1) : host.substr(1, close - 1);
  } else if (const auto colon = host.rfind(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  return ascii_lowercase(host);
}

RecordedRequest capture_request(const httplib::Request& request) {
  RecordedRequest recorded;
  recorded.method = request.method;
  recorded.path = request.path;
  // An absolute-form target ("GET http://api.stripe.com/v1/x"), sent by a client whose
  // HTTP_PROXY is mockhttp: the authority names the host, the rest is the path.
  std::string authority;
  for (const char* scheme : {"http://", "https://"}) {
    if (recorded.path.rfind(scheme, 0) != 0) continue;
    const std::string rest = recorded.path.substr(std::string(scheme).size());
    const auto slash = rest.find('/');
    authority = rest.substr(0, slash);
    recorded.path = slash == std::string::npos ? "/" : rest.substr(slash);
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
