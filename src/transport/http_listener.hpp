#pragma once
// The HTTP/1.1 transport: cpp-httplib's request parsing and routing behind mockhttp's own accept
// loop, with the settings a mock server needs (TCP_NODELAY, unlimited keep-alive, a thread per
// open connection, grown on demand: transport/elastic_task_queue.hpp; a connection over
// max_connections refused on the accepting thread; a deadline for every request head:
// transport/connection_deadlines.hpp). cpp-httplib 0.11 keeps its own accept loop and connection
// loop private and gives neither the socket, so mockhttp runs both itself.
// Every request of every method is converted once, here, into a RecordedRequest and handed to
// one handler, those read inside an intercepted CONNECT tunnel too (transport/connect_tunnel.hpp);
// the handler's delivery plan is carried out here (transport/http1_delivery.hpp). No
// cpp-httplib server type leaves src/transport.
// Thread safety: stop() may be called from any thread except a handler's, and more than once.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <httplib.h>

#include <mockhttp/recorded_request.hpp>

#include "exchange/conversation.hpp"
#include "exchange/delivery_plan.hpp"
#include "transport/connect_tunnel.hpp"
#include "transport/connection_handoff.hpp"
#include "transport/connection_deadlines.hpp"
#include "transport/elastic_task_queue.hpp"

namespace mockhttp::detail {

class CertificateAuthority;
class InterceptedHosts;
class TlsIdentity;

// What mockhttp reaches of the cpp-httplib server it runs, plain or TLS: the listening socket,
// tuned after binding, and the request loop, which serves the requests of intercepted tunnels.
class TunedServer {
 public:
  virtual ~TunedServer() = default;
  virtual socket_t listening_socket() const = 0;
  // Reads and answers one request from `stream` with the server's own routing.
  virtual bool serve_one(httplib::Stream& stream, bool& connection_closed, SSL* ssl) = 0;
};

template <typename Base>
class Tunable : public Base, public TunedServer {
 public:
  using Base::Base;
  socket_t listening_socket() const override { return this->svr_sock_; }
  bool serve_one(httplib::Stream& stream, bool& connection_closed, SSL* ssl) override {
    return this->process_request(stream, false, connection_closed,
                                 [ssl](httplib::Request& request) { request.ssl = ssl; });
  }
};

// How the listener answers CONNECT.
struct ConnectSupport {
  TunnelPolicy policy;  // empty: CONNECT is answered 405
  // The CA whose leaves intercepted tunnels present; asked once, on the first interception.
  std::function<const CertificateAuthority&()> authority;
};

// What one request may carry; beyond it the listener answers itself, before any handler.
struct RequestLimits {
  std::size_t max_body_bytes = 0;    // 413, for every framing and encoding (read_bounded_body)
  std::size_t max_header_count = 0;  // 431
  // The whole request head, from the connection's accept (or the keep-alive wait after the
  // previous answer); past it 408 and the connection is closed. Zero: no deadline.
  std::chrono::milliseconds request_head_timeout = std::chrono::seconds(10);
  // HTTP/2, when mockhttp::http2 is linked (transport/connection_handoff.hpp), and the streams
  // one connection may have open at once.
  bool http2 = true;
  std::uint32_t http2_max_concurrent_streams = 100;
  WebSocketLimits websocket;
};

class HttpListener {
 public:
  // What the listener asks of the engine, and tells it.
  struct Hooks {
    // Decides each request's answer, which the listener then carries out. Called on the
    // connection's thread, any number at once.
    std::function<DeliveryPlan(RecordedRequest)> handle;
    // Conversations (exchange/conversation.hpp), over HTTP/2: whether a request whose head has
    // come may be answered while its body arrives (on the loop), and its opening (on a worker;
    // nullopt: answer it whole). May be empty.
    std::function<bool(const RecordedRequest&)> may_converse;
    std::function<std::optional<ConversationOpening>(RecordedRequest)> open_conversation;
    // Waits before each part of an answer sent over time, unless the server stops.
    Pause pause;
    // A line per answer written ("GET /x -> 200") and per tunnel; may be empty.
    std::function<void(const std::string&)> log;
    // Called when a connection is over `max_connections` (it is answered 503); may be empty.
    std::function<void()> on_overflow;
  };

  // Binds and starts serving before returning; throws ServerError when it cannot bind.
  // `tls`: serve HTTPS with this identity (it must outlive the listener); null: plain HTTP.
  HttpListener(const std::string& host, int port, std::size_t max_connections, RequestLimits limits, Hooks hooks,
               const TlsIdentity* tls = nullptr, ConnectSupport connect = {});
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  int port() const { return port_; }
  void stop();

 private:
  // Answers a request the HTTP layer must refuse (too many headers, a bad Content-Length);
  // true when it did.
  bool refuse_malformed(const httplib::Request& request, httplib::Response& response) const;
  // Reads the body through `reader` into the request, at most max_body_bytes as received and as
  // decoded; false, with the 413 or 400 sent and the connection to be closed, otherwise.
  bool read_bounded_body(const httplib::Request& request, httplib::Response& response,
                         const httplib::ContentReader& reader) const;
  // The listening thread's loop: accepts, and hands each connection to a thread of its own.
  void accept_connections();
  // A connection's thread: the TLS handshake, then its requests until it closes or idles.
  void serve_connection(int socket);
  // On the accepting thread, for a connection over max_connections: 503, without reading.
  void refuse_connection(int socket);
  bool serving() const { return serving_.load(); }
  // Runs a CONNECT's tunnel to its end on this connection's thread.
  void tunnel(const httplib::Request& request, httplib::Response& response);
  void serve_intercepted(SSL* ssl, int socket, const std::string& authority);
  // HTTP/2, when linked and enabled: whether a request asks `Upgrade: h2c` in a way this server
  // takes (cleartext, no body), the 101 and the switch, and the handoff of a connection.
  bool takes_h2c_upgrade(const httplib::Request& request) const;
  void upgrade_to_http2(const httplib::Request& request, httplib::Response& response);
  // A request asking `Upgrade: websocket`: the handshake checked, the engine asked, and either
  // its answer sent (a refusal) or the 101 and the connection handed to mockhttp::websocket.
  void serve_websocket_upgrade(const httplib::Request& request, httplib::Response& response);
  void hand_off(HandedConnection connection);
  // HTTP/2's preface to a server without HTTP/2: an HTTP/1.1 505 saying so, then the close.
  void refuse_http2(int socket);
  InterceptedHosts& intercepted_hosts();

  std::unique_ptr<httplib::Server> server_;
  TunedServer* tuned_ = nullptr;
  ConnectSupport connect_;
  std::once_flag intercepted_hosts_made_;
  std::unique_ptr<InterceptedHosts> intercepted_hosts_;
  socket_t listening_socket_ = INVALID_SOCKET;
  SSL_CTX* tls_context_ = nullptr;  // set: connections speak TLS
  std::size_t max_connections_;
  std::unique_ptr<ConnectionDeadlines> deadlines_;
  std::atomic<bool> serving_{true};
  RequestLimits limits_;
  Hooks hooks_;
  const ConnectionProtocol* http2_ = nullptr;  // set: HTTP/2 is linked and ServerOptions::http2 is on
  HandoffEnvironment handoff_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace mockhttp::detail
