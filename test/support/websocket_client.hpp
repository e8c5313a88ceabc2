#pragma once
// A WebSocket client for tests (RFC 6455), on wslay's client side: the opening handshake is
// written and read here, the frames after it are wslay's. It speaks plain TCP or TLS to a server
// on 127.0.0.1, directly or through an HTTP proxy's CONNECT tunnel.
//
// Bounded, like the other test clients: every connect, read and write gives up after its
// timeout, so a server that never answers fails a test instead of hanging it. One thread uses a
// client at a time.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mockhttp::test {

struct WebSocketClientOptions {
  int port = 0;                           // the server on 127.0.0.1
  std::string path = "/";                 // request target, with query if any
  std::string host_header;                // Host header; default "127.0.0.1:<port>" (tunnel_authority through a proxy)
  std::vector<std::string> subprotocols;  // Sec-WebSocket-Protocol offered, in order
  // Extra request headers. One named like a handshake header the client writes (Host,
  // Sec-WebSocket-Key, Sec-WebSocket-Version, ...) replaces it: a test can send a wrong version or a key of its own.
  std::vector<std::pair<std::string, std::string>> headers;
  bool tls = false;                           // wss://: TLS to the server, verifying with ca_pem
  std::string ca_pem;                         // PEM of the CA to trust (required with tls)
  std::string tls_server_name = "localhost";  // SNI and the name verified (an IP address is verified as one)
  // Through an HTTP proxy: connect to 127.0.0.1:proxy_port, send "CONNECT <tunnel_authority> HTTP/1.1",
  // expect 200 (any 2xx; anything else throws std::runtime_error), then TLS inside (tls must be true).
  int proxy_port = 0;
  std::string tunnel_authority;             // e.g. "feed.example.test:443"
  std::chrono::milliseconds timeout{5000};  // each connect/read/write wait
};

struct WebSocketEvent {
  // ended: the TCP connection closed without a close frame (or after one); the client then
  // closes its sending side too.
  enum class Kind { text, binary, ping, pong, close, ended };
  Kind kind = Kind::ended;
  std::string payload;  // for close: the frame's whole payload (code, then reason)
  int close_code = 0;   // for close: the code received (1005 when the close frame had no code)
  std::string reason;
};

class WebSocketClient {
 public:
  // Performs the opening handshake. When the server answers anything but 101, does NOT throw:
  // status() is that status and body() holds the answer's body; is_open() is false.
  // Throws std::runtime_error on connection failure (TCP, proxy, TLS, no HTTP answer in time) or
  // a wrong Sec-WebSocket-Accept, and std::invalid_argument on inconsistent options.
  explicit WebSocketClient(const WebSocketClientOptions& options);
  ~WebSocketClient();  // closes the socket (without a close frame: send_close says goodbye)
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  int status() const;
  const std::string& body() const;  // the refusal's body (empty after a 101)
  // The answer's header `name`, case-insensitive; a repeated one joined by ", ".
  std::optional<std::string> response_header(const std::string& name) const;
  // The subprotocol the server chose (its Sec-WebSocket-Protocol), empty when none.
  std::string subprotocol() const;
  // From the 101 until a close frame is sent or received, or the connection ends.
  bool is_open() const;

  // The send_* calls below need a 101 (std::logic_error otherwise). Once a close frame has been
  // sent (by send_close, or by wslay answering the server's close or a protocol error) they send
  // nothing: wslay queues nothing after its close. send_raw sends regardless. A connection the
  // server has dropped shows up in next() as an ended event, not as an exception here.
  void send_text(const std::string& text);
  void send_binary(const std::string& bytes);
  void send_ping(const std::string& payload = "");                   // at most 125 bytes (std::invalid_argument)
  void send_close(int code = 1000, const std::string& reason = "");  // reason at most 123 bytes; code 0: no code
  // Sends raw bytes as they are (for hostile-input tests: unmasked frames, huge declared lengths, bad UTF-8).
  void send_raw(const std::string& bytes);
  // A text message sent in `pieces` fragments, one frame each (first frame opcode text, then
  // continuations; empty pieces are empty frames).
  void send_fragmented_text(const std::vector<std::string>& pieces);

  // The reading calls need a 101 too (std::logic_error otherwise).
  // The next event, waiting at most `timeout`; nullopt when nothing came. Pongs and pings are
  // reported as events (wslay answers pings automatically, and echoes a close frame).
  std::optional<WebSocketEvent> next(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  // Convenience: the next text or binary message's payload, skipping ping/pong; nullopt on timeout/close.
  std::optional<std::string> next_message(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  // Waits for a close or end, skipping messages; returns the close event (kind close with code)
  // or ended. Throws std::runtime_error when neither came within `timeout`.
  WebSocketEvent wait_closed(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The RFC 6455 accept value for a key: base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).
std::string websocket_accept_for(const std::string& key);

// One client frame, masked with a random key (or not, when `masked` is false) — for raw tests:
// opcode 1 text, 2 binary, 8 close, 9 ping; `fin`. Any opcode and length are encoded as asked.
std::string client_frame(int opcode, const std::string& payload, bool fin = true, bool masked = true);

}  // namespace mockhttp::test
