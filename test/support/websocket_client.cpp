#include "support/websocket_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <wslay/wslay.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <deque>
#include <limits>
#include <stdexcept>
#include <string_view>

namespace mockhttp::test {

namespace {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kAcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
// An answer's head larger than this is not an HTTP server talking: give up rather than buffer it.
constexpr std::size_t kMaxHeadBytes = 64 * 1024;
// Far above what the tests send, far below wslay's default of 2 GiB, which a hostile server's
// declared length could make us allocate.
constexpr std::uint64_t kMaxMessageBytes = 64ull * 1024 * 1024;

Deadline deadline_after(std::chrono::milliseconds timeout) {
  return Clock::now() + std::max(timeout, std::chrono::milliseconds(0));
}

// poll() counts in whole milliseconds: round up, so a wait never ends just before its deadline.
int milliseconds_left(Deadline deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, INT_MAX));
}

// Whether `fd` became ready for `events` (or failed, which the next call then reports) in time.
bool wait_for(int fd, short events, Deadline deadline) {
  for (;;) {
    pollfd entry{fd, events, 0};
    const int ready = ::poll(&entry, 1, milliseconds_left(deadline));
    if (ready > 0) return true;
    if (ready == 0) return false;
    if (errno != EINTR) return false;
  }
}

std::string openssl_error() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no OpenSSL error recorded";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

std::string base64(const unsigned char* data, std::size_t size) {
  // EVP_EncodeBlock writes a terminating NUL after the 4-per-3 characters.
  std::string text(4 * ((size + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), data, static_cast<int>(size));
  text.resize(static_cast<std::size_t>(length));
  return text;
}

std::string random_bytes(std::size_t count) {
  std::string bytes(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
    throw std::runtime_error("RAND_bytes failed: " + openssl_error());
  }
  return bytes;
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

// Repeated fields are one list in HTTP (RFC 9110, 5.3): joined the way a proxy would join them.
std::optional<std::string> find_header(const Headers& headers, const std::string& name) {
  std::optional<std::string> value;
  for (const auto& [field, field_value] : headers) {
    if (!equals_ignoring_case(field, name)) continue;
    value = value ? *value + ", " + field_value : field_value;
  }
  return value;
}

bool has_header(const Headers& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& field) { return equals_ignoring_case(field.first, name); });
}

bool is_ip_address(const std::string& name) {
  unsigned char address[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, name.c_str(), address) == 1 || ::inet_pton(AF_INET6, name.c_str(), address) == 1;
}

// A non-blocking TCP connection to 127.0.0.1:port: every later wait is a poll() with a deadline.
int connect_to_local_port(int port, Deadline deadline) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket() failed: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  int error = 0;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    error = errno;
    if (error == EINPROGRESS) {
      socklen_t length = sizeof error;
      error = wait_for(fd, POLLOUT, deadline) ? 0 : ETIMEDOUT;
      if (error == 0) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    }
  }
  if (error != 0) {
    ::close(fd);
    throw std::runtime_error("connecting to 127.0.0.1:" + std::to_string(port) + " failed: " + std::strerror(error));
  }
  return fd;
}

// One connection's bytes, in plain TCP or in TLS. TLS runs over memory BIOs rather than on the
// socket itself: OpenSSL then never writes to the socket, so the socket's writes all carry
// MSG_NOSIGNAL (a peer gone mid-test cannot raise SIGPIPE) and all its waits are our bounded polls.
class Channel {
 public:
  enum class Read { data, end, timeout };

  explicit Channel(int fd) : fd_(fd) {}
  ~Channel() {
    if (ssl_ != nullptr) SSL_free(ssl_);  // frees the two BIOs with it
    if (tls_context_ != nullptr) SSL_CTX_free(tls_context_);
    ::close(fd_);
  }
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  // `already_received`: bytes read past a proxy's answer, which belong to the server's TLS.
  void start_tls(const WebSocketClientOptions& options, const std::string& already_received, Deadline deadline);

  // All of `size` bytes, or false: the peer is gone or the deadline passed.
  bool write_all(const char* data, std::size_t size, Deadline deadline) {
    return ssl_ == nullptr ? send_to_socket(data, size, deadline) : write_tls(data, size, deadline);
  }

