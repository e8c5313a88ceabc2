// WebSocket through mockhttp stubs against a Node `ws` server (bench/websocket_node_server.mjs),
// both driven by the same client, measured in one run and printed as ratios (bench/README.md
// keeps the latest table):
//   1. echo round trips per second, one message in flight per connection: the stub echoes with a
//      responder (WebSocketScript::on_message(WebSocketResponder)), or with a reply rule that
//      matches the message and answers the same bytes; Node echoes with socket.send(data);
//   2. pushed messages per second: the client sends "push N" and counts N price messages; the
//      stub answers with one reply of N messages (a rule, its reply built at mount), or the
//      bench's own thread pushes them with WebSocketConnection::send in a loop, as a test does;
//      Node loops socket.send over a Buffer made once;
// each over 1 connection and over 100 (one client thread drives them all).
// The client is the same lean loop for both servers (non-blocking sockets, epoll, wslay's client
// side), so its cost is the same on each side. Rounds alternate the mock and Node, which goes
// first alternating too; a ratio is the median of the rounds' mock/Node ratios.
// Without node on PATH, or without the npm package `ws` in MOCKHTTP_NODE_MODULES (default
// ~/.cache/mockhttp/node, where scripts/install-deps.sh puts its npm packages), the Node
// baseline is skipped: the mock's figures are printed alone and say so.
// Usage: websocket_bench [round trips per round] (default 20000; a push round carries five
// times as many messages). `websocket_bench N mock|node [echo|echo-rule|push|pushed] [1|100]`
// runs one server alone, ten rounds of each chosen load, for a profiler (`perf record -g`).
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spawn.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <wslay/wslay.h>

#include <mockhttp/mockhttp.hpp>

#include "bench_figures.hpp"

extern char** environ;

namespace {

using bench::fixed;
using bench::median;
using Clock = std::chrono::steady_clock;

constexpr int kRounds = 9;
constexpr int kPushFactor = 5;  // a push round carries this many times the round trips of an echo round
const std::vector<int> kConnectionCounts = {1, 100};
// The same small JSON both ways: what the client echoes, and what a server pushes.
const std::string kEchoed = R"({"op":"quote","symbol":"ACME","bid":101.25,"ask":101.5})";
const std::string kPushed = R"({"symbol":"ACME","price":101.375,"ts":1767225600000})";
constexpr std::chrono::milliseconds kStall{10000};  // a round that hears nothing this long failed
constexpr std::size_t kOutBound = 256 * 1024;       // the client's unsent bytes before it waits for the socket

// ---- the client: one thread, any number of connections, wslay's client side ----

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string accept_for(const std::string& key) {
  const std::string input = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha1(), nullptr);
  return base64(digest, length);
}

class ClientLoop;

struct Connection {
  ClientLoop* loop = nullptr;
  int fd = -1;
  wslay_event_context_ptr ws = nullptr;
  std::string early;  // bytes that came behind the 101, for wslay's first read
  std::size_t early_taken = 0;
  std::string out;  // framed by wslay, not yet written
  std::size_t out_written = 0;
  bool watching_out = false;  // EPOLLOUT registered
  long expected = 0;          // messages still to receive this round
  long to_send = 0;           // echo: messages still to send after the one in flight
  const std::string* expect = nullptr;
  bool failed = false;

  ~Connection() {
    if (ws != nullptr) wslay_event_context_free(ws);
    if (fd >= 0) ::close(fd);
  }
};

std::uint64_t mask_state = 0x9E3779B97F4A7C15ULL;

ssize_t on_recv(wslay_event_context_ptr context, std::uint8_t* buffer, std::size_t length, int, void* user) {
  auto& c = *static_cast<Connection*>(user);
  if (c.early_taken < c.early.size()) {
    const std::size_t count = std::min(length, c.early.size() - c.early_taken);
    std::memcpy(buffer, c.early.data() + c.early_taken, count);
    c.early_taken += count;
    return static_cast<ssize_t>(count);
  }
  const ssize_t n = ::recv(c.fd, buffer, length, 0);
  if (n > 0) return n;
  wslay_event_set_error(context, n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                                     ? WSLAY_ERR_WOULDBLOCK
                                     : WSLAY_ERR_CALLBACK_FAILURE);
  return -1;
}

