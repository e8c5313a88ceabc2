#pragma once
// The bytes of one connection, plain or TLS, for a protocol loop that polls: reads what has
// arrived, writes whole buffers (each write waits at most the socket's send timeout, which the
// listener set), and says whether TLS holds decrypted bytes a poll() would not see.
// Thread safety: one connection's thread uses it.
#include <cstddef>
#include <string_view>

#include <sys/types.h>

#include <openssl/ssl.h>

namespace mockhttp::detail {

class ConnectionIo {
 public:
  ConnectionIo(int socket, SSL* ssl) : socket_(socket), ssl_(ssl) {}

  int socket() const { return socket_; }
  bool has_pending() const { return ssl_ && SSL_pending(ssl_) > 0; }
  // What arrived, up to `size`; 0 when the peer closed, negative on an error.
  ssize_t read(char* data, std::size_t size);
  // Every byte; false when the peer is gone or does not read within the send timeout.
  bool write_all(std::string_view bytes);

 private:
  int socket_;
  SSL* ssl_;
};

}  // namespace mockhttp::detail
