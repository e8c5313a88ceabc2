// One connection, several requests: the listener keeps one buffered stream per connection, so
// requests a client pipelines in one write are all answered, in order, and a request sent whole
// before the client's half-close is answered before the connection ends.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <mockhttp/mockhttp.hpp>

#include "support/raw_http.hpp"

using namespace mockhttp;

namespace connection_reuse {

// The status lines and bodies of every answer in `answers`, in the order they came.
std::vector<std::string> bodies_of(const std::string& answers) {
  std::vector<std::string> bodies;
  std::size_t at = 0;
  while ((at = answers.find("HTTP/1.1 ", at)) != std::string::npos) {
    const std::size_t length_at = answers.find("Content-Length: ", at);
    const std::size_t head_end = answers.find("\r\n\r\n", at);
    if (length_at == std::string::npos || head_end == std::string::npos) break;
    const std::size_t length = std::stoul(answers.substr(length_at + 16));
    bodies.push_back(answers.substr(head_end + 4, length));
    at = head_end + 4 + length;
  }
  return bodies;
}

TEST(ConnectionReuse, ThreeRequestsInOneWriteGetThreeAnswersInOrder) {
  MockServer server;
  for (const char* name : {"one", "two", "three"}) {
    server.when_requested_with(Request{}.path(std::string("/") + name)).respond_with(200, name);
  }
  const std::string pipelined =
      "GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
      "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const std::string answers = test::raw_exchange(server.port(), pipelined);
  EXPECT_EQ(bodies_of(answers), (std::vector<std::string>{"one", "two", "three"})) << answers;
  const auto journal = server.requests();
  ASSERT_EQ(journal.size(), 3u);
  EXPECT_EQ(journal[1].body, "hello");
}

TEST(ConnectionReuse, ARequestSentWholeBeforeAHalfCloseIsAnswered) {
  MockServer server;
  server.when_requested_with(Request{}.path("/last-words")).respond_with(200, "heard");
  const std::string answer =
      test::raw_exchange_then_half_close(server.port(), "GET /last-words HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(test::first_status(answer), 200) << answer;
  EXPECT_EQ(bodies_of(answer), std::vector<std::string>{"heard"});
}

TEST(ConnectionReuse, PipelinedRequestsThenAHalfCloseAreAllAnswered) {
  MockServer server;
  server.when_requested_with(Request{}.path("/a")).respond_with(200, "a");
  server.when_requested_with(Request{}.path("/b")).respond_with(200, "b");
  const std::string answers = test::raw_exchange_then_half_close(
      server.port(), "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(bodies_of(answers), (std::vector<std::string>{"a", "b"})) << answers;
}

}  // namespace connection_reuse
