#include "transport/connection_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <poll.h>
#include <sys/socket.h>

#include <chrono>

#include "transport/connection_socket.hpp"

namespace mockhttp::detail {

namespace {
// How long a connection waits for its client to close after the server's last frame.
constexpr int kGracefulCloseMs = 200;
}  // namespace

ConnectionIo ConnectionIo::over_buffers(std::string_view& input, std::string& output, bool client_closes) {
  ConnectionIo io(-1, nullptr);
  io.input_ = &input;
  io.output_ = &output;
  io.client_closes_ = client_closes;
  return io;
}

ssize_t ConnectionIo::read(char* data, std::size_t size) {
  if (input_) {
    const std::size_t count = std::min(size, input_->size());
    std::memcpy(data, input_->data(), count);
    input_->remove_prefix(count);
    return static_cast<ssize_t>(count);
  }
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
  if (output_) {
    output_->append(bytes);
    return true;
  }
  if (!ssl_) return send_raw(socket_, bytes);
  while (!bytes.empty()) {
    const int written = SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()));
    if (written <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

ssize_t ConnectionIo::write_some(std::string_view bytes) {
  if (output_) {
    output_->append(bytes);
    return static_cast<ssize_t>(bytes.size());
  }
  if (bytes.empty()) return 0;
  if (!ssl_) {
    ssize_t written;
    do {
      written = ::send(socket_, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    } while (written < 0 && errno == EINTR);
    if (written >= 0) return written;
    return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
  }
  pollfd watched{socket_, POLLOUT, 0};
  if (::poll(&watched, 1, 0) <= 0 || (watched.revents & POLLOUT) == 0) {
    return (watched.revents & (POLLERR | POLLHUP)) != 0 ? -1 : 0;
  }
  // One TLS record's worth at a time: a socket that took some may not take a whole buffer.
  constexpr std::size_t kRecord = 16 * 1024;
  const int written = SSL_write(ssl_, bytes.data(), static_cast<int>(std::min(bytes.size(), kRecord)));
  return written > 0 ? written : -1;
}

}  // namespace mockhttp::detail

namespace mockhttp::detail {

void ConnectionIo::end_gracefully() {
  if (ssl_ || socket_ < 0) return;
  ::shutdown(socket_, SHUT_WR);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kGracefulCloseMs);
  char discarded[4096];
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    pollfd watched{socket_, POLLIN, 0};
    const int ready = ::poll(&watched, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return;
    if (::recv(socket_, discarded, sizeof discarded, MSG_DONTWAIT) <= 0) return;  // the client closed
  }
}

}  // namespace mockhttp::detail
