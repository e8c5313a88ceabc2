// Connections never starve each other: every accepted connection gets a thread at once, idle
// keep-alive ones included, and past ServerOptions::max_connections a new one is answered 503
// and closed — never a silent wait. Raw sockets hold the connections open.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <dirent.h>
#include <poll.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include <mockhttp/mockhttp.hpp>

#include "support/curl_client.hpp"
#include "support/raw_http.hpp"
#include "transport/http_listener.hpp"

using namespace mockhttp;
using mockhttp::test::curl_request;

namespace connections {

// An open TCP connection that has sent nothing: it holds a server thread, as an idle
// keep-alive client or a slow one does.
class HeldConnection {
 public:
  explicit HeldConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~HeldConnection() { ::close(fd_); }
  HeldConnection(const HeldConnection&) = delete;
  HeldConnection& operator=(const HeldConnection&) = delete;
  bool connected() const { return connected_; }

 private:
  int fd_;
  bool connected_ = false;
};

TEST(Connections, TwoHundredIdleConnectionsDoNotKeepANewClientWaiting) {
  MockServer server;
  server.when_requested_with(Request{}.path("/fresh")).respond_with(200, "served");
  std::vector<std::unique_ptr<HeldConnection>> held;
  for (int i = 0; i < 200; ++i) {
    held.push_back(std::make_unique<HeldConnection>(server.port()));
    ASSERT_TRUE(held.back()->connected());
  }
  const auto fresh = curl_request("GET", server.url() + "/fresh");
  EXPECT_EQ(fresh.status, 200);
  EXPECT_EQ(fresh.body, "served");
}

TEST(Connections, PastMaxConnectionsANewOneIsAnswered503AndLogged) {
  auto log = std::make_shared<std::vector<std::string>>();
  auto log_mutex = std::make_shared<std::mutex>();
  ServerOptions options;
  options.max_connections = 4;
  options.request_log = [log, log_mutex](const std::string& line) {
    std::lock_guard<std::mutex> lock(*log_mutex);
    log->push_back(line);
  };
  MockServer server(options);
  server.when_requested_with(Request{}.path("/x")).respond_with(200, "ok");
  std::vector<std::unique_ptr<HeldConnection>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<HeldConnection>(server.port()));
    ASSERT_TRUE(held.back()->connected());
  }
  // Connections are accepted in the order they arrived: the four hold every thread the bound
  // allows, so the fifth is over it.
  const auto over = curl_request("GET", server.url() + "/x");
  EXPECT_EQ(over.status, 503);
  EXPECT_NE(over.body.find("ServerOptions::max_connections"), std::string::npos) << over.body;
  EXPECT_TRUE(server.requests().empty()) << "the refused request reached no stub";
  {
    std::lock_guard<std::mutex> lock(*log_mutex);
    bool logged = false;
    for (const auto& line : *log) logged = logged || line.find("max_connections (4)") != std::string::npos;
    EXPECT_TRUE(logged);
  }
  held.clear();
  // Once connections close, new ones are served again (the server notices the closes at once).
  test::CurlResult again;
  for (int attempt = 0; attempt < 100 && again.status != 200; ++attempt)
    again = curl_request("GET", server.url() + "/x");
  EXPECT_EQ(again.status, 200);
}

// Issue 25, point 12: clients dripping a request head a byte at a time held every connection
// thread for as long as they dripped (cpp-httplib bounds each read, not the head), and locked
// every new client out with 503; over max_connections each still took a thread.

