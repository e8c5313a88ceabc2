#pragma once
// An HTTP request mockhttp sends itself — a proxy stub's forward, a suite's call to the
// application under test — made with cpp-httplib's client here, at the edge, so the layers
// above name none of its types.
// Thread safety: send_outbound() uses only its argument; call it from any thread.
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include <mockhttp/response.hpp>

namespace mockhttp::detail {

struct OutboundCall {
  std::string origin;  // "https://host:port"
  std::string method;
  std::string target;                        // path, and its own query if any
  std::map<std::string, std::string> query;  // appended to the target, encoded
  Headers headers;                           // a body without Content-Type goes as application/octet-stream
  std::string body;
  std::chrono::seconds timeout{30};  // to connect and between reads
  // Between writes; unset: cpp-httplib's own.
  std::optional<std::chrono::seconds> write_timeout;
  bool no_delay = false;  // TCP_NODELAY
  // https: whether the server's certificate is checked, and against which CA file (empty: the
  // system's).
  bool verify_certificate = true;
  std::string ca_file;
};

struct OutboundAnswer {
  int status = 0;
  Headers headers;
  std::string body;
  // Set when no answer came, in a reader's words (transport/client_error.hpp).
  std::optional<std::string> failure;
  bool certificate_rejected = false;  // the failure is the server's certificate

  // The first value of a header, by case-insensitive name.
  std::optional<std::string> header(const std::string& name) const;
};

OutboundAnswer send_outbound(const OutboundCall& call);

}  // namespace mockhttp::detail
