#include "transport/tls_stream.hpp"

#include "transport/connection_socket.hpp"

#include <poll.h>

#include <algorithm>
#include <limits>

namespace mockhttp::detail {

bool wait_readable(int socket, SSL* ssl, std::chrono::milliseconds timeout, const std::function<bool()>& keep_waiting) {
  if (ssl && SSL_pending(ssl) > 0) return true;
  constexpr std::chrono::milliseconds kSlice(100);
  for (std::chrono::milliseconds waited(0); waited < timeout; waited += kSlice) {
    if (keep_waiting && !keep_waiting()) return false;
    if (socket_ready(socket, POLLIN, std::min(kSlice, timeout - waited))) return true;
  }
  return false;
}

bool TlsStream::is_readable() const { return SSL_pending(ssl_) > 0 || socket_ready(socket_, POLLIN, timeout_); }

bool TlsStream::is_writable() const { return socket_ready(socket_, POLLOUT, timeout_); }

ssize_t TlsStream::read(char* data, size_t size) {
  if (!is_readable()) return -1;
  const int count = SSL_read(ssl_, data, static_cast<int>(std::min<size_t>(size, std::numeric_limits<int>::max())));
  return count > 0 ? count : -1;
}

ssize_t TlsStream::write(const char* data, size_t size) {
  if (!is_writable()) return -1;
  // The socket blocks and SSL_MODE_AUTO_RETRY is OpenSSL's default: SSL_write sends it all or fails.
  const int count = SSL_write(ssl_, data, static_cast<int>(std::min<size_t>(size, std::numeric_limits<int>::max())));
  return count > 0 ? count : -1;
}

void TlsStream::get_remote_ip_and_port(std::string& ip, int& port) const { socket_address(socket_, true, ip, port); }

void TlsStream::get_local_ip_and_port(std::string& ip, int& port) const { socket_address(socket_, false, ip, port); }

}  // namespace mockhttp::detail