int open_connection(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Reads what has arrived without waiting; false once the server has closed the connection.
bool collect_answer(int fd, std::string& answer) {
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n > 0) {
      answer.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
}

// Clients that send a request head one byte every 200 ms and never finish it, until the
// server closes them or they are told to stop.
class Drippers {
 public:
  Drippers(int port, int count) {
    for (int i = 0; i < count; ++i) clients_.push_back({open_connection(port), {}, false});
    thread_ = std::thread([this] { drip(); });
  }
  ~Drippers() {
    stop_.store(true);
    thread_.join();
    for (const Client& client : clients_) ::close(client.fd);
  }
  // True once the server closed every one of them; `answers` holds what each was sent.
  bool all_closed(std::vector<std::string>& answers) {
    std::lock_guard<std::mutex> lock(mutex_);
    answers.clear();
    bool all = true;
    for (const Client& client : clients_) {
      answers.push_back(client.answer);
      all = all && client.closed;
    }
    return all;
  }

 private:
  struct Client {
    int fd;
    std::string answer;
    bool closed;
  };
  void drip() {
    const std::string head = "GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(4000, 'a');
    for (std::size_t at = 0; !stop_.load(); at = (at + 1) % head.size()) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        for (Client& client : clients_) {
          if (client.closed) continue;
          // What the server sent is read before the next byte goes out, so it is not lost to
          // the reset a send after its close provokes.
          if (client.fd < 0 || !collect_answer(client.fd, client.answer) ||
              ::send(client.fd, &head[at], 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
            client.closed = true;
          }
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  std::mutex mutex_;
  std::vector<Client> clients_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(Connections, HeadsDrippedPastTheirDeadlineAreCutAndNewClientsAreServedAgain) {
  detail::RequestLimits limits;
  limits.max_body_bytes = 1u << 20;
  limits.max_header_count = 100;
  limits.request_head_timeout = std::chrono::seconds(1);
  detail::HttpListener::Hooks hooks;
  hooks.handle = [](RecordedRequest) {
    detail::DeliveryPlan answer;
    answer.body = "served";
    return answer;
  };
  hooks.pause = [](std::chrono::milliseconds) { return true; };
  detail::HttpListener listener("127.0.0.1", 0, 20, limits, hooks);
  Drippers drippers(listener.port(), 50);
  // The drippers hold the 20 connections the bound allows; the other 30 are refused at once.
  // Once the head deadline cuts the 20, a new client is served while the drip goes on.
  int status = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (status != 200 && std::chrono::steady_clock::now() < give_up) {
    status = test::first_status(
        test::raw_exchange(listener.port(), "GET /fresh HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                           std::chrono::milliseconds(1000)));
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  EXPECT_EQ(status, 200) << "a new client is served although 50 clients still drip heads";
  std::vector<std::string> answers;
  for (int tick = 0; tick < 100 && !drippers.all_closed(answers); ++tick)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(drippers.all_closed(answers)) << "every dripping connection is closed by the server";
  int timed_out = 0, refused = 0;
  for (const std::string& answer : answers) {
    const int first = test::first_status(answer);
    timed_out += first == 408;
    refused += first == 503;
    EXPECT_TRUE(first == 408 || first == 503) << answer;
    if (first == 408) {
      EXPECT_NE(answer.find("REQUEST_HEAD_TIMEOUT"), std::string::npos) << answer;
    }
  }
  EXPECT_GT(timed_out, 0);
  EXPECT_GT(refused, 0);
}

std::size_t threads_of_this_process() {
  std::size_t count = 0;
  if (DIR* tasks = ::opendir("/proc/self/task")) {
    while (const dirent* entry = ::readdir(tasks)) count += entry->d_name[0] != '.';
    ::closedir(tasks);
  }
  return count;
}

TEST(Connections, OverMaxConnectionsEachIsAnswered503WithoutReadingAndWithoutAThread) {
  ServerOptions options;
  options.max_connections = 4;
  MockServer server(options);
  const std::size_t threads_before = threads_of_this_process();
  std::vector<std::unique_ptr<HeldConnection>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<HeldConnection>(server.port()));
    ASSERT_TRUE(held.back()->connected());
  }
  // 100 more that send nothing at all: each is answered 503 and closed without the server
  // waiting for a request, and none of them costs a thread.
  std::vector<int> over;
  for (int i = 0; i < 100; ++i) over.push_back(open_connection(server.port()));
  std::size_t most_threads = 0;
  int refused = 0;
  for (const int fd : over) {
    ASSERT_GE(fd, 0);
    pollfd entry{fd, POLLIN, 0};
    std::string answer;
    // Silence past 3 s means the server waits for a request it should not read.
    while (::poll(&entry, 1, 3000) > 0 && collect_answer(fd, answer)) {}
    refused += test::first_status(answer) == 503;
    EXPECT_NE(answer.find("MOCKHTTP_OVER_CAPACITY"), std::string::npos) << answer;
    most_threads = std::max(most_threads, threads_of_this_process());
    ::close(fd);
  }
  EXPECT_EQ(refused, 100);
  // The four held connections have a thread each; a few more may be starting or retiring.
  EXPECT_LE(most_threads, threads_before + 4 + 3);
  held.clear();
  test::CurlResult again;
  for (int attempt = 0; attempt < 100 && again.status != 404; ++attempt)
    again = curl_request("GET", server.url() + "/x");
  EXPECT_EQ(again.status, 404) << "once connections close, new ones are served";
}

}  // namespace connections
