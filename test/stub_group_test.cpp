// Stub sessions: the stubs a session mounted go when it ends, in a scope or globally.
#include <gtest/gtest.h>
#include <httplib.h>

#include <mockhttp/mockhttp.hpp>

using namespace mockhttp;

namespace {

class StubGroups : public ::testing::Test {
 protected:
  MockServer server;
  httplib::Client client{server.host(), server.port()};
};

TEST_F(StubGroups, StubsMountedThroughASessionAreRemovedWhenItEnds) {
  server.when_requested_with(Request{}.path("/kept")).respond_with(200, "kept");
  {
    StubGroup session = server.new_group();
    session.when_requested_with(Request{}.path("/temporary")).respond_with(200, "temporary");
    StubDefinition definition;
    definition.request.path("/added");
    session.add_stub(definition);
    EXPECT_EQ(session.stub_ids().size(), 2u);
    EXPECT_EQ(client.Get("/temporary")->body, "temporary");
    EXPECT_EQ(server.stubs().size(), 3u);
    EXPECT_TRUE(session.confirm_request(Request{}.path("/temporary"), 1));
  }
  EXPECT_EQ(client.Get("/temporary")->status, 404);
  EXPECT_EQ(client.Get("/kept")->body, "kept");
  ASSERT_EQ(server.stubs().size(), 1u);
  EXPECT_TRUE(server.confirm_request(Request{}.path("/temporary"), 2)) << "the journal is not the session's";
}

TEST_F(StubGroups, CloseIsExplicitIdempotentAndCountsWhatItRemoved) {
  StubGroup session = server.new_group();
  auto stub = session.when_requested_with(Request{}.path("/a")).respond_with(200);
  session.when_requested_with(Request{}.path("/b")).respond_with(200);
  stub.remove();  // removed by hand first
  EXPECT_EQ(session.close(), 1u);
  EXPECT_EQ(session.close(), 0u);
  EXPECT_TRUE(server.stubs().empty());
  try {
    session.when_requested_with(Request{}.path("/late")).respond_with(200);
    FAIL();
  } catch (const StubError& e) {
    EXPECT_STREQ(e.what(), "the stub group was closed; open a new one to add stubs");
  }
  EXPECT_TRUE(server.stubs().empty());
}

TEST_F(StubGroups, ASessionInAScopeMountsScopedStubsAndVerifiesInTheScope) {
  Scope scope = server.new_scope("with_session");
  scope.when_requested_with(Request{}.path("/scope-stub")).respond_with(200, "scope");
  {
    StubGroup session = scope.new_group();
    session.when_requested_with(Request{}.path("/session-stub")).respond_with(200, "session");
    EXPECT_EQ(client.Get("/session-stub", {{"with_session", "1"}})->body, "session");
    EXPECT_EQ(client.Get("/session-stub")->status, 404) << "scoped, not global";
    ASSERT_EQ(scope.stubs().size(), 2u);
    EXPECT_EQ(scope.stubs()[1].scope, "with_session");
    EXPECT_TRUE(session.confirm_request(Request{}.path("/session-stub"), 1));
  }
  // Unlike the Python client, the session removes its scoped stubs cleanly.
  ASSERT_EQ(scope.stubs().size(), 1u);
  EXPECT_EQ(scope.stubs()[0].definition.request.to_json()["path"], "/scope-stub");
}

TEST_F(StubGroups, ASessionOutlivingItsScopeClosesQuietly) {
  auto scope = std::make_unique<Scope>(server.new_scope("brief"));
  StubGroup session = scope->new_group();
  session.when_requested_with(Request{}.path("/x")).respond_with(200);
  scope.reset();  // takes the session's stub with it
  EXPECT_EQ(session.close(), 0u);
  EXPECT_TRUE(server.stubs().empty());
}

TEST_F(StubGroups, AMovedSessionKeepsOwnershipOfItsStubs) {
  StubGroup outer = server.new_group();
  {
    StubGroup inner = server.new_group();
    inner.when_requested_with(Request{}.path("/moved")).respond_with(200);
    outer = std::move(inner);
  }
  EXPECT_EQ(server.stubs().size(), 1u) << "the moved-from session owns nothing";
  outer.close();
  EXPECT_TRUE(server.stubs().empty());
}

}  // namespace
