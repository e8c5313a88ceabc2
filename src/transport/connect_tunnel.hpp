#pragma once
// CONNECT, for clients whose HTTPS_PROXY is mockhttp (docs/https.md#through-the-proxy-connect): the pieces the
// listener puts together. A tunnel is intercepted (mockhttp ends the TLS with a leaf minted for
// the host and serves the requests inside like any other), passed through to the real host
// unread, or refused; the engine decides which (TunnelPolicy).
// Thread safety: free functions; each tunnel runs on its connection's thread.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <openssl/ssl.h>

namespace mockhttp::detail {

class InterceptedHosts;

// "api.example.test:443", "[::1]:8443": host lowercase, without brackets.
struct ConnectTarget {
  std::string host;
  int port = 0;
  std::string authority() const;  // as the client wrote it, brackets around an IPv6 host
};

// The target of a CONNECT request line, or nullopt with `problem` saying what is wrong.
std::optional<ConnectTarget> parse_connect_target(const std::string& target, std::string& problem);

struct TunnelDecision {
  enum class Kind { intercept, pass_through, refuse };
  Kind kind = Kind::intercept;
  std::string refusal;  // for refuse: why, naming the option that would allow it
};
using TunnelPolicy = std::function<TunnelDecision(const ConnectTarget& target)>;

// Asked while a tunnel waits: false once the server stops.
using StillServing = std::function<bool()>;

// The TLS handshake with the client of an intercepted tunnel; null with `problem` set (the
// client did not trust the CA, hung up, or sent no ClientHello within `timeout`).
SSL* accept_intercepted(InterceptedHosts& hosts, int socket, const std::string& connect_host,
                        std::chrono::milliseconds timeout, const StillServing& still_serving, std::string& problem);

// Connects to the real host; -1 with `problem` set.
int connect_upstream(const ConnectTarget& target, std::chrono::milliseconds timeout, std::string& problem);

// Copies bytes both ways until both sides have finished sending, either fails, or the server stops.
void pump_bytes(int client, int upstream, const StillServing& still_serving);

// The CONNECT target of the intercepted tunnel this thread serves, or null: requests read
// inside a tunnel carry it (RecordedRequest::tunnel), so a passthrough reaches https://target.
const std::string* tunnel_of_this_thread();

class TunnelOnThisThread {
 public:
  explicit TunnelOnThisThread(const std::string& authority);
  ~TunnelOnThisThread();
  TunnelOnThisThread(const TunnelOnThisThread&) = delete;
  TunnelOnThisThread& operator=(const TunnelOnThisThread&) = delete;
};

}  // namespace mockhttp::detail
