#include "transport/certificate_authority.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <functional>

#include <mockhttp/errors.hpp>

namespace mockhttp::detail {

namespace {

[[noreturn]] void fail(const std::string& what) {
  const unsigned long code = ERR_get_error();
  char reason[256] = "no OpenSSL error";
  if (code != 0) ERR_error_string_n(code, reason, sizeof reason);
  ERR_clear_error();
  throw ServerError("TLS: " + what + " (" + reason + ")");
}

template <typename T>
T* checked(T* value, const char* what) {
  if (value == nullptr) fail(what);
  return value;
}

void check(int result, const char* what) {
  if (result <= 0) fail(what);
}

std::shared_ptr<EVP_PKEY> new_key() {
  return std::shared_ptr<EVP_PKEY>(checked(EVP_EC_gen("P-256"), "generating a P-256 key"), EVP_PKEY_free);
}

std::string pem_of(const std::function<int(BIO*)>& write) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(checked(BIO_new(BIO_s_mem()), "BIO_new"), BIO_free);
  check(write(bio.get()), "writing PEM");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

void add_extension(X509* certificate, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension =
      checked(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()), "making an extension");
  const int added = X509_add_ext(certificate, extension, -1);
  X509_EXTENSION_free(extension);
  check(added, "adding an extension");
}

bool is_ip_address(const std::string& name) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, name.c_str(), buffer) == 1 || inet_pton(AF_INET6, name.c_str(), buffer) == 1;
}

// A certificate of `subject_key` named `common_name`, not yet signed; `issuer` null: self-issued.
std::shared_ptr<X509> new_certificate(const std::string& common_name, EVP_PKEY* subject_key, X509* issuer,
                                      std::chrono::seconds not_before, std::chrono::seconds not_after) {
  std::shared_ptr<X509> certificate(checked(X509_new(), "X509_new"), X509_free);
  X509* x = certificate.get();
  check(X509_set_version(x, 2), "setting the version");
  unsigned char serial[16];
  check(RAND_bytes(serial, sizeof serial), "drawing a serial number");
  serial[0] &= 0x7f;  // positive
  BIGNUM* number = checked(BN_bin2bn(serial, sizeof serial, nullptr), "BN_bin2bn");
  ASN1_INTEGER* asn1 = BN_to_ASN1_INTEGER(number, X509_get_serialNumber(x));
  BN_free(number);
  checked(asn1, "setting the serial number");
  checked(X509_gmtime_adj(X509_getm_notBefore(x), static_cast<long>(not_before.count())), "notBefore");
  checked(X509_gmtime_adj(X509_getm_notAfter(x), static_cast<long>(not_after.count())), "notAfter");
  X509_NAME* name = X509_get_subject_name(x);
  check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("mockhttp"), -1, -1,
                                   0),
        "naming the organisation");
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0),
        "naming the certificate");
  check(X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name), "setting the issuer");
  check(X509_set_pubkey(x, subject_key), "setting the public key");
  return certificate;
}

}  // namespace

Certificate Certificate::from_pem(const std::string& certificate_pem, const std::string& private_key_pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> cert_bio(
      BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size())), BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(
      BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())), BIO_free);
  X509* certificate = cert_bio ? PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!certificate) fail("the certificate is not a PEM X.509 certificate");
  std::shared_ptr<X509> owned_certificate(certificate, X509_free);
  EVP_PKEY* key = key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!key) fail("the private key is not a PEM private key (encrypted keys are not read)");
  std::shared_ptr<EVP_PKEY> owned_key(key, EVP_PKEY_free);
  if (X509_check_private_key(certificate, key) != 1) fail("the private key does not belong to the certificate");
  return Certificate(std::move(owned_certificate), std::move(owned_key));
}

std::string Certificate::certificate_pem() const {
  return pem_of([this](BIO* bio) { return PEM_write_bio_X509(bio, certificate_.get()); });
}

std::string Certificate::private_key_pem() const {
  return pem_of(
      [this](BIO* bio) { return PEM_write_bio_PrivateKey(bio, key_.get(), nullptr, nullptr, 0, nullptr, nullptr); });
}

std::string Certificate::subject() const { return subject_of(certificate_.get()); }

std::string subject_of(X509* certificate) {
  if (!certificate) return "";
  return pem_of([certificate](BIO* bio) {
    const int written = X509_NAME_print_ex(bio, X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253);
    return written < 0 ? 0 : 1;
  });
}

CertificateAuthority::CertificateAuthority(const std::string& common_name)
    : root_([&] {
        auto key = new_key();
        auto certificate =
            new_certificate(common_name, key.get(), nullptr, -std::chrono::hours(1), std::chrono::hours(24 * 365));
        add_extension(certificate.get(), certificate.get(), NID_basic_constraints, "critical,CA:TRUE");
        add_extension(certificate.get(), certificate.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
        add_extension(certificate.get(), certificate.get(), NID_subject_key_identifier, "hash");
        check(X509_sign(certificate.get(), key.get(), EVP_sha256()), "signing the CA");
        return Certificate(std::move(certificate), std::move(key));
      }()) {}

Certificate CertificateAuthority::issue(const LeafRequest& request) const {
  auto key = new_key();
  auto certificate =
      new_certificate(request.common_name, key.get(), root_.x509(), request.not_before, request.not_after);
  X509* x = certificate.get();
  add_extension(x, root_.x509(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(x, root_.x509(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
  add_extension(x, root_.x509(), NID_ext_key_usage, request.for_client ? "clientAuth" : "serverAuth");
  add_extension(x, root_.x509(), NID_authority_key_identifier, "keyid:always");
  if (!request.names.empty()) {
    std::string names;
    for (const auto& name : request.names)
      names += (names.empty() ? "" : ",") + std::string(is_ip_address(name) ? "IP:" : "DNS:") + name;
    add_extension(x, root_.x509(), NID_subject_alt_name, names);
  }
  check(X509_sign(x, root_.key(), EVP_sha256()), "signing a certificate");
  return Certificate(std::move(certificate), std::move(key));
}

}  // namespace mockhttp::detail
