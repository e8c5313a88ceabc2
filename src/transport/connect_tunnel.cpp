#include "transport/connect_tunnel.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

#include <algorithm>
#include <cctype>

#include "encoding/authority.hpp"
#include "transport/connection_socket.hpp"
#include "transport/intercepted_hosts.hpp"

namespace mockhttp::detail {

namespace {

constexpr std::chrono::milliseconds kSlice(100);

void set_blocking(int socket, bool blocking) {
  const int flags = ::fcntl(socket, F_GETFL, 0);
  if (flags >= 0) ::fcntl(socket, F_SETFL, blocking ? (flags & ~O_NONBLOCK) : (flags | O_NONBLOCK));
}

std::string openssl_reason(const char* fallback) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return fallback;
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

thread_local const std::string* this_threads_tunnel = nullptr;

}  // namespace

std::string ConnectTarget::authority() const { return format_authority(host, port); }

std::optional<ConnectTarget> parse_connect_target(const std::string& target, std::string& problem) {
  // host:port or [v6]:port, read by the same parser as every authority (encoding/authority).
  const auto authority = read_authority(target, PortRule{true, 0}, "the CONNECT target", problem);
  if (!authority) return std::nullopt;
  return ConnectTarget{authority->host, *authority->port};
}

SSL* accept_intercepted(InterceptedHosts& hosts, int socket, const std::string& connect_host,
                        std::chrono::milliseconds timeout, const StillServing& still_serving, std::string& problem) {
  ERR_clear_error();
  SSL* ssl = hosts.new_session(socket, connect_host);
  if (!ssl) {
    problem = openssl_reason("OpenSSL could not make a session");
    return nullptr;
  }
  // Non-blocking while it shakes hands, so a client that never sends its ClientHello neither
  // holds the thread past `timeout` nor keeps a stopping server waiting.
  set_blocking(socket, false);
  for (std::chrono::milliseconds waited(0);; waited += kSlice) {
    const int accepted = SSL_accept(ssl);
    if (accepted == 1) break;
    const int error = SSL_get_error(ssl, accepted);
    if ((error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) || waited >= timeout || !still_serving()) {
      problem = error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE
                    ? "the client sent no complete TLS handshake"
                    : openssl_reason("the client ended the handshake (does it trust the server's CA?)");
      SSL_free(ssl);
      set_blocking(socket, true);
      return nullptr;
    }
    pollfd entry{socket, static_cast<short>(error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT), 0};
    ::poll(&entry, 1, static_cast<int>(kSlice.count()));
  }
  set_blocking(socket, true);
  return ssl;
}

int connect_upstream(const ConnectTarget& target, std::chrono::milliseconds timeout, std::string& problem) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(target.port);
  if (const int failed = ::getaddrinfo(target.host.c_str(), port.c_str(), &hints, &found); failed != 0) {
    problem = "cannot resolve " + target.host + ": " + gai_strerror(failed);
    return -1;
  }
  int connected = -1;
  problem = "cannot connect to " + target.authority();
  for (addrinfo* address = found; address && connected < 0; address = address->ai_next) {
    const int socket = ::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC, address->ai_protocol);
    if (socket < 0) continue;
    set_blocking(socket, false);
    bool ready = ::connect(socket, address->ai_addr, address->ai_addrlen) == 0;
    if (!ready && errno == EINPROGRESS) {
      pollfd entry{socket, POLLOUT, 0};
      int error = 0;
      socklen_t size = sizeof error;
      ready = ::poll(&entry, 1, static_cast<int>(timeout.count())) == 1 &&
              ::getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error == 0;
    }
    if (!ready) {
      ::close(socket);
      continue;
    }
    set_blocking(socket, true);
    int yes = 1;
    ::setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    connected = socket;
  }
  ::freeaddrinfo(found);
  if (connected >= 0) problem.clear();
  return connected;
}

void pump_bytes(int client, int upstream, const StillServing& still_serving) {
  pollfd ends[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
  bool open[2] = {true, true};  // still sending to us
  char buffer[16 * 1024];
  while ((open[0] || open[1]) && still_serving()) {
    for (int side = 0; side < 2; ++side) ends[side].events = open[side] ? POLLIN : 0;
    const int ready = ::poll(ends, 2, static_cast<int>(kSlice.count()));
    if (ready < 0 && errno != EINTR) return;
    for (int side = 0; side < 2; ++side) {
      if (!open[side] || (ends[side].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const int other = side == 0 ? upstream : client;
      const ssize_t count = ::recv(ends[side].fd, buffer, sizeof buffer, 0);
      if (count < 0) return;
      if (count == 0) {
        open[side] = false;
        ::shutdown(other, SHUT_WR);  // pass the end on: the other side may still answer
        continue;
      }
      if (!send_raw(other, std::string_view(buffer, static_cast<std::size_t>(count)))) return;
    }
  }
}

const std::string* tunnel_of_this_thread() { return this_threads_tunnel; }

TunnelOnThisThread::TunnelOnThisThread(const std::string& authority) { this_threads_tunnel = &authority; }

TunnelOnThisThread::~TunnelOnThisThread() { this_threads_tunnel = nullptr; }

}  // namespace mockhttp::detail
