#include "transport/http_listener.hpp"

#include "encoding/unicode_text.hpp"
#include "exchange/error_catalogue.hpp"
#include "transport/alpn_choice.hpp"
#include "transport/connection_socket.hpp"
#include "transport/elastic_task_queue.hpp"
#include "transport/http1_delivery.hpp"
#include "transport/request_capture.hpp"
#include "transport/intercepted_hosts.hpp"
#include "transport/plain_stream.hpp"
#include "transport/tls_identity.hpp"
#include "transport/tls_stream.hpp"
#include "transport/websocket_handshake.hpp"

#include <cerrno>
#include <csignal>
#include <unistd.h>
#include <poll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>

#include <mockhttp/errors.hpp>

namespace mockhttp::detail {

namespace {

// The listener's own refusals are delivery plans too, carried out like the engine's; the
// connection is not reused after one (DeliveryPlan::close_connection).
void refuse(const httplib::Request& request, httplib::Response& response, WireError error, const std::string& detail) {
  DeliveryPlan plan = error_answer(error, detail);
  plan.close_connection = true;
  carry_out(std::move(plan), request, response, [](std::chrono::milliseconds) { return true; });
}

// cpp-httplib 0.11 parses a multipart/form-data body into Request::files before any handler
// runs, and leaves Request::body empty: stubs, $multipart and the journal need the bytes as
// sent. Before routing, the Content-Type header is moved aside so cpp-httplib reads the body
// as any other; the route puts it back before the request is seen.
constexpr const char* kHiddenContentType = "x-mockhttp-hidden-content-type";

void hide_multipart_content_type(httplib::Request& request) {
  const auto it = request.headers.find("Content-Type");
  if (it == request.headers.end()) return;
  std::string value = it->second;
  const std::size_t start = value.find_first_not_of(" \t");
  if (start == std::string::npos || value.size() - start < 19) return;
  if (!ascii_equals_ignoring_case(std::string_view(value).substr(start, 19), "multipart/form-data")) return;
  request.headers.erase(it);
  request.headers.emplace(kHiddenContentType, std::move(value));
}

void restore_multipart_content_type(httplib::Request& request) {
  const auto it = request.headers.find(kHiddenContentType);
  if (it == request.headers.end() || request.has_header("Content-Type")) return;
  std::string value = std::move(it->second);
  request.headers.erase(it);
  request.headers.emplace("Content-Type", std::move(value));
}

// An answer written straight to a socket, for connections no request of which is read: those
// over max_connections, and those whose head is late. The shape of refuse()'s.
std::string raw_json_answer(WireError error, const char* reason, const std::string& detail) {
  const std::string body = error_body(error, detail).dump();
  return "HTTP/1.1 " + std::to_string(entry_of(error).status) + " " + reason +
         "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

// HTTP/2's connection preface, recognised even by a server without HTTP/2, so that an HTTP/2
// client is told in words (cpp-httplib would answer its "HTTP/2.0" request line 400).
constexpr std::string_view kHttp2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

// The plain stream of the connection this thread serves: an h2c upgrade takes the bytes it read ahead.
thread_local PlainStream* plain_stream_of_this_thread = nullptr;
// Set once a connection was handed to another protocol: cpp-httplib's own answer to the
// request that switched it never reaches the client, and is neither logged nor timed.
thread_local bool handed_off_this_thread = false;

// Whether a request asks `Upgrade: websocket` (any case, among other tokens).
bool lists_websocket_upgrade(const httplib::Request& request) {
  if (!request.has_header("Upgrade")) return false;
  RecordedRequest probe;
  probe.headers.emplace_back("Upgrade", request.get_header_value("Upgrade"));
  return asks_websocket(probe);
}

bool all_digits(const std::string& text) {
  return !text.empty() && text.size() <= 19 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool HttpListener::refuse_malformed(const httplib::Request& request, httplib::Response& response) const {
  if (limits_.max_header_count != 0 && request.headers.size() > limits_.max_header_count + 4) {
    // cpp-httplib adds REMOTE_ADDR, REMOTE_PORT, LOCAL_ADDR and LOCAL_PORT itself.
    refuse(request, response, WireError::header_fields_too_large,
           std::to_string(request.headers.size() - 4) + " header fields; this server takes at most " +
               std::to_string(limits_.max_header_count) +
               " (ServerOptions::max_header_count, serve --max-header-count)");
    return true;
  }
  // RFC 9112 §6.3: differing Content-Length values, or one that is not a number, make the
  // message's framing unknowable; the server must refuse it.
  const auto lengths = request.headers.equal_range("Content-Length");
  std::string first;
  for (auto it = lengths.first; it != lengths.second; ++it) {
    if (!all_digits(it->second)) {
      refuse(request, response, WireError::bad_content_length, "Content-Length \"" + it->second + "\" is not a number");
      return true;
    }
    if (!first.empty() && it->second != first) {
      refuse(request, response, WireError::bad_content_length,
             "two different Content-Length headers (" + first + ", " + it->second + ")");
      return true;
    }
    first = it->second;
  }
  return false;
}

bool HttpListener::read_bounded_body(const httplib::Request& request, httplib::Response& response,
                                     const httplib::ContentReader& reader) const {
  const std::size_t limit =
      limits_.max_body_bytes == 0 ? std::numeric_limits<std::size_t>::max() : limits_.max_body_bytes;
  const auto too_large = [&](const std::string& what) {
    refuse(request, response, WireError::payload_too_large,
           what + "; this server takes at most " + std::to_string(limit) +
               " bytes of body, as received and as decoded (ServerOptions::max_body_bytes, serve --max-body-bytes)");
    return false;
  };
  // A declared length over the limit is refused before a byte of the body is read.
  const std::string declared = request.get_header_value("Content-Length");
  if (!declared.empty() && std::stoull(declared) > limit) return too_large("Content-Length is " + declared);
  std::string& body = const_cast<httplib::Request&>(request).body;  // cpp-httplib's own request
  body.clear();
  bool over = false;
  // cpp-httplib hands the bytes over de-chunked and, for Content-Encoding gzip/deflate/br,
  // inflated, a buffer at a time: the count stops a bomb at the first buffer past the limit.
  const bool whole = reader([&](const char* data, std::size_t size) {
    if (size > limit - body.size()) {
      over = true;
      return false;
    }
    body.append(data, size);
    return true;
  });
  if (over) {
    const bool encoded = request.has_header("Content-Encoding");
    return too_large(std::string("the body ") + (encoded ? "inflates" : "runs") + " past the limit (" +
                     (request.has_header("Transfer-Encoding") ? "chunked" : "framed by Content-Length") +
                     (encoded ? ", Content-Encoding " + request.get_header_value("Content-Encoding") : std::string()) +
                     ")");
  }
  if (!whole) {
    refuse(request, response, WireError::bad_request_body,
           "the request body could not be read to its end (a broken chunk, a body shorter than its Content-Length, "
           "or a Content-Encoding that does not decode)");
    return false;
  }
  return true;
}

namespace {

// The server a listener runs: plain, or TLSnamespace {

// The server a listener runs: plain, or TLS with the identity's leaf (and, for mTLS, the CAs a
// client certificate must chain to; cpp-httplib then refuses clients without one).
std::unique_ptr<httplib::Server> new_server(const TlsIdentity* tls) {
  if (!tls) return std::make_unique<Tunable<httplib::Server>>();
  auto server =
      std::make_unique<Tunable<httplib::SSLServer>>(tls->leaf().x509(), tls->leaf().key(), tls->new_client_ca_store());
  if (!server->is_valid()) throw ServerError("TLS: the server's certificate and key were refused by OpenSSL");
  if (tls->fault() == TlsFault::handshake_abort) {
    // The ClientHello is read, then answered with a fatal handshake_failure alert.
    SSL_CTX_set_client_hello_cb(
        server->ssl_context(),
        [](SSL*, int* alert, void*) {
          *alert = SSL_AD_HANDSHAKE_FAILURE;
          return static_cast<int>(SSL_CLIENT_HELLO_ERROR);
        },
        nullptr);
  }
  return server;
}

TunedServer* tuned_of(httplib::Server& server, bool tls) {
  return tls ? static_cast<TunedServer*>(&static_cast<Tunable<httplib::SSLServer>&>(server))
             : static_cast<TunedServer*>(&static_cast<Tunable<httplib::Server>&>(server));
}

// How long a tunnel waits for its client: the handshake, each read, and between requests (as
// long as cpp-httplib keeps an idle connection).
constexpr std::chrono::seconds kTunnelPatience(5);
// cpp-httplib's defaults, which mockhttp kept: each read or write of a connection waits at most
// kPatience for the socket, and an idle kept-alive connection is closed after kKeepAlive.
constexpr std::chrono::seconds kPatience(5);
constexpr std::chrono::seconds kKeepAlive(5);
// How long a connection refused over max_connections stays open after its 503, so the answer
// is read before the client's request, arriving later, would make the close a reset.
constexpr std::chrono::seconds kRefusalLinger(1);
// Connections the kernel completes before the accepting thread takes them (issue 26 asks >= 1024).
constexpr int kListenBacklog = 4096;

}  // namespace

InterceptedHosts& HttpListener::intercepted_hosts() {
  std::call_once(intercepted_hosts_made_, [this] {
    intercepted_hosts_ = std::make_unique<InterceptedHosts>(connect_.authority());
    if (http2_) intercepted_hosts_->offer_http2();
  });
  return *intercepted_hosts_;
}

void HttpListener::tunnel(const httplib::Request& request, httplib::Response& response) {
  if (tunnel_of_this_thread()) {
    refuse(request, response, WireError::connect_inside_tunnel, "a CONNECT inside a tunnel mockhttp intercepted");
    return;
  }
  if (request.ssl) {
    refuse(request, response, WireError::connect_over_tls,
           "CONNECT over a TLS connection to mockhttp is not supported: point HTTPS_PROXY at a mockhttp without "
           "ServerOptions::tls (an http:// URL); the tunnels' TLS is mockhttp's all the same");
    return;
  }
  if (!connect_.policy) {
    refuse(request, response, WireError::connect_not_allowed, "this server does not answer CONNECT");
    return;
  }
  std::string problem;
  const auto target = parse_connect_target(request.target, problem);
  if (!target) {
    refuse(request, response, WireError::bad_connect_target, problem);
    return;
  }
  const TunnelDecision decision = connect_.policy(*target);
  if (decision.kind == TunnelDecision::Kind::refuse) {
    refuse(request, response, WireError::connect_refused, decision.refusal);
    return;
  }
  const int socket = socket_of_this_thread();
  if (socket < 0) {
    refuse(request, response, WireError::connect_failed, "the connection's socket was not found");
    return;
  }
  const StillServing still_serving = [this] { return serving(); };
  const auto log = [this, &target](const std::string& what) {
    if (hooks_.log) hooks_.log("mockhttp: CONNECT " + target->authority() + ": " + what);
  };
  constexpr std::string_view kEstablished = "HTTP/1.1 200 Connection Established\r\n\r\n";
  if (decision.kind == TunnelDecision::Kind::pass_through) {
    const int upstream = connect_upstream(*target, kTunnelPatience, problem);
    if (upstream < 0) {
      refuse(request, response, WireError::connect_upstream_failed, problem);
      return;
    }
    if (send_raw(socket, kEstablished)) {
      if (hooks_.log) hooks_.log("CONNECT " + target->authority() + " -> 200 (passed through unread)");
      pump_bytes(socket, upstream, still_serving);
    }
    ::close(upstream);
  } else {
    InterceptedHosts* hosts = nullptr;
    try {
      hosts = &intercepted_hosts();
    } catch (const ServerError& e) {
      refuse(request, response, WireError::connect_failed, e.what());
      return;
    }
    if (send_raw(socket, kEstablished)) {
      if (hooks_.log) hooks_.log("CONNECT " + target->authority() + " -> 200 (intercepted)");
      if (SSL* ssl = accept_intercepted(*hosts, socket, target->host, kTunnelPatience, still_serving, problem)) {
        serve_intercepted(ssl, socket, target->authority());
        SSL_shutdown(ssl);
        SSL_free(ssl);
      } else {
        log("TLS handshake failed: " + problem +
            " (clients must trust the server's CA: MockServer::ca_certificate_pem() in C++, the --ca-out file of "
            "mockhttp serve)");
      }
    }
  }
  // The tunnel is over; so is the connection. cpp-httplib's own answer to the CONNECT finds it closed.
  end_connection(socket);
  response.status = 200;
}

void HttpListener::serve_intercepted(SSL* ssl, int socket, const std::string& authority) {
  const TunnelOnThisThread inside(authority);
  if (http2_ && negotiated_protocol(ssl) == http2_->alpn_name()) {
    HandedConnection connection;
    connection.socket = socket;
    connection.ssl = ssl;
    hand_off(std::move(connection));
    return;
  }
  TlsStream stream(ssl, socket, kTunnelPatience);
  const StillServing still_serving = [this] { return serving(); };
  while (wait_readable(socket, ssl, kTunnelPatience, still_serving)) {
    bool closed = false;
    if (!tuned_->serve_one(stream, closed, ssl) || closed) break;
  }
}

bool HttpListener::takes_h2c_upgrade(const httplib::Request& request) const {
  // h2c is HTTP/2 over cleartext only (RFC 7540 §3.2); over TLS ALPN chooses. A request with a
  // body keeps HTTP/1.1: its body would have to be read before the switch.
  if (!http2_ || request.ssl || tunnel_of_this_thread() || !request.has_header("HTTP2-Settings")) return false;
  if (request.has_header("Transfer-Encoding")) return false;
  const std::string length = request.get_header_value("Content-Length");
  if (!length.empty() && length != "0") return false;
  std::string tokens = request.get_header_value("Upgrade");
  for (char& c : tokens) c = static_cast<char>(c == ',' || c == '\t' ? ' ' : c);
  tokens = " " + tokens + " ";
  const std::string wanted = " " + std::string(http2_->upgrade_token()) + " ";
  std::string lower = tokens;
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower.find(wanted) != std::string::npos;
}

void HttpListener::upgrade_to_http2(const httplib::Request& request, httplib::Response& response) {
  const int socket = socket_of_this_thread();
  response.status = 200;  // never reaches the client: the connection is HTTP/2's, then closed
  if (socket < 0) return;
  HandedConnection connection;
  connection.socket = socket;
  connection.upgraded_request = capture_request(request);
  connection.upgrade_settings = request.get_header_value("HTTP2-Settings");
  handed_off_this_thread = true;
  if (!send_raw(socket, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: " +
                            std::string(http2_->upgrade_token()) + "\r\n\r\n")) {
    end_connection(socket);
    return;
  }
  if (plain_stream_of_this_thread) connection.already_read = plain_stream_of_this_thread->take_buffered();
  hand_off(std::move(connection));
  end_connection(socket);
}

void HttpListener::serve_websocket_upgrade(const httplib::Request& request, httplib::Response& response) {
  RecordedRequest captured = capture_request(request);
  if (const auto refusal = websocket_handshake_refusal(captured)) {
    DeliveryPlan plan = error_answer(refusal->error, refusal->detail);
    if (refusal->error == WireError::websocket_version_unsupported) plan.set_header("Sec-WebSocket-Version", "13");
    carry_out(std::move(plan), request, response, hooks_.pause);
    return;
  }
  const std::string accept = websocket_accept(*captured.header("Sec-WebSocket-Key"));
  // The upgrade is matched, journaled and answered like any request; only an accepting stub's
  // answer carries a session.
  DeliveryPlan plan = hooks_.handle(std::move(captured));
  if (!plan.session) {
    carry_out(std::move(plan), request, response, hooks_.pause);
    return;
  }
  const WebSocketSupport* support = linked_websocket_support();
  const int socket = socket_of_this_thread();
  if (!support || socket < 0) {
    plan.session->ended({std::nullopt, "", "server"});
    carry_out(error_answer(WireError::websocket_not_served,
                           "this program does not link mockhttp::websocket, which serves WebSocket"),
              request, response, hooks_.pause);
    return;
  }
  if (plan.delay.count() > 0 && !hooks_.pause(plan.delay)) {
    plan.session->ended({std::nullopt, "", "server_stop"});
    carry_out(error_answer(WireError::server_stopping, "the server is stopping"), request, response, hooks_.pause);
    return;
  }
  HandedConnection connection;
  connection.socket = socket;
  connection.ssl = const_cast<SSL*>(request.ssl);  // cpp-httplib keeps the connection's own SSL as const
  connection.answer_head =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
      accept + "\r\n";
  for (const auto& [name, value] : plan.headers) {
    // A stub's header cannot smuggle a line of its own into the head.
    if (name.find_first_of("\r\n:") != std::string::npos || value.find_first_of("\r\n") != std::string::npos) continue;
    connection.answer_head += name + ": " + value + "\r\n";
  }
  connection.answer_head += "\r\n";
  if (plain_stream_of_this_thread) connection.already_read = plain_stream_of_this_thread->take_buffered();
  connection.connection_id = connection_id_of_this_thread();
  if (const std::string* tunnel = tunnel_of_this_thread()) connection.tunnel = *tunnel;
  handed_off_this_thread = true;
  response.status = 101;  // never reaches the client: the connection is the WebSocket's, then closed
  if (hooks_.log) hooks_.log(request.method + " " + request.target + " -> 101 (WebSocket)");
  support->serve(std::move(connection), std::move(plan.session), limits_.websocket, [this] { return serving(); });
  end_connection(socket);
}

void HttpListener::refuse_http2(int socket) {
  deadlines_->head_read();
  const std::string answer =
      raw_json_answer(WireError::http2_not_served, "HTTP Version Not Supported",
                      "this server does not speak HTTP/2 (link mockhttp::http2 and leave ServerOptions::http2 on; "
                      "mockhttp serve without --no-http2); use HTTP/1.1");
  send_raw(socket, answer);
  // What the client sent after its preface is dropped, so the close does not reset the answer away.
  discard_unread(socket);
  ::shutdown(socket, SHUT_WR);
}

void HttpListener::hand_off(HandedConnection connection) {
  // The connection's head deadline is HTTP/1.1's; the protocol taking over times its own reads.
  if (!tunnel_of_this_thread()) deadlines_->head_read();
  connection.connection_id = connection_id_of_this_thread();
  if (const std::string* tunnel = tunnel_of_this_thread()) connection.tunnel = *tunnel;
  http2_->serve(std::move(connection), handoff_);
}

HttpListener::HttpListener(const std::string& host, int port, std::size_t max_connections, RequestLimits limits,
                           Hooks hooks, const TlsIdentity* tls, ConnectSupport connect)
    : server_(new_server(tls)),
      tuned_(tuned_of(*server_, tls != nullptr)),
      connect_(std::move(connect)),
      max_connections_(max_connections == 0 ? 1 : max_connections),
      limits_(limits),
      hooks_(std::move(hooks)) {
  if (tls) tls_context_ = static_cast<httplib::SSLServer&>(*server_).ssl_context();
  if (limits_.http2) http2_ = linked_http2_support();
  if (http2_) {
    handoff_.handle = hooks_.handle;
    handoff_.may_converse = hooks_.may_converse;
    handoff_.open_conversation = hooks_.open_conversation;
    handoff_.log = hooks_.log;
    handoff_.still_serving = [this] { return serving(); };
    handoff_.max_body_bytes = limits_.max_body_bytes;
    handoff_.max_header_count = limits_.max_header_count;
    handoff_.max_concurrent_streams =
        limits_.http2_max_concurrent_streams == 0 ? 1 : limits_.http2_max_concurrent_streams;
    handoff_.idle_timeout = kKeepAlive;
    if (tls_context_) offer_h2_then_http1(tls_context_);
  }
  deadlines_ = std::make_unique<ConnectionDeadlines>(
      limits_.request_head_timeout, kKeepAlive,
      raw_json_answer(WireError::request_head_timeout, "Request Timeout",
                      "the request line and headers did not arrive whole within " +
                          std::to_string(limits_.request_head_timeout.count()) +
                          " ms (ServerOptions::request_head_timeout); the connection is closed"),
      tls != nullptr);
  // cpp-httplib calls its logger after every answer it writes: the next head's deadline starts
  // there. Inside an intercepted tunnel the connection is the tunnel's, timed by the tunnel.
  server_->set_logger([this](const httplib::Request& request, const httplib::Response& response) {
    if (handed_off_this_thread) return;
    if (!tunnel_of_this_thread()) deadlines_->answer_written();
    // A CONNECT is logged by tunnel() with what became of it; cpp-httplib's line would repeat it.
    if (hooks_.log && request.method != "CONNECT") {
      hooks_.log(request.method + " " + request.target + " -> " + std::to_string(response.status));
    }
  });
  // Without TCP_NODELAY a keep-alive client waits ~40 ms on every response (Nagle against
  // delayed ACKs). Accepted sockets inherit the option from the listening one on Linux;
  // set_tcp_nodelay() covers platforms where cpp-httplib sets it per connection.
  server_->set_tcp_nodelay(true);
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  });
  if (limits_.max_body_bytes != 0) server_->set_payload_max_length(limits_.max_body_bytes);

  // The route regex sees only the path, which cpp-httplib caps at 8 KiB; request data never
  // reaches std::regex otherwise.
  const auto admitted = [this](const httplib::Request& req, httplib::Response& res) {
    return !refuse_malformed(req, res);
  };
  const auto serve = [this](const httplib::Request& req, httplib::Response& res) {
    restore_multipart_content_type(const_cast<httplib::Request&>(req));
    // A stub answers exactly what it was told: cpp-httplib would otherwise cut every answer to
    // the request's Range header (bytes=1-1 gives one byte; 2,000 ranges, a huge multipart).
    // The request object is cpp-httplib's own, not const; it reads `ranges` after this handler.
    const_cast<httplib::Request&>(req).ranges.clear();
    carry_out(hooks_.handle(capture_request(req)), req, res, hooks_.pause);
  };
  const auto route = [admitted, serve](const httplib::Request& req, httplib::Response& res) {
    if (admitted(req, res)) serve(req, res);
  };
  // Requests with a body read it here, bounded, instead of letting cpp-httplib read it whole:
  // cpp-httplib 0.11 checks max_body_bytes against Content-Length only, so a chunked body or a
  // gzip one that inflates had no bound (a 1 MB gzip body kept 1 GiB).
  const auto route_with_body = [this, admitted, serve](const httplib::Request& req, httplib::Response& res,
                                                       const httplib::ContentReader& reader) {
    if (admitted(req, res) && read_bounded_body(req, res, reader)) serve(req, res);
  };
  // A POST, PUT or PATCH with neither Content-Length nor Transfer-Encoding has an empty body
  // (RFC 9112 §6.3), but cpp-httplib 0.11 reads it to end-of-stream and answers 400 before any
  // handler runs (`curl -X POST url` sends exactly that). The pre-routing handler runs before
  // the body is read: such a request is answered there, with its empty body.
  server_->set_pre_routing_handler([this, route](const httplib::Request& req, httplib::Response& res) {
    deadlines_->head_read();
    if (req.method == "PRI" || req.method == "TRACE") {
      // cpp-httplib reads a PRI's body whole, with no bound on a chunked or inflating one, before
      // finding no route for it; mockhttp serves neither method, and reads neither body.
      refuse(req, res, WireError::method_not_allowed,
             "mockhttp does not serve " + req.method +
                 " (PRI opens HTTP/2, which it does not speak); the body was not read");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.method == "CONNECT") {
      tunnel(req, res);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (takes_h2c_upgrade(req)) {
      upgrade_to_http2(req, res);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (lists_websocket_upgrade(req)) {
      serve_websocket_upgrade(req, res);
      return httplib::Server::HandlerResponse::Handled;
    }
    hide_multipart_content_type(const_cast<httplib::Request&>(req));
    const bool expects_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
    if (!expects_body || req.has_header("Content-Length") || req.has_header("Transfer-Encoding")) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    route(req, res);
    return httplib::Server::HandlerResponse::Handled;
  });
  server_->Get(".*", route);
  server_->Post(".*", route_with_body);
  server_->Put(".*", route_with_body);
  server_->Patch(".*", route_with_body);
  server_->Delete(".*", route_with_body);
  server_->Options(".*", route);

  if (port == 0) {
    port_ = server_->bind_to_any_port(host);
    if (port_ < 0) throw ServerError("cannot bind " + host + " on an ephemeral port");
  } else {
    if (!server_->bind_to_port(host, port)) {
      throw ServerError("cannot bind " + host + ":" + std::to_string(port) + " (in use, or not a local address)");
    }
    port_ = port;
  }
  // cpp-httplib 0.11 listens with a backlog of 5: a burst of 64 connects overflows it and the
  // dropped SYNs back off for seconds. Linux lets a second listen() raise the backlog (the
  // kernel caps it at net.core.somaxconn, 4096 by default since Linux 5.4).
  listening_socket_ = tuned_->listening_socket();
  ::listen(listening_socket_, kListenBacklog);

  thread_ = std::thread([this] {
    // A client that hangs up mid-response, or a chaos fault that broke the connection, makes
    // the next send() raise SIGPIPE, whose default action kills the test process. Blocked
    // here, it is blocked in every worker, which this thread creates: send() returns EPIPE.
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
    accept_connections();
  });
}

void HttpListener::accept_connections() {
  ElasticTaskQueue connections(max_connections_, std::chrono::seconds(2), hooks_.on_overflow);
  while (serving()) {
    const int socket = ::accept(listening_socket_, nullptr, nullptr);
    if (socket < 0) {
      if (!serving()) break;  // stop() shut the listening socket down
      // Out of descriptors: connections that end free some. A refused or aborted handshake:
      // the next one.
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      continue;
    }
    const timeval patience{static_cast<time_t>(kPatience.count()), 0};
    setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
    setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &patience, sizeof patience);
    std::function<void()> serve = [this, socket] { serve_connection(socket); };
    if (!connections.try_enqueue(serve)) refuse_connection(socket);
  }
  connections.shutdown();
}

void HttpListener::serve_connection(int socket) {
  {
    const ServingConnection serving_connection(socket);
    const ConnectionDeadlines::Watched watched(*deadlines_, socket);
    SSL* ssl = nullptr;
    if (tls_context_) {
      // A blocking handshake: each read waits at most kPatience, and the head's deadline, which
      // covers the handshake, shuts the socket down under a client that drips it.
      ssl = SSL_new(tls_context_);
      if (ssl && (SSL_set_fd(ssl, socket) != 1 || SSL_accept(ssl) != 1)) {
        SSL_free(ssl);
        ssl = nullptr;
      }
    }
    if (ssl && http2_ && negotiated_protocol(ssl) == http2_->alpn_name()) {
      HandedConnection connection;
      connection.socket = socket;
      connection.ssl = ssl;
      hand_off(std::move(connection));
    } else if (!tls_context_ || ssl) {
      std::unique_ptr<httplib::Stream> stream;
      PlainStream* plain = nullptr;
      if (ssl) {
        stream = std::make_unique<TlsStream>(ssl, socket, kPatience);
      } else {
        stream = std::make_unique<PlainStream>(socket, kPatience);
        plain = static_cast<PlainStream*>(stream.get());
      }
      plain_stream_of_this_thread = plain;
      handed_off_this_thread = false;
      const StillServing still_serving = [this] { return serving(); };
      // HTTP/2 with prior knowledge: the connection starts with the client preface, read ahead here.
      const bool first_bytes_decide = plain != nullptr;
      const bool readable = first_bytes_decide && wait_readable(socket, nullptr, kKeepAlive, still_serving);
      if (readable && plain->next_bytes_are(http2_ ? http2_->preface() : kHttp2Preface)) {
        if (http2_) {
          HandedConnection connection;
          connection.socket = socket;
          connection.already_read = plain->take_buffered();
          hand_off(std::move(connection));
        } else {
          refuse_http2(socket);
        }
      } else if (!first_bytes_decide || readable) {
        // The stream lives as long as the connection: a request that arrived in the same read as
        // the one before it waits in its buffer, not in the socket.
        while ((plain && plain->has_buffered()) || wait_readable(socket, ssl, kKeepAlive, still_serving)) {
          bool closed = false;
          if (!tuned_->serve_one(*stream, closed, ssl) || closed) break;
        }
      }
      plain_stream_of_this_thread = nullptr;
    }
    if (ssl) {
      SSL_shutdown(ssl);
      SSL_free(ssl);
    }
  }
  ::shutdown(socket, SHUT_RDWR);
  ::close(socket);
}

void HttpListener::refuse_connection(int socket) {
  // Nothing is read: a client over the bound that sends slowly, or never, holds nothing. A TLS
  // client cannot read a plain answer; it sees the handshake fail.
  if (!tls_context_) {
    const std::string answer =
        raw_json_answer(WireError::over_capacity, "Service Unavailable",
                        std::to_string(max_connections_) + " connections are open, the most this server takes " +
                            "(ServerOptions::max_connections, serve --max-connections); close some, or raise it");
    (void)::send(socket, answer.data(), answer.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  }
  ::shutdown(socket, SHUT_WR);
  deadlines_->close_lingering(socket, kRefusalLinger);
}

HttpListener::~HttpListener() { stop(); }

void HttpListener::stop() {
  if (!thread_.joinable()) return;
  serving_.store(false);
  // Wakes the accept() of the listening thread (Linux); the connections notice serving() within
  // a wait's slice and end; the task queue joins them.
  ::shutdown(listening_socket_, SHUT_RDWR);
  thread_.join();
  ::close(listening_socket_);
  deadlines_->stop();
}

}  // namespace mockhttp::detail
