#pragma once
// The TLS side of CONNECT interception: one SSL_CTX whose certificate callback presents, for
// each host a client tunnels to, a leaf for that host signed by the server's CA (the name from
// SNI, or the CONNECT target's host when the client sends none, as for an IP address). Leaves
// are minted on first use and kept.
// Thread safety: every call may come from any thread.
#include <map>
#include <mutex>
#include <string>

#include <openssl/ssl.h>

#include "transport/certificate_authority.hpp"

namespace mockhttp::detail {

class InterceptedHosts {
 public:
  explicit InterceptedHosts(const CertificateAuthority& authority);  // throws ServerError
  ~InterceptedHosts();
  InterceptedHosts(const InterceptedHosts&) = delete;
  InterceptedHosts& operator=(const InterceptedHosts&) = delete;

  // A server-side TLS session on `socket` for a tunnel to `connect_host`, not yet handshaken;
  // the caller frees it. Null when OpenSSL cannot make one.
  SSL* new_session(int socket, const std::string& connect_host);

  Certificate leaf_for(const std::string& host);
  // Tunnels negotiate "h2" by ALPN from now on (transport/alpn_choice.hpp); before any session.
  void offer_http2();

 private:
  // Hosts are the client's to choose: past this many, the oldest leaves are forgotten.
  static constexpr std::size_t kMostLeavesKept = 1024;

  const CertificateAuthority& authority_;
  SSL_CTX* context_ = nullptr;
  std::mutex mutex_;
  std::map<std::string, Certificate> leaves_;
};

}  // namespace mockhttp::detail
