#include "transport/outbound_call.hpp"

#include <httplib.h>

#include "encoding/unicode_text.hpp"
#include "transport/client_error.hpp"

namespace mockhttp::detail {

std::optional<std::string> OutboundAnswer::header(const std::string& name) const {
  for (const auto& [field, value] : headers) {
    if (ascii_equals_ignoring_case(field, name)) return value;
  }
  return std::nullopt;
}

OutboundAnswer send_outbound(const OutboundCall& call) {
  httplib::Client client(call.origin);
  if (call.origin.rfind("https://", 0) == 0) {
    client.enable_server_certificate_verification(call.verify_certificate);
    if (!call.ca_file.empty()) client.set_ca_cert_path(call.ca_file.c_str());
  }
  const auto seconds = static_cast<time_t>(call.timeout.count());
  client.set_connection_timeout(seconds, 0);
  client.set_read_timeout(seconds, 0);
  if (call.write_timeout) client.set_write_timeout(static_cast<time_t>(call.write_timeout->count()), 0);
  if (call.no_delay) client.set_tcp_nodelay(true);

  httplib::Request sent;
  sent.method = call.method;
  const httplib::Params query(call.query.begin(), call.query.end());
  sent.path = query.empty() ? call.target : httplib::append_query_params(call.target, query);
  for (const auto& [name, value] : call.headers) sent.headers.emplace(name, value);
  sent.body = call.body;
  if (!sent.body.empty() && !sent.has_header("Content-Type")) {
    sent.headers.emplace("Content-Type", "application/octet-stream");
  }
  auto result = client.send(sent);
  OutboundAnswer answer;
  if (!result) {
    answer.failure = describe_client_error(result.error());
    answer.certificate_rejected = result.error() == httplib::Error::SSLServerVerification;
    return answer;
  }
  answer.status = result->status;
  for (const auto& [name, value] : result->headers) answer.headers.emplace_back(name, value);
  answer.body = std::move(result->body);
  return answer;
}

}  // namespace mockhttp::detail
