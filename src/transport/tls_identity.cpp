#include "transport/tls_identity.hpp"

#include <openssl/pem.h>

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

#include <mockhttp/errors.hpp>

namespace mockhttp::detail {

namespace {

LeafRequest server_leaf(const TlsOptions& options) {
  LeafRequest request;
  request.common_name = "localhost";
  request.names = {"127.0.0.1", "::1", "localhost"};
  for (const auto& name : options.names) request.names.push_back(name);
  if (options.fault == TlsFault::expired_certificate) {
    request.not_before = -std::chrono::hours(48);
    request.not_after = -std::chrono::hours(24);
  } else if (options.fault == TlsFault::wrong_host_name) {
    request.common_name = "wrong-host.invalid";
    request.names = {"wrong-host.invalid"};
  }
  return request;
}

}  // namespace

TlsIdentity::TlsIdentity(const TlsOptions& options)
    : authority_("mockhttp test CA"),
      leaf_([&] {
        if (options.certificate_pem.empty() != options.private_key_pem.empty()) {
          throw ServerError(
              "ServerOptions::tls: certificate_pem and private_key_pem go together (give both, or neither)");
        }
        if (!options.certificate_pem.empty()) {
          try {
            return Certificate::from_pem(options.certificate_pem, options.private_key_pem);
          } catch (const ServerError& e) {
            throw ServerError(std::string("ServerOptions::tls: ") + e.what());
          }
        }
        if (options.fault == TlsFault::untrusted_certificate_authority) {
          stranger_.emplace("a CA nobody trusts");
          return stranger_->issue(server_leaf(options));
        }
        return authority_.issue(server_leaf(options));
      }()),
      ca_pem_(authority_.certificate().certificate_pem()),
      require_client_certificate_(options.require_client_certificate),
      client_ca_pem_(options.client_ca_pem),
      fault_(options.fault) {}

TlsIdentity::~TlsIdentity() {
  if (!file_.empty()) std::remove(file_.c_str());
}

X509_STORE* TlsIdentity::new_client_ca_store() const {
  if (!require_client_certificate_) return nullptr;
  X509_STORE* store = X509_STORE_new();
  if (!store) throw ServerError("TLS: X509_STORE_new failed");
  if (client_ca_pem_.empty()) {
    X509_STORE_add_cert(store, authority_.certificate().x509());
    return store;
  }
  BIO* bio = BIO_new_mem_buf(client_ca_pem_.data(), static_cast<int>(client_ca_pem_.size()));
  int added = 0;
  while (X509* certificate = bio ? PEM_read_bio_X509(bio, nullptr, nullptr, nullptr) : nullptr) {
    added += X509_STORE_add_cert(store, certificate) == 1 ? 1 : 0;
    X509_free(certificate);
  }
  BIO_free(bio);
  if (added == 0) {
    X509_STORE_free(store);
    throw ServerError("ServerOptions::tls: client_ca_pem holds no PEM certificate");
  }
  return store;
}

std::string TlsIdentity::ca_file() const {
  std::lock_guard<std::mutex> lock(file_mutex_);
  if (!file_.empty()) return file_;
  const char* folder = std::getenv("TMPDIR");
  std::string path = std::string(folder && *folder ? folder : "/tmp") + "/mockhttp-ca-XXXXXX";
  const int descriptor = ::mkstemp(path.data());
  if (descriptor < 0) throw ServerError("TLS: cannot create a file for the CA certificate in " + path);
  const bool written = ::write(descriptor, ca_pem_.data(), ca_pem_.size()) == static_cast<ssize_t>(ca_pem_.size());
  ::close(descriptor);
  if (!written) {
    std::remove(path.c_str());
    throw ServerError("TLS: cannot write the CA certificate to " + path);
  }
  file_ = path;
  return file_;
}

}  // namespace mockhttp::detail
