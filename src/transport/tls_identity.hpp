#pragma once
// What a TLS listener presents, made from TlsOptions once when the server starts: the server's
// CA, the leaf it serves (minted or the user's, or the broken one of a TLS fault), the CAs it
// trusts for client certificates, and the CA's PEM as a file for clients that want a path.
// Thread safety: immutable once made, except ca_file(), which writes the file once under a lock.
#include <mutex>
#include <optional>
#include <string>

#include <mockhttp/tls.hpp>

#include "transport/certificate_authority.hpp"

namespace mockhttp::detail {

class TlsIdentity {
 public:
  explicit TlsIdentity(const TlsOptions& options);  // throws ServerError naming the problem
  ~TlsIdentity();
  TlsIdentity(const TlsIdentity&) = delete;
  TlsIdentity& operator=(const TlsIdentity&) = delete;

  const CertificateAuthority& authority() const { return authority_; }
  const Certificate& leaf() const { return leaf_; }
  const std::string& ca_pem() const { return ca_pem_; }
  // A fresh X509_STORE of the CAs client certificates must chain to (the caller owns it), or
  // null when clients need none.
  X509_STORE* new_client_ca_store() const;
  TlsFault fault() const { return fault_; }
  // The CA's PEM in a file of its own, removed with the identity.
  std::string ca_file() const;

 private:
  CertificateAuthority authority_;
  std::optional<CertificateAuthority> stranger_;  // signs the leaf of untrusted_certificate_authority
  Certificate leaf_;
  std::string ca_pem_;
  bool require_client_certificate_;
  std::string client_ca_pem_;
  TlsFault fault_;
  mutable std::mutex file_mutex_;
  mutable std::string file_;
};

}  // namespace mockhttp::detail
