#include "transport/connection_socket.hpp"

#include <arpa/inet.h>
#include <poll.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace mockhttp::detail {

namespace {

struct Endpoint {
  std::string address;
  int port = -1;
};

Endpoint endpoint_of(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    return {text, ntohs(v4.sin_port)};
  }
  if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    return {text, ntohs(v6.sin6_port)};
  }
  return {};
}

bool is_connection(int fd, int local_port, const std::string& remote_addr, int remote_port) {
  struct stat info {};
  if (fstat(fd, &info) != 0 || !S_ISSOCK(info.st_mode)) return false;
  sockaddr_storage local{}, peer{};
  socklen_t local_size = sizeof local, peer_size = sizeof peer;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_size) != 0) return false;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_size) != 0) return false;
  const Endpoint mine = endpoint_of(local), theirs = endpoint_of(peer);
  return mine.port == local_port && theirs.port == remote_port && theirs.address == remote_addr;
}

}  // namespace

namespace {

// The connection this thread serves: cpp-httplib runs each connection on one thread of its
// task queue (transport/elastic_task_queue), so the socket, once found, is kept here until the
// queue forgets it when the connection ends.
struct KnownConnection {
  int local_port = -1;
  std::string remote_addr;
  int remote_port = -1;
  int fd = -1;
};
thread_local KnownConnection known;

// POSIX only: poll() marks a descriptor that is not open as POLLNVAL, 1,024 at a time, and the
// open ones are asked for their addresses. No /proc, so it works wherever sockets do.
int scan_descriptor_table(int local_port, const std::string& remote_addr, int remote_port) {
  constexpr long kBatch = 1024, kMostScanned = 65536;
  long limit = sysconf(_SC_OPEN_MAX);
  if (limit <= 0 || limit > kMostScanned) limit = kMostScanned;
  std::vector<pollfd> batch;
  for (long base = 0; base < limit; base += kBatch) {
    batch.clear();
    for (long fd = base; fd < std::min(base + kBatch, limit); ++fd) batch.push_back({static_cast<int>(fd), 0, 0});
    if (::poll(batch.data(), static_cast<nfds_t>(batch.size()), 0) < 0) return -1;
    for (const pollfd& entry : batch) {
      if ((entry.revents & POLLNVAL) == 0 && is_connection(entry.fd, local_port, remote_addr, remote_port)) return entry.fd;
    }
  }
  return -1;
}

}  // namespace

int find_connection_socket(int local_port, const std::string& remote_addr, int remote_port) {
  if (known.fd >= 0 && known.local_port == local_port && known.remote_port == remote_port &&
      known.remote_addr == remote_addr && is_connection(known.fd, local_port, remote_addr, remote_port)) {
    return known.fd;
  }
  const int fd = scan_descriptor_table(local_port, remote_addr, remote_port);
  if (fd >= 0) known = KnownConnection{local_port, remote_addr, remote_port, fd};
  return fd;
}

void socket_address(int socket, bool peer, std::string& ip, int& port) {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  auto* raw = reinterpret_cast<sockaddr*>(&address);
  if ((peer ? getpeername(socket, raw, &size) : getsockname(socket, raw, &size)) != 0) return;
  Endpoint end = endpoint_of(address);
  if (end.port < 0) return;
  ip = std::move(end.address);
  port = end.port;
}

void forget_connection_socket() { known = KnownConnection{}; }

bool send_raw(int socket, std::string_view bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(socket, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

void end_connection(int socket) { ::shutdown(socket, SHUT_RDWR); }

void discard_unread(int socket) {
  // Bounded: a client that keeps sending must not keep the thread here.
  char discarded[4096];
  for (int reads = 0; reads < 256 && ::recv(socket, discarded, sizeof discarded, MSG_DONTWAIT) > 0; ++reads) {
  }
}

void reset_connection(int socket) {
  // An abortive close without closing the descriptor, which cpp-httplib still owns:
  // disconnecting a TCP socket (connect to AF_UNSPEC) sends RST on Linux. SO_LINGER 0 makes
  // httplib's own close() abortive too, should the disconnect be refused.
  const linger abortive{1, 0};
  setsockopt(socket, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
  sockaddr unspecified{};
  unspecified.sa_family = AF_UNSPEC;
  if (::connect(socket, &unspecified, sizeof unspecified) != 0) ::shutdown(socket, SHUT_RDWR);
}

}  // namespace mockhttp::detail
