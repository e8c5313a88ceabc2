// A user's test: a stub, a call through libcurl-free cpp-httplib, a verification, the HTTP
// admin API turned on — everything a consumer links through mockhttp's package.
#include <httplib.h>

#include <mockhttp/control.hpp>
#include <mockhttp/gtest.hpp>

using namespace mockhttp;

TEST(Consumer, StubsAnswerAndVerificationCounts) {
  ServerOptions options;
  options.control_surfaces = {admin_api()};
  MockServer server(options);
  server.when_requested_with(Request{}.method("GET").path("/users/{id}")).respond_with_json(200, {{"name", "Ada"}});
  httplib::Client client(server.host(), server.port());
  const auto answer = client.Get("/users/7");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_THAT(server, Received(Request{}.path("/users/7")).Times(1));
  EXPECT_EQ(client.Get("/__mock__")->status, 200) << "the control library is linked too";
}
