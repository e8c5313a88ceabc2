#pragma once
// cpp-httplib's Stream over a TLS session mockhttp accepted itself (a CONNECT tunnel it
// intercepts), so the tunnel's requests are read and answered by the listener's own request
// loop. Reads and writes wait at most `timeout` for the socket, as cpp-httplib's streams do.
// Thread safety: one connection's thread uses it.
#include <chrono>
#include <functional>
#include <string>

#include <httplib.h>
#include <openssl/ssl.h>

namespace mockhttp::detail {

class TlsStream final : public httplib::Stream {
 public:
  TlsStream(SSL* ssl, int socket, std::chrono::milliseconds timeout) : ssl_(ssl), socket_(socket), timeout_(timeout) {}

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* data, size_t size) override;
  ssize_t write(const char* data, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return socket_; }

 private:
  SSL* ssl_;
  int socket_;
  std::chrono::milliseconds timeout_;
};

// Waits until `socket` has bytes to read (or `ssl` has decrypted bytes pending), up to
// `timeout`, in slices that ask `keep_waiting` (false: give up now; a stopping server says so).
bool wait_readable(int socket, SSL* ssl, std::chrono::milliseconds timeout, const std::function<bool()>& keep_waiting);

}  // namespace mockhttp::detail
