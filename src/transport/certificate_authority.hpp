#pragma once
// Certificates made in memory with OpenSSL's API: a CA of the server's own, and leaf
// certificates it signs (the server's, a client's for mTLS, and the deliberately broken ones of
// TLS faults). Keys are ECDSA P-256: a key and a signature take well under a millisecond.
// Thread safety: Certificate is an immutable value (OpenSSL objects are reference-counted and
// only read once made); CertificateAuthority::issue() may be called from any thread.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/x509.h>

namespace mockhttp::detail {

class Certificate {
 public:
  // Reads a PEM certificate and its PEM private key; throws ServerError naming the problem.
  static Certificate from_pem(const std::string& certificate_pem, const std::string& private_key_pem);

  X509* x509() const { return certificate_.get(); }
  EVP_PKEY* key() const { return key_.get(); }
  std::string certificate_pem() const;
  std::string private_key_pem() const;
  std::string subject() const;  // "CN=...,O=..." (RFC 2253)

 private:
  friend class CertificateAuthority;
  Certificate(std::shared_ptr<X509> certificate, std::shared_ptr<EVP_PKEY> key)
      : certificate_(std::move(certificate)), key_(std::move(key)) {}
  std::shared_ptr<X509> certificate_;
  std::shared_ptr<EVP_PKEY> key_;
};

// What a leaf certificate says.
struct LeafRequest {
  std::string common_name;
  std::vector<std::string> names;  // subjectAltName: DNS names and IP addresses (v4 or v6)
  bool for_client = false;         // extendedKeyUsage clientAuth instead of serverAuth
  // Validity, from now: [not_before, not_after]. An expired certificate has both in the past.
  std::chrono::seconds not_before = -std::chrono::hours(1);
  std::chrono::seconds not_after = std::chrono::hours(24 * 7);
};

class CertificateAuthority {
 public:
  explicit CertificateAuthority(const std::string& common_name);  // a fresh key and a self-signed CA
  const Certificate& certificate() const { return root_; }
  Certificate issue(const LeafRequest& request) const;  // throws ServerError if OpenSSL fails

 private:
  Certificate root_;
};

// The subject of the certificate a TLS client presented on this connection, if any.
std::string subject_of(X509* certificate);

}  // namespace mockhttp::detail
