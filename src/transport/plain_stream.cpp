#include "transport/plain_stream.hpp"

#include "transport/connection_socket.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace mockhttp::detail {

bool PlainStream::is_readable() const {
  return buffered_from_ < buffered_to_ || socket_ready(socket_, POLLIN, timeout_);
}

bool PlainStream::is_writable() const { return socket_ready(socket_, POLLOUT, timeout_); }

ssize_t PlainStream::read(char* data, size_t size) {
  if (buffered_from_ == buffered_to_) {
    if (!socket_ready(socket_, POLLIN, timeout_)) return -1;
    if (size >= buffer_.size()) return ::recv(socket_, data, size, 0);  // a body's large reads skip the copy
    const ssize_t received = ::recv(socket_, buffer_.data(), buffer_.size(), 0);
    if (received <= 0) return received;  // 0: the client closed
    buffered_from_ = 0;
    buffered_to_ = static_cast<std::size_t>(received);
  }
  const std::size_t count = std::min(size, buffered_to_ - buffered_from_);
  std::memcpy(data, buffer_.data() + buffered_from_, count);
  buffered_from_ += count;
  return static_cast<ssize_t>(count);
}

bool PlainStream::next_bytes_are(std::string_view prefix) {
  if (prefix.size() > buffer_.size()) return false;
  for (;;) {
    const std::size_t have = buffered_to_ - buffered_from_;
    const std::size_t compared = std::min(have, prefix.size());
    if (std::memcmp(buffer_.data() + buffered_from_, prefix.data(), compared) != 0) return false;
    if (have >= prefix.size()) return true;
    if (buffered_from_ > 0) {  // room at the end for the rest
      std::memmove(buffer_.data(), buffer_.data() + buffered_from_, have);
      buffered_from_ = 0;
      buffered_to_ = have;
    }
    if (!socket_ready(socket_, POLLIN, timeout_)) return false;
    const ssize_t received = ::recv(socket_, buffer_.data() + buffered_to_, buffer_.size() - buffered_to_, 0);
    if (received <= 0) return false;  // what was read stays buffered; the next read finds the close
    buffered_to_ += static_cast<std::size_t>(received);
  }
}

std::string PlainStream::take_buffered() {
  std::string taken(buffer_.data() + buffered_from_, buffered_to_ - buffered_from_);
  buffered_from_ = buffered_to_ = 0;
  return taken;
}

ssize_t PlainStream::write(const char* data, size_t size) {
  if (!is_writable()) return -1;
  return ::send(socket_, data, size, MSG_NOSIGNAL);
}

void PlainStream::get_remote_ip_and_port(std::string& ip, int& port) const { socket_address(socket_, true, ip, port); }

void PlainStream::get_local_ip_and_port(std::string& ip, int& port) const { socket_address(socket_, false, ip, port); }

}  // namespace mockhttp::detail