// wslay hands over a frame's header and its payload in two calls: both are gathered in `out` and
// written by flush() with one send(), so that a message is one segment and one wake-up for the
// server (two sends would make every server read twice).
ssize_t on_send(wslay_event_context_ptr context, const std::uint8_t* data, std::size_t length, int, void* user) {
  auto& c = *static_cast<Connection*>(user);
  if (c.out.size() - c.out_written >= kOutBound) {
    wslay_event_set_error(context, WSLAY_ERR_WOULDBLOCK);
    return -1;
  }
  c.out.append(reinterpret_cast<const char*>(data), length);
  return static_cast<ssize_t>(length);
}

// Frames what wslay has queued and writes it; false when the connection failed.
bool flush(Connection& c) {
  for (;;) {
    if (wslay_event_want_write(c.ws) && wslay_event_send(c.ws) != 0) return false;
    if (c.out_written == c.out.size()) break;
    const ssize_t n = ::send(c.fd, c.out.data() + c.out_written, c.out.size() - c.out_written, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    c.out_written += static_cast<std::size_t>(n);
    if (c.out_written == c.out.size()) {
      c.out.clear();
      c.out_written = 0;
      if (!wslay_event_want_write(c.ws)) break;
    }
  }
  return true;
}

bool wants_to_write(const Connection& c) { return c.out_written < c.out.size() || wslay_event_want_write(c.ws); }

// The masking key of each frame. RFC 6455 wants it unpredictable against proxies; on loopback a
// xorshift keeps OpenSSL's random generator out of what is measured (it is the same for both
// servers either way).
int on_genmask(wslay_event_context_ptr, std::uint8_t* buffer, std::size_t length, void*) {
  for (std::size_t i = 0; i < length; ++i) {
    mask_state ^= mask_state << 13;
    mask_state ^= mask_state >> 7;
    mask_state ^= mask_state << 17;
    buffer[i] = static_cast<std::uint8_t>(mask_state);
  }
  return 0;
}

void on_message(wslay_event_context_ptr, const wslay_event_on_msg_recv_arg* message, void* user);

// Connects to 127.0.0.1:port and performs the opening handshake (blocking), then leaves the socket
// non-blocking for the loop. Throws std::runtime_error when the server does not answer 101 with
// the right Sec-WebSocket-Accept.
std::unique_ptr<Connection> connect_websocket(int port, const std::string& path) {
  auto c = std::make_unique<Connection>();
  c->fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(c->fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw std::runtime_error("connect to port " + std::to_string(port) + ": " + std::strerror(errno));
  }
  const int yes = 1;
  ::setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  timeval wait{5, 0};
  ::setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  unsigned char nonce[16];
  RAND_bytes(nonce, sizeof nonce);
  const std::string key = base64(nonce, sizeof nonce);
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                              "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
                              "\r\nSec-WebSocket-Version: 13\r\n\r\n";
  if (::send(c->fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    throw std::runtime_error("the handshake request was not sent");
  }
  std::string head;
  std::size_t end = std::string::npos;
  while ((end = head.find("\r\n\r\n")) == std::string::npos) {
    char buffer[4096];
    const ssize_t n = ::recv(c->fd, buffer, sizeof buffer, 0);
    if (n <= 0) throw std::runtime_error("no answer to the handshake on " + path);
    head.append(buffer, static_cast<std::size_t>(n));
  }
  c->early = head.substr(end + 4);
  head.resize(end + 2);
  if (head.rfind("HTTP/1.1 101", 0) != 0) {
    throw std::runtime_error("the server answered " + head.substr(0, head.find('\r')) + " on " + path);
  }
  std::string lowered = head;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char ch) { return std::tolower(ch); });
  const std::size_t at = lowered.find("sec-websocket-accept:");
  const std::string expected = accept_for(key);
  if (at == std::string::npos || head.find(expected, at) == std::string::npos) {
    throw std::runtime_error("wrong Sec-WebSocket-Accept on " + path);
  }
  ::fcntl(c->fd, F_SETFL, ::fcntl(c->fd, F_GETFL) | O_NONBLOCK);
  const wslay_event_callbacks callbacks = {on_recv, on_send, on_genmask, nullptr, nullptr, nullptr, on_message};
  if (wslay_event_context_client_init(&c->ws, &callbacks, c.get()) != 0) throw std::runtime_error("wslay init");
  return c;
}

