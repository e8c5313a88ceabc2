// Connections never starve each other: every accepted connection gets a thread at once, idle
// keep-alive ones included, and past ServerOptions::max_connections a new one is answered 503
// and closed — never a silent wait. Raw sockets hold the connections open.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <vector>

#include <mockhttp/mockhttp.hpp>

#include "support/curl_client.hpp"

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
  for (int attempt = 0; attempt < 100 && again.status != 200; ++attempt) again = curl_request("GET", server.url() + "/x");
  EXPECT_EQ(again.status, 200);
}

}  // namespace connections