  // Our FIN, once the server's end was read: a server that half-closed and waits for the
  // client's side to close (as RFC 6455, 7.1.1 has the server close first) is not kept waiting.
  void finish_sending() { ::shutdown(fd_, SHUT_WR); }

  // Appends what arrived to `into` (at least one byte when it says data).
  Read read_some(std::string& into, Deadline deadline) {
    return ssl_ == nullptr ? receive_from_socket(into, deadline) : read_tls(into, deadline);
  }

 private:
  bool send_to_socket(const char* data, std::size_t size, Deadline deadline);
  Read receive_from_socket(std::string& into, Deadline deadline);
  void trust_ca(const std::string& ca_pem);
  void name_the_server(const std::string& server_name);
  void handshake(Deadline deadline);
  bool flush_tls_output(Deadline deadline);
  bool write_tls(const char* data, std::size_t size, Deadline deadline);
  Read read_tls(std::string& into, Deadline deadline);
  std::string describe_tls_failure();

  int fd_;
  SSL_CTX* tls_context_ = nullptr;
  SSL* ssl_ = nullptr;
  BIO* network_in_ = nullptr;   // what the server sent, for OpenSSL to decrypt
  BIO* network_out_ = nullptr;  // what OpenSSL wrote, for us to send
};

bool Channel::send_to_socket(const char* data, std::size_t size, Deadline deadline) {
  std::size_t sent = 0;
  while (sent < size) {
    const auto n = ::send(fd_, data + sent, size - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait_for(fd_, POLLOUT, deadline)) return false;
    } else {
      return false;
    }
  }
  return true;
}

Channel::Read Channel::receive_from_socket(std::string& into, Deadline deadline) {
  char buffer[65536];
  for (;;) {
    // Read first, wait second: bytes already there are taken even when the deadline has passed.
    const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n > 0) {
      into.append(buffer, static_cast<std::size_t>(n));
      return Read::data;
    }
    if (n == 0) return Read::end;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return Read::end;  // reset: the connection is over all the same
    if (!wait_for(fd_, POLLIN, deadline)) return Read::timeout;
  }
}

void Channel::start_tls(const WebSocketClientOptions& options, const std::string& already_received, Deadline deadline) {
  tls_context_ = SSL_CTX_new(TLS_client_method());
  if (tls_context_ == nullptr) throw std::runtime_error("SSL_CTX_new failed: " + openssl_error());
  SSL_CTX_set_verify(tls_context_, SSL_VERIFY_PEER, nullptr);
  trust_ca(options.ca_pem);
  ssl_ = SSL_new(tls_context_);
  if (ssl_ == nullptr) throw std::runtime_error("SSL_new failed: " + openssl_error());
  name_the_server(options.tls_server_name);
  // A server offering h2 too must pick HTTP/1.1: the WebSocket handshake is an HTTP/1.1 upgrade.
  static const unsigned char http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_set_alpn_protos(ssl_, http11, sizeof http11);
  network_in_ = BIO_new(BIO_s_mem());
  network_out_ = BIO_new(BIO_s_mem());
  if (network_in_ == nullptr || network_out_ == nullptr) {
    BIO_free(network_in_);
    BIO_free(network_out_);
    throw std::runtime_error("BIO_new failed: " + openssl_error());
  }
  SSL_set_bio(ssl_, network_in_, network_out_);
  if (!already_received.empty()) {
    BIO_write(network_in_, already_received.data(), static_cast<int>(already_received.size()));
  }
  SSL_set_connect_state(ssl_);
  handshake(deadline);
}

void Channel::trust_ca(const std::string& ca_pem) {
  BIO* pem = BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size()));
  if (pem == nullptr) throw std::runtime_error("BIO_new_mem_buf failed: " + openssl_error());
  X509_STORE* store = SSL_CTX_get_cert_store(tls_context_);
  int trusted = 0;
  // Every certificate of the PEM: a test may hand over a chain or a bundle.
  while (X509* certificate = PEM_read_bio_X509(pem, nullptr, nullptr, nullptr)) {
    if (X509_STORE_add_cert(store, certificate) == 1) ++trusted;
    X509_free(certificate);
  }
  BIO_free(pem);
  ERR_clear_error();  // the read past the last certificate leaves an error behind
  if (trusted == 0) throw std::invalid_argument("WebSocketClientOptions::ca_pem holds no usable certificate");
}