void queue_text(Connection& c, const std::string& text) {
  const wslay_event_msg message = {WSLAY_TEXT_FRAME, reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
  if (wslay_event_queue_msg(c.ws, &message) != 0) c.failed = true;
}

struct Tally {
  long messages = 0;
  long wrong = 0;  // a message that was not the one expected
  long failed_connections = 0;
  double seconds = 0;
  double per_second() const { return seconds > 0 ? messages / seconds : 0; }
};

// Drives its connections from one thread with epoll, so that a wake-up costs the connections
// that are ready, not all of them: the client's cost then follows the server's answers.
class ClientLoop {
 public:
  explicit ClientLoop(std::vector<std::unique_ptr<Connection>> connections)
      : connections_(std::move(connections)), epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
    for (auto& c : connections_) {
      c->loop = this;
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.ptr = c.get();
      if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, c->fd, &event) != 0) c->failed = true;
    }
  }
  ~ClientLoop() { ::close(epoll_); }
  ClientLoop(const ClientLoop&) = delete;
  ClientLoop& operator=(const ClientLoop&) = delete;

  // Each connection sends `per_connection` messages, one in flight at a time, and expects each back.
  Tally echo(long per_connection) {
    return run([&](Connection& c) {
      c.expected = per_connection;
      c.to_send = per_connection - 1;
      c.expect = &kEchoed;
      queue_text(c, kEchoed);
    });
  }

  // Each connection sends "push N" and expects N copies of kPushed.
  Tally push(long per_connection) {
    const std::string trigger = "push " + std::to_string(per_connection);
    return run([&](Connection& c) {
      c.expected = per_connection;
      c.to_send = 0;
      c.expect = &kPushed;
      queue_text(c, trigger);
    });
  }

  void received(Connection& c, const wslay_event_on_msg_recv_arg& message) {
    if (message.opcode == WSLAY_CONNECTION_CLOSE) {
      const std::string payload(reinterpret_cast<const char*>(message.msg), message.msg_length);
      std::cerr << "the server closed a connection: " << message.status_code << " "
                << (payload.size() > 2 ? payload.substr(2) : "") << "\n";
      return;
    }
    if (message.opcode != WSLAY_TEXT_FRAME && message.opcode != WSLAY_BINARY_FRAME) return;
    if (c.expected <= 0) {
      ++tally_.wrong;
      return;
    }
    if (message.msg_length != c.expect->size() || std::memcmp(message.msg, c.expect->data(), message.msg_length) != 0) {
      ++tally_.wrong;
    }
    ++tally_.messages;
    if (--c.expected == 0) --pending_;
    if (c.to_send > 0) {
      --c.to_send;
      queue_text(c, kEchoed);
    }
  }

 private:
  Tally run(const std::function<void(Connection&)>& start) {
    tally_ = Tally{};
    pending_ = 0;
    const auto begin = Clock::now();
    for (auto& c : connections_) {
      if (c->failed) continue;
      start(*c);
      ++pending_;
      write(*c);
    }
    epoll_event events[256];
    while (pending_ > 0) {
      const int ready = ::epoll_wait(epoll_, events, 256, static_cast<int>(kStall.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) {
        std::cerr << "no message for " << kStall.count() << " ms: " << pending_ << " connections given up\n";
        for (auto& c : connections_) {
          if (c->expected > 0) fail(*c);
        }
        break;
      }
      for (int i = 0; i < ready; ++i) {
        Connection& c = *static_cast<Connection*>(events[i].data.ptr);
        if (c.failed) continue;
        // After a close frame wslay reads no more: the connection is over for this bench.
        if ((events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0 &&
            (wslay_event_recv(c.ws) != 0 || wslay_event_get_read_enabled(c.ws) == 0)) {
          fail(c);
          continue;
        }
        write(c);
      }
    }
    tally_.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
    for (auto& c : connections_) tally_.failed_connections += c->failed;
    return tally_;
  }

  // Writes what is queued; watches for POLLOUT only while the socket holds some of it back.
  void write(Connection& c) {
    if (!wants_to_write(c)) return;
    if (!flush(c)) return fail(c);
    const bool waiting = wants_to_write(c);
    if (waiting == c.watching_out) return;
    c.watching_out = waiting;
    epoll_event event{};
    event.events = EPOLLIN | (waiting ? EPOLLOUT : 0u);
    event.data.ptr = &c;
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &event);
  }

  void fail(Connection& c) {
    if (c.failed) return;
    c.failed = true;
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
    if (c.expected > 0) --pending_;
    c.expected = 0;
  }

  std::vector<std::unique_ptr<Connection>> connections_;
  const int epoll_;
  Tally tally_;
  long pending_ = 0;
};

