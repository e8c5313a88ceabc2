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
  // `input` is consumed from its front as it is read; both must outlive the connection.
  // `client_closes`: once `input` is taken, a read says the client closed (as its FIN would);
  // otherwise nothing more arrives and the connection stays open.
  static ConnectionIo over_buffers(std::string_view& input, std::string& output, bool client_closes);

  int socket() const { return socket_; }  // -1 over buffers: poll() ignores it
  bool has_pending() const { return input_ ? !input_->empty() || client_closes_ : ssl_ && SSL_pending(ssl_) > 0; }
  // What arrived, up to `size`; 0 when the peer closed, negative on an error.
  ssize_t read(char* data, std::size_t size);
  // Every byte; false when the peer is gone or does not read within the send timeout.
  bool write_all(std::string_view bytes);
  // What the socket takes now, without waiting for a client that does not read: the bytes
  // written (0: none fit), or -1 when the peer is gone. Over TLS a record once begun is finished,
  // within the send timeout.
  ssize_t write_some(std::string_view bytes);
  // After the last frame (a GOAWAY): sends FIN and reads what the client still sends, for at
  // most kGracefulCloseMs, until it closes too. Closing with unread bytes would make the kernel
  // reset the connection and drop the GOAWAY not yet sent. Plain connections only (TLS ends with
  // its own close_notify).
  void end_gracefully();

 private:
  int socket_;
  SSL* ssl_;
  std::string_view* input_ = nullptr;
  std::string* output_ = nullptr;
  bool client_closes_ = false;
};

}  // namespace mockhttp::detail
