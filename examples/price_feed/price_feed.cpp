#include "price_feed.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <wslay/wslay.h>

namespace market {

namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

constexpr const char* kSubprotocol = "prices.v1";
constexpr std::chrono::milliseconds kCloseWait{1000};  // for the server's answer to our close
constexpr std::size_t kMaxMessageBytes = 1024 * 1024;  // a price message is a few dozen bytes

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(&out[0]), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

// RFC 6455 4.2.2: the server proves it read the key with base64(SHA-1(key + this GUID)).
std::string accept_for(const std::string& key) {
  const std::string input = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("SHA-1 is not available");
  }
  return base64(digest, length);
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

int milliseconds_until(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<long long>(left, 0));
}

// Until `fd` is ready for `events` or `deadline` passes.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd entry{fd, events, 0};
    const int ready = ::poll(&entry, 1, milliseconds_until(deadline));
    if (ready > 0) return true;
    if (ready == 0) return false;
    if (errno != EINTR) return false;
  }
}

}  // namespace

// One connection: the TCP socket (non-blocking), the opening handshake, then wslay's client
// side, fed by this class's own reads and writing into its own buffer.
class PriceFeed::Session {
 public:
  Session() = default;
  ~Session() {
    if (ws_ != nullptr) wslay_event_context_free(ws_);
    if (fd_ >= 0) ::close(fd_);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Connects and performs the handshake; throws std::runtime_error saying what failed.
  void open(const FeedOptions& options, const std::string& target) {
    const auto deadline = Clock::now() + options.timeout;
    connect_to(options.host, options.port, deadline);
    unsigned char nonce[16];
    if (RAND_bytes(nonce, sizeof nonce) != 1) throw std::runtime_error("no random bytes for the handshake key");
    const std::string key = base64(nonce, sizeof nonce);
    write_all("GET " + target + " HTTP/1.1\r\nHost: " + options.host + ":" + std::to_string(options.port) +
                  "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
                  "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: " + kSubprotocol + "\r\n\r\n",
              deadline);
    check_answer(read_head(deadline), key);
    const wslay_event_callbacks callbacks = {on_recv, on_send, on_genmask, nullptr, nullptr, nullptr, on_message};
    if (wslay_event_context_client_init(&ws_, &callbacks, this) != 0) throw std::runtime_error("wslay init failed");
    wslay_event_config_set_max_recv_msg_length(ws_, kMaxMessageBytes);
  }

  void send_text(const std::string& text) {
    const wslay_event_msg message = {WSLAY_TEXT_FRAME, reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
    if (wslay_event_queue_msg(ws_, &message) != 0) throw std::runtime_error("wslay refused a message");
    if (!flush()) throw std::runtime_error("the connection failed while sending: " + ended_);
  }

  // Reads until the connection ends, handing each text message to `on_text`; when `wake` becomes
  // readable and `stopping()` says so, closes with 1000 and waits briefly for the server's close.
  // Returns why the connection ended.
  std::string serve(int wake, const std::function<bool()>& stopping, const std::function<void(std::string)>& on_text) {
    on_text_ = &on_text;
    bool closing = false;
    Clock::time_point close_deadline;
    // Bytes that came behind the 101 (a server may send at once) are wslay's first read.
    if (!early_.empty() && wslay_event_recv(ws_) != 0) return ended_.empty() ? "wslay could not read" : ended_;
    for (;;) {
      if (!flush()) return ended_;
      if (wslay_event_get_close_received(ws_) != 0 && !wants_to_write()) return closed_by_server_;
      if (wslay_event_get_read_enabled(ws_) == 0 && !wants_to_write()) {
        // wslay stops reading after a frame it refuses (it has queued its close, 1002 or 1007).
        return "the server sent a frame the client cannot read";
      }
      if (closing && Clock::now() >= close_deadline) return "stopped (the server did not answer the close)";
      pollfd watched[2] = {{fd_, static_cast<short>(POLLIN | (wants_to_write() ? POLLOUT : 0)), 0}, {wake, POLLIN, 0}};
      const int ready = ::poll(watched, closing ? 1 : 2, closing ? milliseconds_until(close_deadline) : -1);
      if (ready < 0 && errno != EINTR) return std::string("poll failed: ") + std::strerror(errno);
      if (!closing && ready > 0 && (watched[1].revents & POLLIN) != 0 && stopping()) {
        closing = true;
        close_deadline = Clock::now() + kCloseWait;
        const std::string reason = "client stopping";
        wslay_event_queue_close(ws_, 1000, reinterpret_cast<const std::uint8_t*>(reason.data()), reason.size());
        closed_by_server_ = "stopped";
      }
      if (ready > 0 && (watched[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0 && wslay_event_recv(ws_) != 0) {
        if (closing) return "stopped";
        return ended_.empty() ? "wslay could not read" : ended_;
      }
    }
  }

 private:
  void connect_to(const std::string& host, int port, Clock::time_point deadline) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (::getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr) {
      throw std::runtime_error("cannot resolve " + host);
    }
    std::string why = "no address for " + host;
    for (addrinfo* at = found; at != nullptr && fd_ < 0; at = at->ai_next) {
      const int fd = ::socket(at->ai_family, at->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, at->ai_protocol);
      if (fd < 0) continue;
      int result = ::connect(fd, at->ai_addr, at->ai_addrlen);
      if (result != 0 && errno == EINPROGRESS && wait_for(fd, POLLOUT, deadline)) {
        int error = 0;
        socklen_t size = sizeof error;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
        result = error == 0 ? 0 : -1;
        errno = error == 0 ? errno : error;
      }
      if (result == 0) {
        fd_ = fd;
      } else {
        why = "cannot connect to " + host + ":" + service + ": " + std::strerror(errno);
        ::close(fd);
      }
    }
    ::freeaddrinfo(found);
    if (fd_ < 0) throw std::runtime_error(why);
    // A price should leave as soon as it is written, not wait for more to fill a segment.
    const int yes = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  }

  void write_all(const std::string& bytes, Clock::time_point deadline) {
    std::size_t written = 0;
    while (written < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + written, bytes.size() - written, MSG_NOSIGNAL);
      if (n > 0) {
        written += static_cast<std::size_t>(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        if (!wait_for(fd_, POLLOUT, deadline)) throw std::runtime_error("the handshake could not be sent in time");
      } else {
        throw std::runtime_error(std::string("the handshake could not be sent: ") + std::strerror(errno));
      }
    }
  }

  std::string read_head(Clock::time_point deadline) {
    std::string head;
    for (;;) {
      const std::size_t end = head.find("\r\n\r\n");
      if (end != std::string::npos) {
        early_ = head.substr(end + 4);
        head.resize(end + 2);
        return head;
      }
      if (head.size() > 16 * 1024) throw std::runtime_error("the handshake answer's head is over 16 KiB");
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) {
        head.append(buffer, static_cast<std::size_t>(n));
      } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        if (!wait_for(fd_, POLLIN, deadline)) throw std::runtime_error("no answer to the handshake in time");
      } else {
        throw std::runtime_error("the server closed the connection during the handshake");
      }
    }
  }

  static void check_answer(const std::string& head, const std::string& key) {
    const std::string status_line = head.substr(0, head.find("\r\n"));
    if (status_line.rfind("HTTP/1.1 101", 0) != 0) {
      throw std::runtime_error("the server refused the upgrade: " + status_line);
    }
    std::map<std::string, std::string> headers;
    std::size_t at = head.find("\r\n") + 2;
    while (at < head.size()) {
      const std::size_t end = head.find("\r\n", at);
      const std::string line = head.substr(at, end - at);
      const std::size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(" \t"));
        value.erase(value.find_last_not_of(" \t") + 1);
        headers[lowercase(line.substr(0, colon))] = value;
      }
      at = end + 2;
    }
    if (headers["sec-websocket-accept"] != accept_for(key)) {
      throw std::runtime_error("wrong Sec-WebSocket-Accept: \"" + headers["sec-websocket-accept"] + "\"");
    }
    if (headers["sec-websocket-protocol"] != kSubprotocol) {
      throw std::runtime_error(std::string("the server did not choose the ") + kSubprotocol + " subprotocol");
    }
  }

  bool wants_to_write() const { return out_written_ < out_.size() || wslay_event_want_write(ws_) != 0; }

  // Frames what wslay queued and writes what the socket takes now; false when the connection failed.
  bool flush() {
    for (;;) {
      if (wslay_event_want_write(ws_) != 0 && wslay_event_send(ws_) != 0) {
        if (ended_.empty()) ended_ = "wslay could not send";
        return false;
      }
      if (out_written_ == out_.size()) return true;
      const ssize_t n = ::send(fd_, out_.data() + out_written_, out_.size() - out_written_, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) return true;
        ended_ = std::string("the connection failed: ") + std::strerror(errno);
        return false;
      }
      out_written_ += static_cast<std::size_t>(n);
      if (out_written_ == out_.size()) {
        out_.clear();
        out_written_ = 0;
      }
    }
  }

  static ssize_t on_recv(wslay_event_context_ptr context, std::uint8_t* buffer, std::size_t length, int, void* user) {
    auto& self = *static_cast<Session*>(user);
    if (self.early_taken_ < self.early_.size()) {
      const std::size_t count = std::min(length, self.early_.size() - self.early_taken_);
      std::memcpy(buffer, self.early_.data() + self.early_taken_, count);
      self.early_taken_ += count;
      return static_cast<ssize_t>(count);
    }
    const ssize_t n = ::recv(self.fd_, buffer, length, 0);
    if (n > 0) return n;
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      wslay_event_set_error(context, WSLAY_ERR_WOULDBLOCK);
    } else {
      self.ended_ = n == 0 ? "the server ended the connection without a close frame"
                           : std::string("the connection failed: ") + std::strerror(errno);
      wslay_event_set_error(context, WSLAY_ERR_CALLBACK_FAILURE);
    }
    return -1;
  }

  // wslay hands over a frame's header and payload in two calls: gathered here, written by
  // flush() with one send().
  static ssize_t on_send(wslay_event_context_ptr, const std::uint8_t* data, std::size_t length, int, void* user) {
    auto& self = *static_cast<Session*>(user);
    self.out_.append(reinterpret_cast<const char*>(data), length);
    return static_cast<ssize_t>(length);
  }

  // RFC 6455 5.3: each frame's masking key must be unpredictable.
  static int on_genmask(wslay_event_context_ptr, std::uint8_t* buffer, std::size_t length, void*) {
    return RAND_bytes(buffer, static_cast<int>(length)) == 1 ? 0 : -1;
  }

  static void on_message(wslay_event_context_ptr, const wslay_event_on_msg_recv_arg* message, void* user) {
    auto& self = *static_cast<Session*>(user);
    const std::string payload(reinterpret_cast<const char*>(message->msg), message->msg_length);
    if (message->opcode == WSLAY_TEXT_FRAME) {
      (*self.on_text_)(payload);
    } else if (message->opcode == WSLAY_CONNECTION_CLOSE && self.closed_by_server_.empty()) {
      self.closed_by_server_ = "the server closed the connection with " + std::to_string(message->status_code) +
                               (payload.size() > 2 ? " \"" + payload.substr(2) + "\"" : std::string());
    }
  }

  int fd_ = -1;
  wslay_event_context_ptr ws_ = nullptr;
  std::string early_;  // read behind the 101
  std::size_t early_taken_ = 0;
  std::string out_;  // framed, not yet written
  std::size_t out_written_ = 0;
  std::string ended_;             // why reading or writing failed
  std::string closed_by_server_;  // set when a close frame came (or we started ours)
  const std::function<void(std::string)>* on_text_ = nullptr;
};