void on_message(wslay_event_context_ptr, const wslay_event_on_msg_recv_arg* message, void* user) {
  auto& c = *static_cast<Connection*>(user);
  c.loop->received(c, *message);
}

std::unique_ptr<ClientLoop> connect_all(int port, const std::string& path, int count) {
  std::vector<std::unique_ptr<Connection>> connections;
  for (int i = 0; i < count; ++i) connections.push_back(connect_websocket(port, path));
  return std::make_unique<ClientLoop>(std::move(connections));
}

// ---- the servers ----

// The mock: one stub per way of answering, each on its own path.
std::unique_ptr<mockhttp::MockServer> mock_server(const std::vector<long>& push_counts) {
  using namespace mockhttp;
  auto server = std::make_unique<MockServer>();
  server->when_requested_with(Request{}.path("/echo"))
      .respond_with_websocket(WebSocketScript{}.on_message(
          [](const WebSocketMessage& message, const RecordedRequest&) { return WebSocketReply(message); }));
  server->when_requested_with(Request{}.path("/echo-rule"))
      .respond_with_websocket(
          WebSocketScript{}.on_message(eq(kEchoed), WebSocketReply(WebSocketMessage::text(kEchoed))));
  WebSocketScript pushes;
  for (const long count : push_counts) {
    WebSocketReply reply;
    for (long i = 0; i < count; ++i) reply.send(WebSocketMessage::text(kPushed));
    pushes.on_message(eq("push " + std::to_string(count)), reply);
  }
  server->when_requested_with(Request{}.path("/push")).respond_with_websocket(pushes);
  // Pushed by the bench's thread: the "push N" messages are only journaled (unmatched: ignore).
  server->when_requested_with(Request{}.path("/pushed")).respond_with_websocket(WebSocketScript{});
  return server;
}

