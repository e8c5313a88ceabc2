#include "transport/connection_socket.hpp"

#include <arpa/inet.h>
#include <poll.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

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

// The socket of the connection this thread serves (ServingConnection), and its id.
thread_local int serving_socket = -1;
thread_local std::uint64_t serving_connection_id = 0;
// Ids are unique in the process, so two servers' journals never share one by accident.
std::atomic<std::uint64_t> last_connection_id{0};

}  // namespace

ServingConnection::ServingConnection(int socket) : previous_(serving_socket), previous_id_(serving_connection_id) {
  serving_socket = socket;
  serving_connection_id = last_connection_id.fetch_add(1, std::memory_order_relaxed) + 1;
}
ServingConnection::~ServingConnection() {
  serving_socket = previous_;
  serving_connection_id = previous_id_;
}
int socket_of_this_thread() { return serving_socket; }
std::uint64_t connection_id_of_this_thread() { return serving_connection_id; }

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

bool socket_ready(int socket, short events, std::chrono::milliseconds timeout) {
  pollfd entry{socket, events, 0};
  int ready;
  do {
    ready = ::poll(&entry, 1, static_cast<int>(timeout.count()));
  } while (ready < 0 && errno == EINTR);
  return ready > 0 && (entry.revents & (events | POLLHUP | POLLERR)) != 0;
}

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
  for (int reads = 0; reads < 256 && ::recv(socket, discarded, sizeof discarded, MSG_DONTWAIT) > 0; ++reads) {}
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