void Channel::name_the_server(const std::string& server_name) {
  if (server_name.empty()) throw std::invalid_argument("WebSocketClientOptions::tls_server_name is empty");
  if (is_ip_address(server_name)) {
    // SNI carries host names only (RFC 6066, 3); an address is matched against the certificate's IP SANs.
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), server_name.c_str()) != 1) {
      throw std::runtime_error("cannot verify the address " + server_name + ": " + openssl_error());
    }
    return;
  }
  if (SSL_set_tlsext_host_name(ssl_, server_name.c_str()) != 1 || SSL_set1_host(ssl_, server_name.c_str()) != 1) {
    throw std::runtime_error("cannot name the TLS server " + server_name + ": " + openssl_error());
  }
}

std::string Channel::describe_tls_failure() {
  const long verdict = SSL_get_verify_result(ssl_);
  if (verdict != X509_V_OK) {
    ERR_clear_error();
    return std::string("the server's certificate failed verification: ") + X509_verify_cert_error_string(verdict);
  }
  return openssl_error();
}

void Channel::handshake(Deadline deadline) {
  for (;;) {
    ERR_clear_error();
    const int result = SSL_do_handshake(ssl_);
    if (result != 1 && SSL_get_error(ssl_, result) != SSL_ERROR_WANT_READ) {
      const std::string why = describe_tls_failure();
      flush_tls_output(deadline);  // the alert, which tells the server why
      throw std::runtime_error("TLS handshake failed: " + why);
    }
    if (!flush_tls_output(deadline)) throw std::runtime_error("TLS handshake: the server closed the connection");
    if (result == 1) return;
    std::string encrypted;
    const Read read = receive_from_socket(encrypted, deadline);
    if (read == Read::timeout) throw std::runtime_error("TLS handshake: no answer from the server in time");
    if (read == Read::end) throw std::runtime_error("TLS handshake: the server closed the connection");
    BIO_write(network_in_, encrypted.data(), static_cast<int>(encrypted.size()));
  }
}

bool Channel::flush_tls_output(Deadline deadline) {
  char buffer[16384];
  while (BIO_ctrl_pending(network_out_) > 0) {
    const int n = BIO_read(network_out_, buffer, sizeof buffer);
    if (n <= 0) break;
    if (!send_to_socket(buffer, static_cast<std::size_t>(n), deadline)) return false;
  }
  return true;
}