PriceFeed::PriceFeed(FeedOptions options, std::function<void(const Quote&)> on_quote)
    : options_(std::move(options)), on_quote_(std::move(on_quote)) {
  if (options_.symbols.empty()) throw std::invalid_argument("a price feed needs at least one symbol");
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("no pipe for the feed's thread");
}

PriceFeed::~PriceFeed() {
  stop();
  ::close(wake_[0]);
  ::close(wake_[1]);
}

void PriceFeed::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { run(); });
}

void PriceFeed::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  const char byte = 1;
  [[maybe_unused]] const auto written = ::write(wake_[1], &byte, 1);
  if (thread_.joinable()) thread_.join();
}

bool PriceFeed::stopping() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stopping_;
}

std::string PriceFeed::upgrade_target() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_sequence_ > 0 ? options_.path + "?since=" + std::to_string(last_sequence_) : options_.path;
}

void PriceFeed::run() {
  auto pause = options_.first_retry;
  const std::function<void(std::string)> on_text = [this](const std::string& text) {
    const json message = json::parse(text, nullptr, false);
    if (message.is_discarded() || !message.is_object()) return note_rejected();
    const auto type = message.find("type");
    if (type == message.end() || *type != "price") return;  // acknowledgements, heartbeats
    const auto symbol = message.find("symbol");
    const auto price = message.find("price");
    const auto sequence = message.find("seq");
    if (symbol == message.end() || !symbol->is_string() || price == message.end() || !price->is_number() ||
        sequence == message.end() || !sequence->is_number_integer()) {
      return note_rejected();
    }
    if (std::find(options_.symbols.begin(), options_.symbols.end(), symbol->get<std::string>()) ==
        options_.symbols.end()) {
      return note_rejected();
    }
    note_quote({symbol->get<std::string>(), price->get<double>(), sequence->get<std::int64_t>()});
  };
  while (!stopping()) {
    try {
      Session session;
      session.open(options_, upgrade_target());
      note_connected();
      pause = options_.first_retry;
      session.send_text(json{{"op", "subscribe"}, {"symbols", options_.symbols}}.dump());
      note_error(session.serve(
          wake_[0], [this] { return stopping(); }, on_text));
    } catch (const std::exception& e) {
      note_error(e.what());
    }
    std::unique_lock<std::mutex> lock(mutex_);
    if (changed_.wait_for(lock, pause, [this] { return stopping_; })) break;
    pause = std::min(pause * 2, options_.max_retry);
  }
}

