#include "transport/intercepted_hosts.hpp"

#include "transport/alpn_choice.hpp"

#include <mockhttp/errors.hpp>

#include "encoding/unicode_text.hpp"

namespace mockhttp::detail {

namespace {

// The CONNECT target's host, for a client that sends no SNI; kept on the session (ex_data).
int connect_host_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// Runs after the ClientHello is read, before the server's certificate is sent.
int present_leaf(SSL* ssl, void* argument) {
  auto* hosts = static_cast<InterceptedHosts*>(argument);
  const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  const auto* connect_host = static_cast<const std::string*>(SSL_get_ex_data(ssl, connect_host_index()));
  const std::string host = sni && *sni ? ascii_lowercase(sni) : connect_host ? *connect_host : "";
  if (host.empty()) return 0;
  try {
    const Certificate leaf = hosts->leaf_for(host);
    if (SSL_use_certificate(ssl, leaf.x509()) != 1 || SSL_use_PrivateKey(ssl, leaf.key()) != 1) return 0;
    return 1;
  } catch (const ServerError&) {
    return 0;  // the handshake fails; the tunnel reports it
  }
}

}  // namespace

InterceptedHosts::InterceptedHosts(const CertificateAuthority& authority) : authority_(authority) {
  context_ = SSL_CTX_new(TLS_server_method());
  if (!context_) throw ServerError("TLS: SSL_CTX_new failed for CONNECT interception");
  SSL_CTX_set_min_proto_version(context_, TLS1_2_VERSION);
  SSL_CTX_set_cert_cb(context_, present_leaf, this);
}

InterceptedHosts::~InterceptedHosts() { SSL_CTX_free(context_); }

SSL* InterceptedHosts::new_session(int socket, const std::string& connect_host) {
  SSL* ssl = SSL_new(context_);
  if (!ssl) return nullptr;
  if (SSL_set_fd(ssl, socket) != 1) {
    SSL_free(ssl);
    return nullptr;
  }
  // The string outlives the handshake: the tunnel that owns it frees the session first.
  SSL_set_ex_data(ssl, connect_host_index(), const_cast<std::string*>(&connect_host));
  return ssl;
}

void InterceptedHosts::offer_http2() { offer_h2_then_http1(context_); }

Certificate InterceptedHosts::leaf_for(const std::string& host) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (const auto found = leaves_.find(host); found != leaves_.end()) return found->second;
  LeafRequest request;
  // A common name holds at most 64 characters; the name that counts is the subjectAltName's.
  request.common_name = host.size() <= 64 ? host : "mockhttp intercepted host";
  request.names = {host};
  if (leaves_.size() >= kMostLeavesKept) leaves_.clear();
  return leaves_.emplace(host, authority_.issue(request)).first->second;
}

}  // namespace mockhttp::detail
