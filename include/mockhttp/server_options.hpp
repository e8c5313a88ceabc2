#pragma once
// ServerOptions: how a MockServer (or `mockhttp serve`) listens, bounds what it keeps and
// reaches upstreams. A value type; the server copies what it needs when it starts.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <mockhttp/chaos.hpp>
#include <mockhttp/control_surface.hpp>
#include <mockhttp/message_codec.hpp>
#include <mockhttp/tls.hpp>

namespace mockhttp {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: an ephemeral port chosen by the OS
  // Connections open at once. Each gets a thread as it is accepted (an idle keep-alive
  // connection holds one; a thread idle for 2 s ends, so an idle server holds none). Past the
  // bound a connection is answered 503 and closed, and request_log says so.
  std::size_t max_connections = 2048;
  // Journal entries kept; the oldest are dropped beyond it (0 keeps all).
  std::size_t journal_capacity = 0;
  // The bodies and headers the journal keeps, in bytes; the oldest entries are dropped beyond
  // it, counted as journal_capacity's are (0: no bound).
  std::size_t journal_max_bytes = 256u * 1024 * 1024;
  // Limits on one request (docs/security.md). A larger body is answered 413 without being kept;
  // more header fields, 431. Every JSON document mockhttp reads is nested at most 512 levels.
  std::size_t max_body_bytes = 64u * 1024 * 1024;
  std::size_t max_header_count = 100;
  // A request's head (request line and headers, and a TLS handshake before the first) must
  // arrive whole within it, counted from the connection's accept, or for a later request from
  // the end of the 5 s keep-alive wait after the previous answer; past it the connection is
  // answered 408 and closed, so slow clients cannot hold every connection. Zero: no deadline.
  std::chrono::milliseconds request_head_timeout = std::chrono::seconds(10);
  // HTTP/2 (docs/http2.md): prior knowledge and `Upgrade: h2c` on a plain port, ALPN "h2" over
  // TLS and inside intercepted CONNECT tunnels. It takes effect when the program links
  // mockhttp::http2 (nghttp2); without it, or set false, a client's HTTP/2 preface is refused
  // and ALPN offers http/1.1 only.
  bool http2 = true;
  // Streams one HTTP/2 connection may have open at once (its SETTINGS_MAX_CONCURRENT_STREAMS).
  std::uint32_t http2_max_concurrent_streams = 100;
  // WebSocket (docs/websocket.md), with mockhttp::websocket linked: the largest message a client
  // may send (beyond it the connection is closed 1009), and the bytes the server may hold
  // unsent for a client that does not read (beyond it, 1008 and the end of the connection).
  std::size_t websocket_max_message_bytes = 16u * 1024 * 1024;
  std::size_t websocket_max_unsent_bytes = 16u * 1024 * 1024;
  // Hosts a forward may reach although they resolve to a non-public address (docs/security.md):
  // a replay passthrough goes to the host the request names, so loopback, private-network and
  // link-local hosts need a listing here (or in the session policy's allow_hosts); a proxy stub
  // goes where the test configured it, but never to a link-local address (cloud metadata)
  // unless it is listed. Entries: docs/security.md#host-lists ("api.internal", "*.internal",
  // "10.0.0.7:8080", "*" for every host); a bad one is a ServerError naming it.
  std::vector<std::string> forward_allowed_hosts;
  // The seed of every chaos draw; unset: a random one (seed() tells which, reports print it).
  std::optional<std::uint64_t> seed;
  // The latency of every stub that sets none of its own (uniform or lognormal; docs/chaos.md).
  std::optional<Latency> default_latency;
  // HTTPS (mockhttp/tls.hpp, docs/https.md): set, the server speaks only TLS.
  std::optional<TlsOptions> tls;
  // CONNECT (HTTPS_PROXY=server.url(), docs/https.md#through-the-proxy-connect): a tunnel is intercepted (mockhttp
  // ends its TLS with a leaf for the host signed by ca_certificate_pem()'s CA, and stubs and
  // replay sessions answer what is inside) unless its host is listed here: then the bytes go to
  // the real host unread. Entries: docs/security.md#host-lists ("api.example.com",
  // "*.example.com" for subdomains, "*", an address, each with an optional ":port"). A loopback
  // or private host listed by name (not by wildcard) may be reached; else forward_allowed_hosts rules.
  std::vector<std::string> connect_passthrough_hosts;
  // The CA certificates (PEM file) an https:// upstream of a replay passthrough or a capture
  // must chain to (inside an intercepted tunnel they go to https://host); empty: the system's.
  std::string upstream_ca_file;
  // Called once per answered request, mocked or admin, with one line such as
  // `GET /users/7?x=1 -> 200`. Runs on worker threads: it must be thread-safe.
  std::function<void(const std::string& line)> request_log;
  // HTTP control surfaces answered before the stubs (mockhttp/control_surface.hpp). Empty by
  // default: every path, /__mock__, /__admin__ and /v1/sessions included, is the stubs'.
  std::vector<std::shared_ptr<const ControlSurface>> control_surfaces;
  // Message codecs for the protocols it serves beyond HTTP (mockhttp/message_codec.hpp): a
  // request of a codec's protocol (gRPC: an application/grpc content type) has its messages
  // decoded to JSON before selection; a stub answering with messages needs its codec here.
  std::vector<std::shared_ptr<const MessageCodec>> message_codecs;
};

}  // namespace mockhttp