void PriceFeed::note_quote(const Quote& quote) {
  // The listener first: whoever sees the quote in latest() knows the listener has had it.
  if (on_quote_) on_quote_(quote);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    latest_[quote.symbol] = quote;
    last_sequence_ = std::max(last_sequence_, quote.sequence);
  }
  changed_.notify_all();
}

void PriceFeed::note_rejected() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++rejected_;
  }
  changed_.notify_all();
}

void PriceFeed::note_connected() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++connections_;
  }
  changed_.notify_all();
}

void PriceFeed::note_error(const std::string& why) {
  std::lock_guard<std::mutex> lock(mutex_);
  last_error_ = why;
}

std::optional<Quote> PriceFeed::latest(const std::string& symbol) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = latest_.find(symbol);
  if (found == latest_.end()) return std::nullopt;
  return found->second;
}

std::optional<Quote> PriceFeed::wait_for_quote(const std::string& symbol, std::int64_t sequence,
                                               std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  std::optional<Quote> quote;
  changed_.wait_for(lock, timeout, [&] {
    const auto found = latest_.find(symbol);
    if (found != latest_.end() && found->second.sequence >= sequence) quote = found->second;
    return quote.has_value();
  });
  return quote;
}

int PriceFeed::connections() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return connections_;
}

std::size_t PriceFeed::rejected() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return rejected_;
}

std::string PriceFeed::last_error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_error_;
}

}  // namespace market