bool Channel::write_tls(const char* data, std::size_t size, Deadline deadline) {
  std::size_t written = 0;
  while (written < size) {
    ERR_clear_error();
    // With a memory BIO below it, SSL_write takes everything it is given (it never waits).
    const int chunk = static_cast<int>(std::min<std::size_t>(size - written, INT_MAX));
    const int n = SSL_write(ssl_, data + written, chunk);
    if (n <= 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return flush_tls_output(deadline);
}

Channel::Read Channel::read_tls(std::string& into, Deadline deadline) {
  char buffer[16384];
  for (;;) {
    ERR_clear_error();
    const int n = SSL_read(ssl_, buffer, sizeof buffer);
    if (n > 0) {
      into.append(buffer, static_cast<std::size_t>(n));
      return Read::data;
    }
    // close_notify, or a broken record or alert: either way nothing more will come.
    if (SSL_get_error(ssl_, n) != SSL_ERROR_WANT_READ) return Read::end;
    // Reading can make TLS output (a KeyUpdate's answer): it goes out before we wait.
    if (!flush_tls_output(deadline)) return Read::end;
    std::string encrypted;
    const Read read = receive_from_socket(encrypted, deadline);
    if (read != Read::data) return read;
    BIO_write(network_in_, encrypted.data(), static_cast<int>(encrypted.size()));
  }
}

// An HTTP answer's head: the status and the fields (the body is read after it, if at all).
struct AnswerHead {
  int status = 0;
  std::string status_line;
  Headers headers;
};

// Reads until the blank line that ends an answer's head; returns the head, and leaves in
// `buffer` what came after it (the body's start, or the first WebSocket frames).
std::string read_head(Channel& channel, std::string& buffer, std::chrono::milliseconds timeout, const char* who) {
  for (;;) {
    const auto end = buffer.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::string head = buffer.substr(0, end);
      buffer.erase(0, end + 4);
      return head;
    }
    if (buffer.size() > kMaxHeadBytes) throw std::runtime_error(std::string(who) + ": answer head too large");
    const auto read = channel.read_some(buffer, deadline_after(timeout));
    if (read == Channel::Read::timeout) throw std::runtime_error(std::string(who) + ": no complete answer in time");
    if (read == Channel::Read::end) {
      throw std::runtime_error(std::string(who) + ": connection closed before a complete answer (got " +
                               std::to_string(buffer.size()) + " bytes)");
    }
  }
}

// "HTTP/1.1 101 Switching Protocols" -> 101.
int parse_status(const std::string& status_line) {
  const bool well_formed = status_line.rfind("HTTP/", 0) == 0 && status_line.size() >= 12 && status_line[8] == ' ' &&
                           std::isdigit(static_cast<unsigned char>(status_line[9])) &&
                           std::isdigit(static_cast<unsigned char>(status_line[10])) &&
                           std::isdigit(static_cast<unsigned char>(status_line[11]));
  if (!well_formed) throw std::runtime_error("not an HTTP status line: " + status_line);
  return std::stoi(status_line.substr(9, 3));
}

AnswerHead parse_head(const std::string& head) {
  AnswerHead answer;
  std::size_t line_start = 0;
  while (line_start <= head.size()) {
    auto line_end = head.find("\r\n", line_start);
    if (line_end == std::string::npos) line_end = head.size();
    const std::string_view line(head.data() + line_start, line_end - line_start);
    line_start = line_end + 2;
    if (answer.status_line.empty()) {
      answer.status_line = std::string(line);
      answer.status = parse_status(answer.status_line);
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // not a field: nothing a test would look up
    answer.headers.emplace_back(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  }
  return answer;
}

// The body of a chunked answer, or nullopt while `raw` does not hold its last chunk yet.
std::optional<std::string> decode_chunked(const std::string& raw) {
  std::string body;
  std::size_t position = 0;
  for (;;) {
    const auto size_end = raw.find("\r\n", position);
    if (size_end == std::string::npos) return std::nullopt;
    // The size is hexadecimal, maybe followed by ";extensions".
    const std::size_t size = std::strtoull(raw.c_str() + position, nullptr, 16);
    position = size_end + 2;
    if (size == 0) return body;  // trailers, if any, are of no interest here
    if (raw.size() - position < 2 || raw.size() - position - 2 < size) return std::nullopt;
    body.append(raw, position, size);
    position += size + 2;
  }
}

// The body of a refusal, by the framing its head announces. What arrived is kept when the
// server stops short: the test then sees how far it got.
std::string read_body(Channel& channel, std::string buffer, const AnswerHead& head, std::chrono::milliseconds timeout) {
  if (head.status == 204 || head.status == 304) return {};
  const auto encoding = find_header(head.headers, "Transfer-Encoding");
  const auto length_field = find_header(head.headers, "Content-Length");
  const bool chunked = encoding && encoding->find("chunked") != std::string::npos;
  const std::size_t length =
      length_field ? std::strtoull(length_field->c_str(), nullptr, 10) : std::numeric_limits<std::size_t>::max();
  for (;;) {
    if (chunked) {
      if (auto body = decode_chunked(buffer)) return *body;
    } else if (buffer.size() >= length) {
      return buffer.substr(0, length);
    }
    // Without a length or chunks, the body ends where the connection does.
    if (channel.read_some(buffer, deadline_after(timeout)) != Channel::Read::data) return buffer;
  }
}

std::string header_line(const std::string& name, const std::string& value) { return name + ": " + value + "\r\n"; }

}  // namespace

// The connection and wslay's context; the callbacks wslay calls reach it through user_data.
struct WebSocketClient::Impl {
  WebSocketClientOptions options;
  std::unique_ptr<Channel> channel;
  int status = 0;
  std::string body;
  Headers response_headers;

  wslay_event_context_ptr wslay = nullptr;
  std::string inbound;  // bytes read from the server, not yet handed to wslay
  std::size_t inbound_offset = 0;
  std::deque<WebSocketEvent> events;
  bool ended = false;  // the connection's end was read (and queued as an event)
  Deadline send_deadline;

  ~Impl() {
    if (wslay != nullptr) wslay_event_context_free(wslay);
  }

  void open_channel();
  std::string request(const std::string& key) const;
  void start_websocket(std::string first_bytes);
  void feed_wslay();
  void flush_wslay();
  bool pump(Deadline deadline);
  void queue_message(std::uint8_t opcode, const std::string& payload);
  // After its close frame (or a failed write) wslay sends nothing more.
  bool writing_over() const {
    return wslay_event_get_close_sent(wslay) != 0 || wslay_event_get_write_enabled(wslay) == 0;
  }
  void require_websocket(const char* what) const;

  static ssize_t on_recv(wslay_event_context_ptr, std::uint8_t* buffer, std::size_t length, int, void* self);
  static ssize_t on_send(wslay_event_context_ptr, const std::uint8_t* data, std::size_t length, int, void* self);
  static int on_genmask(wslay_event_context_ptr, std::uint8_t* buffer, std::size_t length, void*);
  static void on_message(wslay_event_context_ptr, const wslay_event_on_msg_recv_arg* message, void* self);
};

void WebSocketClient::Impl::open_channel() {
  if (options.proxy_port == 0) {
    channel = std::make_unique<Channel>(connect_to_local_port(options.port, deadline_after(options.timeout)));
    if (options.tls) channel->start_tls(options, "", deadline_after(options.timeout));
    return;
  }
  channel = std::make_unique<Channel>(connect_to_local_port(options.proxy_port, deadline_after(options.timeout)));
  const std::string connect =
      "CONNECT " + options.tunnel_authority + " HTTP/1.1\r\n" + header_line("Host", options.tunnel_authority) + "\r\n";
  if (!channel->write_all(connect.data(), connect.size(), deadline_after(options.timeout))) {
    throw std::runtime_error("the proxy closed the connection before the CONNECT was sent");
  }
  std::string buffer;
  const AnswerHead answer = parse_head(read_head(*channel, buffer, options.timeout, "proxy CONNECT"));
  if (answer.status / 100 != 2) throw std::runtime_error("the proxy refused the tunnel: " + answer.status_line);
  channel->start_tls(options, buffer, deadline_after(options.timeout));
}

// The opening handshake's request (RFC 6455, 4.1). An extra header named like one of ours
// replaces ours: a test can send a wrong version or its own key that way.
std::string WebSocketClient::Impl::request(const std::string& key) const {
  std::string host = options.host_header;
  if (host.empty()) {
    host = options.proxy_port != 0 ? options.tunnel_authority : "127.0.0.1:" + std::to_string(options.port);
  }
  std::string protocols;
  for (const auto& protocol : options.subprotocols) protocols += (protocols.empty() ? "" : ", ") + protocol;
  const Headers ours = {{"Host", host},
                        {"Upgrade", "websocket"},
                        {"Connection", "Upgrade"},
                        {"Sec-WebSocket-Key", key},
                        {"Sec-WebSocket-Version", "13"},
                        {"Sec-WebSocket-Protocol", protocols}};
  std::string text = "GET " + options.path + " HTTP/1.1\r\n";
  for (const auto& [name, value] : ours) {
    if (value.empty() || has_header(options.headers, name)) continue;
    text += header_line(name, value);
  }
  for (const auto& [name, value] : options.headers) text += header_line(name, value);
  return text + "\r\n";
}

void WebSocketClient::Impl::start_websocket(std::string first_bytes) {
  const wslay_event_callbacks callbacks = {on_recv, on_send, on_genmask, nullptr, nullptr, nullptr, on_message};
  if (wslay_event_context_client_init(&wslay, &callbacks, this) != 0) {
    throw std::runtime_error("wslay_event_context_client_init failed");
  }
  wslay_event_config_set_max_recv_msg_length(wslay, kMaxMessageBytes);
  // A server may send right behind its 101, in the same read as the head.
  inbound = std::move(first_bytes);
  feed_wslay();
}

// Hands wslay everything read so far, then sends what it queued in answer (pongs, the close echo).
void WebSocketClient::Impl::feed_wslay() {
  // After a close frame or a protocol error wslay reads no more; the bytes are then dropped.
  // Its error result needs no handling: on a bad frame it has queued its close already (1002,
  // 1007, 1009, or an empty one when the frame layer itself refused the header) and turned
  // reading off, and the flush below sends that close.
  if (wslay_event_get_read_enabled(wslay) != 0) wslay_event_recv(wslay);
  inbound.clear();
  inbound_offset = 0;
  flush_wslay();
}

void WebSocketClient::Impl::flush_wslay() {
  send_deadline = deadline_after(options.timeout);
  // A failed write turns wslay's writing off for good; the end then shows in next() as ended.
  if (wslay_event_want_write(wslay) != 0) wslay_event_send(wslay);
}

// One read from the server: false when nothing came before `deadline` (or the end was seen already).
bool WebSocketClient::Impl::pump(Deadline deadline) {
  if (ended) return false;
  switch (channel->read_some(inbound, deadline)) {
    case Channel::Read::data:
      feed_wslay();
      return true;
    case Channel::Read::end:
      ended = true;
      channel->finish_sending();
      events.push_back(WebSocketEvent{WebSocketEvent::Kind::ended, "", 0, ""});
      return true;
    case Channel::Read::timeout:
      return false;
  }
  return false;
}

void WebSocketClient::Impl::queue_message(std::uint8_t opcode, const std::string& payload) {
  const wslay_event_msg message = {opcode, reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()};
  const int result = wslay_event_queue_msg(wslay, &message);
  if (result == WSLAY_ERR_NO_MORE_MSG) return;  // after a close: documented as sending nothing
  if (result == WSLAY_ERR_INVALID_ARGUMENT) {
    throw std::invalid_argument("wslay refused the message (a control frame carries at most 125 bytes)");
  }
  if (result != 0) throw std::runtime_error("wslay_event_queue_msg failed: " + std::to_string(result));
  flush_wslay();
}

void WebSocketClient::Impl::require_websocket(const char* what) const {
  if (wslay == nullptr) {
    throw std::logic_error(std::string(what) + ": the server answered " + std::to_string(status) + ", not 101");
  }
}

// wslay pulls from `inbound`; when it is empty, "would block" ends this round of wslay_event_recv.
// (Returning 0 would mean the same to wslay: it has no notion of end of stream. The end is
// noticed by pump() instead.)
ssize_t WebSocketClient::Impl::on_recv(wslay_event_context_ptr context, std::uint8_t* buffer, std::size_t length, int,
                                       void* self) {
  auto& impl = *static_cast<Impl*>(self);
  const std::size_t available = impl.inbound.size() - impl.inbound_offset;
  if (available == 0) {
    wslay_event_set_error(context, WSLAY_ERR_WOULDBLOCK);
    return -1;
  }
  const std::size_t count = std::min(length, available);
  std::memcpy(buffer, impl.inbound.data() + impl.inbound_offset, count);
  impl.inbound_offset += count;
  return static_cast<ssize_t>(count);
}

// wslay expects a non-blocking send; this one waits (bounded by the timeout) until all is
// written, which keeps a test client simple and never leaves a frame half sent between calls.
ssize_t WebSocketClient::Impl::on_send(wslay_event_context_ptr context, const std::uint8_t* data, std::size_t length,
                                       int, void* self) {
  auto& impl = *static_cast<Impl*>(self);
  if (!impl.channel->write_all(reinterpret_cast<const char*>(data), length, impl.send_deadline)) {
    wslay_event_set_error(context, WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
  }
  return static_cast<ssize_t>(length);
}

// RFC 6455, 5.3: each frame's masking key must be unpredictable.
int WebSocketClient::Impl::on_genmask(wslay_event_context_ptr, std::uint8_t* buffer, std::size_t length, void*) {
  return RAND_bytes(buffer, static_cast<int>(length)) == 1 ? 0 : -1;
}

void WebSocketClient::Impl::on_message(wslay_event_context_ptr, const wslay_event_on_msg_recv_arg* message,
                                       void* self) {
  auto& impl = *static_cast<Impl*>(self);
  WebSocketEvent event;
  if (message->msg_length > 0) event.payload.assign(reinterpret_cast<const char*>(message->msg), message->msg_length);
  switch (message->opcode) {
    case WSLAY_TEXT_FRAME:
      event.kind = WebSocketEvent::Kind::text;
      break;
    case WSLAY_BINARY_FRAME:
      event.kind = WebSocketEvent::Kind::binary;
      break;
    case WSLAY_PING:
      event.kind = WebSocketEvent::Kind::ping;
      break;
    case WSLAY_PONG:
      event.kind = WebSocketEvent::Kind::pong;
      break;
    case WSLAY_CONNECTION_CLOSE:
      // wslay gives the whole payload (code, then reason) and the code apart, 0 for none.
      event.kind = WebSocketEvent::Kind::close;
      event.close_code = message->status_code != 0 ? int{message->status_code} : int{WSLAY_CODE_NO_STATUS_RCVD};
      if (event.payload.size() > 2) event.reason = event.payload.substr(2);
      break;
    default:
      return;  // wslay passes only the five opcodes above
  }
  impl.events.push_back(std::move(event));
}

WebSocketClient::WebSocketClient(const WebSocketClientOptions& options) : impl_(std::make_unique<Impl>()) {
  if (options.proxy_port != 0 && (!options.tls || options.tunnel_authority.empty())) {
    throw std::invalid_argument("a proxied WebSocketClient needs tls and a tunnel_authority");
  }
  if (options.tls && options.ca_pem.empty()) throw std::invalid_argument("a tls WebSocketClient needs ca_pem");
  impl_->options = options;
  impl_->open_channel();

  auto key_field = find_header(options.headers, "Sec-WebSocket-Key");
  const std::string key = key_field ? *key_field : [] {
    const std::string nonce = random_bytes(16);
    return base64(reinterpret_cast<const unsigned char*>(nonce.data()), nonce.size());
  }();
  const std::string request = impl_->request(key);
  if (!impl_->channel->write_all(request.data(), request.size(), deadline_after(options.timeout))) {
    throw std::runtime_error("the server closed the connection before the handshake request was sent");
  }
  std::string buffer;
  const AnswerHead answer = parse_head(read_head(*impl_->channel, buffer, options.timeout, "WebSocket handshake"));
  impl_->status = answer.status;
  impl_->response_headers = answer.headers;
  if (answer.status != 101) {
    impl_->body = read_body(*impl_->channel, std::move(buffer), answer, options.timeout);
    return;
  }
  const auto accept = find_header(answer.headers, "Sec-WebSocket-Accept");
  const std::string expected = websocket_accept_for(key);
  if (accept != expected) {
    throw std::runtime_error("wrong Sec-WebSocket-Accept: " + (accept ? "\"" + *accept + "\"" : std::string("none")) +
                             ", expected \"" + expected + "\"");
  }
  impl_->start_websocket(std::move(buffer));
}

WebSocketClient::~WebSocketClient() = default;

int WebSocketClient::status() const { return impl_->status; }

const std::string& WebSocketClient::body() const { return impl_->body; }

std::optional<std::string> WebSocketClient::response_header(const std::string& name) const {
  return find_header(impl_->response_headers, name);
}

std::string WebSocketClient::subprotocol() const {
  return impl_->wslay == nullptr ? "" : response_header("Sec-WebSocket-Protocol").value_or("");
}

bool WebSocketClient::is_open() const {
  return impl_->wslay != nullptr && !impl_->ended && !impl_->writing_over() &&
         wslay_event_get_close_received(impl_->wslay) == 0;
}

void WebSocketClient::send_text(const std::string& text) {
  impl_->require_websocket("send_text");
  impl_->queue_message(WSLAY_TEXT_FRAME, text);
}

void WebSocketClient::send_binary(const std::string& bytes) {
  impl_->require_websocket("send_binary");
  impl_->queue_message(WSLAY_BINARY_FRAME, bytes);
}

void WebSocketClient::send_ping(const std::string& payload) {
  impl_->require_websocket("send_ping");
  impl_->queue_message(WSLAY_PING, payload);
}

void WebSocketClient::send_close(int code, const std::string& reason) {
  impl_->require_websocket("send_close");
  if (code < 0 || code > 0xffff) throw std::invalid_argument("a close code is 16 bits");
  const int result = wslay_event_queue_close(impl_->wslay, static_cast<std::uint16_t>(code),
                                             reinterpret_cast<const std::uint8_t*>(reason.data()), reason.size());
  if (result == WSLAY_ERR_NO_MORE_MSG) return;  // a close went out already
  if (result == WSLAY_ERR_INVALID_ARGUMENT) throw std::invalid_argument("a close reason is at most 123 bytes");
  if (result != 0) throw std::runtime_error("wslay_event_queue_close failed: " + std::to_string(result));
  impl_->flush_wslay();
}

void WebSocketClient::send_raw(const std::string& bytes) {
  // What wslay has queued goes first, so the raw bytes land between whole frames.
  if (impl_->wslay != nullptr) impl_->flush_wslay();
  impl_->channel->write_all(bytes.data(), bytes.size(), deadline_after(impl_->options.timeout));
}

// Framed here rather than by wslay: its fragmented messages are cut where its 4 KiB buffer
// fills, and it cannot send an empty fragment, so the test's pieces would not be the frames.
void WebSocketClient::send_fragmented_text(const std::vector<std::string>& pieces) {
  impl_->require_websocket("send_fragmented_text");
  if (pieces.empty()) throw std::invalid_argument("send_fragmented_text needs at least one piece");
  impl_->flush_wslay();
  if (impl_->writing_over()) return;
  std::string frames;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    frames += client_frame(i == 0 ? WSLAY_TEXT_FRAME : WSLAY_CONTINUATION_FRAME, pieces[i], i + 1 == pieces.size());
  }
  impl_->channel->write_all(frames.data(), frames.size(), deadline_after(impl_->options.timeout));
}

std::optional<WebSocketEvent> WebSocketClient::next(std::chrono::milliseconds timeout) {
  impl_->require_websocket("next");
  const Deadline deadline = deadline_after(timeout);
  while (impl_->events.empty() && impl_->pump(deadline)) {}
  if (impl_->events.empty()) return std::nullopt;
  WebSocketEvent event = std::move(impl_->events.front());
  impl_->events.pop_front();
  return event;
}

std::optional<std::string> WebSocketClient::next_message(std::chrono::milliseconds timeout) {
  const Deadline deadline = deadline_after(timeout);
  for (;;) {
    auto event = next(std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()));
    if (!event) return std::nullopt;
    switch (event->kind) {
      case WebSocketEvent::Kind::text:
      case WebSocketEvent::Kind::binary:
        return std::move(event->payload);
      case WebSocketEvent::Kind::close:
      case WebSocketEvent::Kind::ended:
        return std::nullopt;
      case WebSocketEvent::Kind::ping:
      case WebSocketEvent::Kind::pong:
        break;
    }
  }
}

WebSocketEvent WebSocketClient::wait_closed(std::chrono::milliseconds timeout) {
  const Deadline deadline = deadline_after(timeout);
  for (;;) {
    auto event = next(std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()));
    if (!event) {
      throw std::runtime_error("no close frame and no end of the connection within " + std::to_string(timeout.count()) +
                               " ms");
    }
    if (event->kind == WebSocketEvent::Kind::close || event->kind == WebSocketEvent::Kind::ended) return *event;
  }
}

