// A suite-wide (static) server whose expectation fails must fail the run: the binary's exit
// status is what ctest and CI read. Run by test/CMakeLists.txt twice: as is (the expectation is
// unmet: exit status 1, the report at the mounting line) and with MOCKHTTP_MEET_IT=1 (exit 0).
#include <cstdlib>

#include <mockhttp/gtest.hpp>

#include "support/curl_client.hpp"

namespace {

mockhttp::MockServer& suite_server() {
  static mockhttp::MockServer server;  // ends after main() returns, as a suite-wide server does
  return server;
}

TEST(StaticServer, MountsAStubThatExpectsOneCall) {
  suite_server().when_requested_with(mockhttp::Request{}.path("/charge")).expect(1).respond_with(200);
  if (std::getenv("MOCKHTTP_MEET_IT") != nullptr) {
    EXPECT_EQ(mockhttp::test::curl_request("GET", suite_server().url() + "/charge").status, 200);
  }
}

}  // namespace
