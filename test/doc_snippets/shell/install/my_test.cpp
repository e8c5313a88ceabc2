// The my_test.cpp of docs/install.md's pkg-config lines: a user's test against the installed
// package (a stub, a real call, a verification), built by test/doc_shell_blocks_test.py.
#include <httplib.h>

#include <mockhttp/gtest.hpp>

using namespace mockhttp;

TEST(Installed, AStubAnswersAndTheCallIsCounted) {
  MockServer server;
  server.when_requested_with(Request{}.path("/hello")).respond_with(200);
  httplib::Client client(server.host(), server.port());
  const auto answer = client.Get("/hello");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_THAT(server, Received(Request{}.path("/hello")).Times(1));
}