// Node with bench/websocket_node_server.mjs, until the bench ends (closing its stdin ends it).
class NodeServer {
 public:
  NodeServer() {
    const char* env_modules = std::getenv("MOCKHTTP_NODE_MODULES");
    const std::string modules = env_modules != nullptr ? env_modules : MOCKHTTP_BENCH_NODE_MODULES;
    const std::string script = std::string(MOCKHTTP_BENCH_DIR) + "/websocket_node_server.mjs";
    int to_node[2], from_node[2];
    if (::pipe2(to_node, O_CLOEXEC) != 0 || ::pipe2(from_node, O_CLOEXEC) != 0) {
      why_not_ = "no pipe";
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_node[0], 0);
    posix_spawn_file_actions_adddup2(&actions, from_node[1], 1);
    std::vector<std::string> arguments = {"node", script, modules, kPushed};
    std::vector<char*> argv;
    for (auto& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    const int spawned = posix_spawnp(&pid_, "node", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(to_node[0]);
    ::close(from_node[1]);
    stdin_ = to_node[1];
    if (spawned != 0) {
      ::close(from_node[0]);
      pid_ = -1;
      why_not_ = "node is not on PATH";
      return;
    }
    // Its first line: the port, or why it cannot serve. A Node that says nothing within the
    // stall bound is taken as absent rather than waited on forever.
    std::string line;
    char ch = 0;
    pollfd said{from_node[0], POLLIN, 0};
    while (::poll(&said, 1, static_cast<int>(kStall.count())) == 1 && ::read(from_node[0], &ch, 1) == 1 && ch != '\n') {
      line += ch;
    }
    ::close(from_node[0]);
    port_ = std::atoi(line.c_str());
    if (port_ <= 0)
      why_not_ = line.empty() ? "node printed no port" : line.substr(line.rfind("skipped: ", 0) == 0 ? 9 : 0);
  }
  ~NodeServer() {
    if (stdin_ >= 0) ::close(stdin_);
    if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
  }
  NodeServer(const NodeServer&) = delete;
  NodeServer& operator=(const NodeServer&) = delete;

  int port() const { return port_ > 0 ? port_ : 0; }
  const std::string& why_not() const { return why_not_; }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  int port_ = 0;
  std::string why_not_;
};

// ---- the measures ----

// One round of one side: the load's messages per second and its tally.
using Side = std::function<Tally()>;

struct Pair {
  double ratio = 0;  // median of the rounds' mock/Node
  double mock = 0;   // median messages per second
  double node = 0;
  long failed = 0;  // wrong messages and failed connections, both sides
};

Pair alternate(const std::string& name, const Side& mock, const Side& node) {
  Pair pair;
  std::vector<double> ratios, mocks, nodes;
  const auto bad = [](const Tally& t) { return t.wrong + t.failed_connections; };
  pair.failed += bad(mock());  // warm both: threads, allocators, Node's JIT
  if (node) pair.failed += bad(node());
  for (int round = 0; round < kRounds; ++round) {
    Tally m, n;
    if (round % 2 == 0 || !node) {
      m = mock();
      if (node) n = node();
    } else {
      n = node();
      m = mock();
    }
    std::cerr << name << ", round " << round + 1 << ": mock " << fixed(m.per_second(), 0) << "/s";
    if (node) std::cerr << ", node " << fixed(n.per_second(), 0) << "/s";
    std::cerr << "\n";
    pair.failed += bad(m) + bad(n);
    mocks.push_back(m.per_second());
    if (node) {
      nodes.push_back(n.per_second());
      if (n.per_second() > 0) ratios.push_back(m.per_second() / n.per_second());
    }
  }
  pair.ratio = median(ratios);
  pair.mock = median(mocks);
  pair.node = median(nodes);
  return pair;
}

// The bench's own thread pushing as a test does: for each connection, once its "push N" is
// journaled, N calls of WebSocketConnection::send.
Tally push_from_test(ClientLoop& client, std::vector<mockhttp::WebSocketConnection>& handles, long per_connection) {
  std::atomic<long> unsent{0};
  std::thread pusher([&] {
    const mockhttp::WebSocketMessage pushed = mockhttp::WebSocketMessage::text(kPushed);
    for (auto& handle : handles) {
      if (!handle.wait_for_message(mockhttp::eq("push " + std::to_string(per_connection)), kStall)) {
        unsent += per_connection;
        continue;
      }
      try {
        for (long i = 0; i < per_connection; ++i) handle.send(pushed);
      } catch (const mockhttp::WebSocketError& e) {
        std::cerr << "push: " << e.what() << "\n";
        unsent += per_connection;
      }
    }
  });
  Tally tally = client.push(per_connection);
  pusher.join();
  tally.wrong += unsent;
  return tally;
}

struct Row {
  std::string what;
  Pair pair;
  const char* unit;
};

void print(const std::vector<Row>& rows, bool with_node, const std::string& why_no_node) {
  std::cout << "| measure (" << kRounds << " paired rounds, medians) | mockhttp vs Node ws | ratio | target |\n"
            << "| --- | --- | --- | --- |\n";
  for (const Row& row : rows) {
    std::cout << "| " << row.what << " | " << fixed(row.pair.mock, 0) << " " << row.unit;
    if (with_node) {
      std::cout << " vs " << fixed(row.pair.node, 0) << " " << row.unit << " | " << fixed(row.pair.ratio)
                << "x | >= 1.0x |\n";
    } else {
      std::cout << " | - | >= 1.0x |\n";
    }
  }
  if (!with_node) std::cout << "Node baseline skipped: " << why_no_node << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  const long round_trips = argc > 1 ? std::atol(argv[1]) : 20000;
  const std::string only = argc > 2 ? argv[2] : "";  // "mock" or "node": one side alone, for a profiler
  const std::string only_load = argc > 3 ? argv[3] : "";
  const int only_connections = argc > 4 ? std::atoi(argv[4]) : 0;
  if (round_trips <= 0 || (!only.empty() && only != "mock" && only != "node")) {
    std::cerr << "usage: websocket_bench [round trips per round] [mock|node [echo|echo-rule|push|pushed] [1|100]]\n";
    return 2;
  }
  const long pushes = round_trips * kPushFactor;
  std::vector<long> push_counts;
  for (const int connections : kConnectionCounts) push_counts.push_back(pushes / connections);

  const auto mock = mock_server(push_counts);
  std::optional<NodeServer> node;  // not started when the mock runs alone
  if (only != "mock") node.emplace();
  const bool with_node = node && node->port() != 0;
  if (only == "node" && !with_node) {
    std::cerr << "Node baseline skipped: " << node->why_not() << "\n";
    return 1;
  }

  enum class Load { echo, push };
  struct Measure {
    const char* key;
    Load load;
    const char* path;
    std::string how;
  };
  std::vector<Row> rows;
  long failed = 0;
  for (const int connections : kConnectionCounts) {
    if (only_connections != 0 && connections != only_connections) continue;
    const long echo_each = round_trips / connections;
    const long push_each = pushes / connections;
    const std::string over =
        std::to_string(connections) + (connections == 1 ? " connection" : " connections, one client thread");
    const std::vector<Measure> measures = {
        {"echo", Load::echo, "/echo", "echo round trips/s, " + over + ", the stub echoing with a responder"},
        {"echo-rule", Load::echo, "/echo-rule", "echo round trips/s, " + over + ", the stub echoing with a reply rule"},
        {"push", Load::push, "/push",
         "pushed messages/s, " + over + ", one reply of " + std::to_string(push_each) + " messages a connection"},
        {"pushed", Load::push, "/pushed",
         "pushed messages/s, " + over + ", WebSocketConnection::send " + std::to_string(push_each) +
             " times a connection from the test's thread"},
    };
    // One set of Node connections serves every measure of this count.
    std::unique_ptr<ClientLoop> node_client;
    if (with_node) node_client = connect_all(node->port(), "/", connections);
    for (const Measure& measure : measures) {
      if (!only_load.empty() && only_load != measure.key) continue;
      const bool pushed_by_test = std::string(measure.path) == "/pushed";
      const auto mock_client = connect_all(mock->port(), measure.path, only == "node" ? 0 : connections);
      // The newest are this set's (oldest first; an earlier set's may not be noticed closed yet).
      auto handles = mock->websockets(mockhttp::Request{}.path(measure.path));
      handles.erase(handles.begin(), handles.end() - std::min<std::ptrdiff_t>(connections, handles.size()));
      Side mock_side = [&] {
        if (measure.load == Load::echo) return mock_client->echo(echo_each);
        if (pushed_by_test) return push_from_test(*mock_client, handles, push_each);
        return mock_client->push(push_each);
      };
      Side node_side;
      if (node_client) {
        node_side = [&] {
          return measure.load == Load::echo ? node_client->echo(echo_each) : node_client->push(push_each);
        };
      }
      if (!only.empty()) {
        const Side& side = only == "mock" ? mock_side : node_side;
        for (int round = 0; round < 10; ++round) {
          std::cout << measure.how << ": " << fixed(side().per_second(), 0) << std::endl;
          mock->clear_requests();  // the journal would grow round after round
        }
        continue;
      }
      // Each row starts from an empty journal, so that no row pays for the ones before it (the
      // journal keeps every message; past journal_max_bytes it drops the oldest).
      mock->clear_requests();
      const Pair pair = alternate(measure.how, mock_side, node_side);
      failed += pair.failed;
      rows.push_back({measure.how, pair, measure.load == Load::echo ? "round trips/s" : "messages/s"});
      // The client's sockets close here; the mock's connections end as a network failure would.
    }
  }
  if (!only.empty()) return 0;
  print(rows, with_node, node ? node->why_not() : "");
  if (failed > 0) std::cout << failed << " messages or connections failed: the figures above are not comparable\n";
  return failed == 0 ? 0 : 1;
}
