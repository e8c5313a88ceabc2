#pragma once
// A cpp-httplib client's failure in a reader's words: "connection refused (nothing listens
// there)" rather than the enum's name "Connection". Used wherever mockhttp reports a call of its
// own that failed (proxy forwarding, replay passthrough, the suite runner's call of the
// application).
// Thread safety: a pure function.
#include <httplib.h>

#include <string>

namespace mockhttp::detail {

inline std::string describe_client_error(httplib::Error error) {
  switch (error) {
    case httplib::Error::Success:
      return "no error";
    case httplib::Error::Connection:
      return "could not connect (connection refused, or nothing listens there)";
    case httplib::Error::BindIPAddress:
      return "could not bind the local address";
    case httplib::Error::Read:
      return "the connection closed before a whole answer was read";
    case httplib::Error::Write:
      return "the request could not be written (the connection closed)";
    case httplib::Error::ExceedRedirectCount:
      return "too many redirects";
    case httplib::Error::Canceled:
      return "the call was cancelled";
    case httplib::Error::SSLConnection:
      return "the TLS handshake failed";
    case httplib::Error::SSLLoadingCerts:
      return "the CA certificates could not be loaded";
    case httplib::Error::SSLServerVerification:
      return "the server's certificate is not trusted";
    case httplib::Error::Compression:
      return "the answer's compressed body could not be decoded";
    case httplib::Error::ConnectionTimeout:
      return "connecting timed out";
    default:
      return "failed (" + httplib::to_string(error) + ")";
  }
}

}  // namespace mockhttp::detail