std::string websocket_accept_for(const std::string& key) {
  const std::string input = key + kAcceptGuid;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("SHA-1 failed: " + openssl_error());
  }
  return base64(digest, length);
}

std::string client_frame(int opcode, const std::string& payload, bool fin, bool masked) {
  if (opcode < 0 || opcode > 0xf) throw std::invalid_argument("an opcode is 4 bits");
  std::string frame;
  frame.push_back(static_cast<char>((fin ? 0x80 : 0) | opcode));
  const int mask_bit = masked ? 0x80 : 0;
  const std::uint64_t size = payload.size();
  // The shortest length encoding (RFC 6455, 5.2): 7 bits, or 126 and 16 bits, or 127 and 64 bits.
  int extra_length_bytes = 0;
  if (size < 126) {
    frame.push_back(static_cast<char>(mask_bit | static_cast<int>(size)));
  } else if (size <= 0xffff) {
    frame.push_back(static_cast<char>(mask_bit | 126));
    extra_length_bytes = 2;
  } else {
    frame.push_back(static_cast<char>(mask_bit | 127));
    extra_length_bytes = 8;
  }
  for (int shift = 8 * (extra_length_bytes - 1); shift >= 0; shift -= 8) {
    frame.push_back(static_cast<char>((size >> shift) & 0xff));
  }
  if (!masked) return frame + payload;
  const std::string key = random_bytes(4);
  frame += key;
  for (std::size_t i = 0; i < payload.size(); ++i) frame.push_back(static_cast<char>(payload[i] ^ key[i % 4]));
  return frame;
}

}  // namespace mockhttp::test
