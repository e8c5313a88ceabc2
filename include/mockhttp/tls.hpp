#pragma once
// HTTPS: a MockServer that speaks TLS, with a certificate authority of its own (docs/https.md).
//
//   ServerOptions options;
//   options.tls = TlsOptions{};                        // a fresh CA and a leaf for 127.0.0.1, ::1, localhost
//   MockServer server(options);                        // server.url() is "https://127.0.0.1:PORT"
//   curl_easy_setopt(curl, CURLOPT_CAINFO, server.ca_certificate_file().c_str());
//
// The CA and the leaf are made in memory when the server starts (ECDSA P-256, about a
// millisecond), or the leaf is the certificate and key you give. Faults make the handshake fail
// the ways clients must handle: an expired certificate, a name that does not match, a CA the
// client does not trust, a handshake cut off after the ClientHello.
//
// Thread safety: value types; build them on one thread and hand them to ServerOptions.
#include <string>
#include <vector>

namespace mockhttp {

enum class TlsFault {
  none,
  expired_certificate,              // the leaf's validity ended yesterday
  wrong_host_name,                  // the leaf names only "wrong-host.invalid"
  untrusted_certificate_authority,  // the leaf is signed by another CA than ca_certificate_pem()'s
  handshake_abort,                  // the server answers the ClientHello with a fatal alert
};

struct TlsOptions {
  // Names the minted leaf carries besides 127.0.0.1, ::1 and localhost (DNS names or IPs).
  std::vector<std::string> names;
  // Your own certificate and key (PEM); both empty: the leaf is minted from the server's CA.
  std::string certificate_pem;
  std::string private_key_pem;
  // mTLS: refuse clients without a certificate signed by `client_ca_pem` (empty: the server's
  // own CA, whose issue_client_certificate() mints them). The subject of the certificate a
  // client presented is in RecordedRequest::client_certificate.
  bool require_client_certificate = false;
  std::string client_ca_pem;
  TlsFault fault = TlsFault::none;
};

// A client certificate minted by the server's CA, for mTLS tests (CURLOPT_SSLCERT_BLOB/_KEY_BLOB).
// [[nodiscard]]: minting one only to drop it is a slip.
struct [[nodiscard]] ClientCertificate {
  std::string certificate_pem;
  std::string private_key_pem;
  std::string subject;  // as RecordedRequest::client_certificate will show it: "CN=alice,O=mockhttp"
};

}  // namespace mockhttp
