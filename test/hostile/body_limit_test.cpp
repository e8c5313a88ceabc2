// max_body_bytes holds for every framing and encoding: cpp-httplib 0.11 checked Content-Length
// only, so a chunked body (10 MiB answered 200 under a 1 MiB limit) and a gzip body inflating
// to 1 GiB went through whole. The limit now holds on the bytes as received and as decoded.
#include <gtest/gtest.h>
#include <zlib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <string>

#include <mockhttp/control.hpp>
#include <mockhttp/mockhttp.hpp>

#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;
using mockhttp::test::curl_request;

namespace body_limit {

// Sends the head, then `body` in pieces as long as the server reads, then reads the answer. The
// server may stop reading and answer early: that is what a bounded read looks like.
std::string send_streamed(int port, const std::string& head, const std::string& body) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval patience{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &patience, sizeof patience);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return "";
  }
  const std::string all = head + body;
  std::size_t sent = 0;
  while (sent < all.size()) {
    const auto n = ::send(fd, all.data() + sent, std::min<std::size_t>(all.size() - sent, 65536), MSG_NOSIGNAL);
    if (n <= 0) break;  // the server closed after its answer
    sent += static_cast<std::size_t>(n);
  }
  // No shutdown(SHUT_WR): cpp-httplib 0.11 leaves a request unanswered once the client's FIN
  // has arrived (issue 26); the answers here close the connection instead.
  std::string answer;
  char buffer[65536];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  return answer;
}

std::string chunked(const std::string& data, std::size_t piece) {
  std::string out;
  char size[32];
  for (std::size_t at = 0; at < data.size(); at += piece) {
    const std::size_t n = std::min(piece, data.size() - at);
    std::snprintf(size, sizeof size, "%zx\r\n", n);
    out += size;
    out.append(data, at, n);
    out += "\r\n";
  }
  return out + "0\r\n\r\n";
}

std::string gzipped(const std::string& data) {
  z_stream stream{};
  deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

ServerOptions limited(std::size_t bytes) {
  ServerOptions options;
  options.max_body_bytes = bytes;
  options.control_surfaces = all_control_surfaces();
  return options;
}

TEST(BodyLimit, AChunkedBodyPastTheLimitIsA413AndIsNotKept) {
  MockServer server(limited(1u << 20));
  (void)server.when_requested_with(Request{}.path("/up")).respond_with(200, "taken");
  const std::string answer = send_streamed(server.port(),
                                           "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                           "Content-Type: text/plain\r\n\r\n",
                                           chunked(std::string(20u << 20, 'c'), 64 * 1024));
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer.substr(0, 300);
  EXPECT_NE(answer.find("PAYLOAD_TOO_LARGE"), std::string::npos) << answer.substr(0, 300);
  EXPECT_NE(answer.find("the body runs past the limit (chunked)"), std::string::npos) << answer.substr(0, 500);
  EXPECT_TRUE(server.requests().empty()) << "nothing of it is journaled";
  EXPECT_EQ(curl_request("GET", server.url() + "/still").status, 404) << "and the server serves on";
}

TEST(BodyLimit, AChunkedBodyUnderTheLimitIsReadWhole) {
  MockServer server(limited(1u << 20));
  (void)server.when_requested_with(Request{}.path("/up").body("x" + std::string(500000, 'y')))
      .respond_with(200, "taken");
  const std::string answer = send_streamed(
      server.port(), "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
      chunked("x" + std::string(500000, 'y'), 4096));
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer.substr(0, 300);
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].body.size(), 500001u);
}

TEST(BodyLimit, AGzipBombIsStoppedAtTheLimitOfTheDecodedBytes) {
  MockServer server(limited(1u << 20));
  const std::string bomb = gzipped(std::string(64u << 20, '\0'));  // 64 MiB of zeros in ~64 KiB
  ASSERT_LT(bomb.size(), 1u << 20) << "the compressed body itself is under the limit";
  const std::string answer = send_streamed(
      server.port(),
      "POST /bomb HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: " + std::to_string(bomb.size()) +
          "\r\n\r\n",
      bomb);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer.substr(0, 300);
  EXPECT_NE(answer.find("inflates past the limit"), std::string::npos) << answer.substr(0, 500);
  EXPECT_TRUE(server.requests().empty());
}

TEST(BodyLimit, TheControlSurfacesAreBoundedToo) {
  MockServer server(limited(64 * 1024));
  const std::string answer =
      send_streamed(server.port(),
                    "POST /__mock__/stubs HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                    "Content-Type: application/json\r\n\r\n",
                    chunked("[" + std::string(1u << 20, ' ') + "]", 8192));
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer.substr(0, 300);
  const std::string small =
      gzipped(R"({"request": {"path": "/z"}, "action": {"response": {"status_code": 200, "body": "zipped"}}})");
  const std::string mounted =
      send_streamed(server.port(),
                    "POST /__mock__/stubs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Encoding: gzip\r\n"
                    "Content-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                        std::to_string(small.size()) + "\r\n\r\n",
                    small);
  EXPECT_EQ(mounted.rfind("HTTP/1.1 200", 0), 0u)
      << "a gzip body under the limit is inflated and read: " << mounted.substr(0, 300);
  EXPECT_EQ(curl_request("GET", server.url() + "/z").body, "zipped");
}

}  // namespace body_limit
