#include "transport/http2/connection_io.hpp"

#include <cerrno>

#include <sys/socket.h>

#include "transport/connection_socket.hpp"

namespace mockhttp::detail {

ssize_t ConnectionIo::read(char* data, std::size_t size) {
  if (!ssl_) {
    ssize_t received;
    do {
      received = ::recv(socket_, data, size, 0);
    } while (received < 0 && errno == EINTR);
    return received;
  }
  const int received = SSL_read(ssl_, data, static_cast<int>(size));
  if (received > 0) return received;
  return SSL_get_error(ssl_, received) == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

bool ConnectionIo::write_all(std::string_view bytes) {
  if (!ssl_) return send_raw(socket_, bytes);
  while (!bytes.empty()) {
    const int written = SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()));
    if (written <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

}  // namespace mockhttp::detail
