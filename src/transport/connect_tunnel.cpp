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

#include "encoding/unicode_text.hpp"
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

std::string ConnectTarget::authority() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

namespace {

// A piece of the CONNECT line as a message quotes it: the line is raw bytes and the answer is
// JSON, so a byte that is not printable ASCII is written \xNN (raw, a byte such as 0xFF made
// the answer's JSON fail to write: a 500 with no body instead of the 400), and a long piece is
// cut to `limit` bytes with its length said.
std::string shown(const std::string& text, std::size_t limit) {
  static const char kHex[] = "0123456789abcdef";
  std::string printable;
  for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x7F) {
      printable += text[i];
    } else {
      printable += std::string("\\x") + kHex[byte >> 4] + kHex[byte & 0xF];
    }
  }
  return text.size() <= limit ? printable : printable + "... (" + std::to_string(text.size()) + " bytes)";
}

// Why `host` is no DNS name (RFC 1123 labels: letters, digits and '-', not at either end of a
// label, 1 to 63 characters each, 253 in all; a trailing dot is allowed), or "" when it is one.
std::string why_not_a_host_name(const std::string& host) {
  const std::string name = !host.empty() && host.back() == '.' ? host.substr(0, host.size() - 1) : host;
  if (name.empty() || name.size() > 253) return "a host name has 1 to 253 characters";
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t end = std::min(name.find('.', start), name.size());
    const std::string label = name.substr(start, end - start);
    if (label.empty()) return "it has an empty label (\"..\" or a leading dot)";
    if (label.size() > 63) return "a label has more than 63 characters";
    if (label.front() == '-' || label.back() == '-') return "a label starts or ends with '-'";
    if (!std::all_of(label.begin(), label.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; })) {
      return "only letters, digits, '-' and '_' may stand in a label";
    }
    start = end + 1;
  }
  return "";
}

}  // namespace

std::optional<ConnectTarget> parse_connect_target(const std::string& target, std::string& problem) {
  // host:port, [v6]:port; a bracketed address must be closed before its port's colon.
  std::string host, port_text;
  const bool bracketed = !target.empty() && target.front() == '[';
  if (bracketed) {
    const std::size_t close = target.find(']');
    if (close == std::string::npos || close + 1 >= target.size() || target[close + 1] != ':') {
      problem = "the CONNECT target \"" + shown(target, 300) + "\" is not [address]:port";
      return std::nullopt;
    }
    host = target.substr(1, close - 1);
    port_text = target.substr(close + 2);
    in6_addr address{};
    if (inet_pton(AF_INET6, host.c_str(), &address) != 1) {
      problem = "the CONNECT target's host \"[" + shown(host, 100) + "]\" is not an IPv6 address";
      return std::nullopt;
    }
  } else {
    const std::size_t colon = target.rfind(':');
    if (target.empty() || colon == std::string::npos || colon + 1 == target.size() || target.find(':') != colon) {
      problem = "the CONNECT target \"" + shown(target, 300) + "\" is not host:port";
      return std::nullopt;
    }
    host = target.substr(0, colon);
    port_text = target.substr(colon + 1);
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) != 1) {
      if (const std::string why = why_not_a_host_name(host); !why.empty()) {
        problem = "the CONNECT target's host \"" + shown(host, 300) + "\" is not a host name or an IP address: " + why;
        return std::nullopt;
      }
    }
  }
  const bool digits = !port_text.empty() && port_text.size() <= 5 &&
                      std::all_of(port_text.begin(), port_text.end(), [](char c) { return c >= '0' && c <= '9'; });
  const int port = digits ? std::stoi(port_text) : 0;
  if (port < 1 || port > 65535) {
    problem = "the CONNECT target's port \"" + shown(port_text, 40) + "\" is not a number from 1 to 65535";
    return std::nullopt;
  }
  return ConnectTarget{ascii_lowercase(host), port};
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
