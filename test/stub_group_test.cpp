// Stub sessions: the stubs a session mounted go when it ends, in a scope or globally.
#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

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

// What a MockServer and a Scope offer, a group offers too (StubsAndVerification), with the
// group's reach: the requests of its scope, or of no scope for a group opened from the server.
TEST_F(StubGroups, AGroupWaitsForRequestsFromAnotherThread) {
  StubGroup group = server.new_group();
  group.when_requested_with(Request{}.path("/async")).respond_with(202);
  std::thread caller([this] {
    httplib::Client other(server.host(), server.port());
    for (int i = 0; i < 2; ++i) (void)other.Get("/async");
  });
  const Verification verification = group.wait_for(Request{}.path("/async"), 2, std::chrono::seconds(30));
  caller.join();
  EXPECT_TRUE(verification) << verification;
  EXPECT_EQ(verification.matching_requests(), 2u);
}

TEST_F(StubGroups, AGroupInAScopeWaitsOnlyForTheScopesRequests) {
  Scope scope = server.new_scope("waiting_group");
  StubGroup group = scope.new_group();
  ASSERT_EQ(client.Get("/unscoped")->status, 404);
  const Verification verification = group.wait_for(Request{}.path("/unscoped"), 1, std::chrono::milliseconds(0));
  EXPECT_FALSE(verification) << "a global request is not the scope's";
  EXPECT_EQ(verification.matching_requests(), 0u);
}

TEST_F(StubGroups, AGroupConfirmsASequenceInItsScope) {
  Scope scope = server.new_scope("ordered_group");
  StubGroup group = scope.new_group();
  group.when_requested_with(Request{}.path("/first")).respond_with(200);
  group.when_requested_with(Request{}.path("/second")).respond_with(200);
  ASSERT_EQ(client.Get("/second")->status, 404);  // global: not in the group's view
  ASSERT_EQ(client.Get("/first", {{"ordered_group", "1"}})->status, 200);
  ASSERT_EQ(client.Get("/second", {{"ordered_group", "1"}})->status, 200);
  EXPECT_TRUE(group.confirm_sequence({Request{}.path("/first"), Request{}.path("/second")}));
  const Verification reversed = group.confirm_sequence({Request{}.path("/second"), Request{}.path("/first")});
  EXPECT_FALSE(reversed) << "the global /second came first, but it is not the scope's";
  EXPECT_NE(reversed.report().find("/first"), std::string::npos) << reversed;
}

TEST_F(StubGroups, AGroupListsTheRequestsOfItsScopeAndItsOwnStubs) {
  server.when_requested_with(Request{}.path("/global")).respond_with(200);
  Scope scope = server.new_scope("listing_group");
  scope.when_requested_with(Request{}.path("/scope-only")).respond_with(200);
  StubGroup group = scope.new_group();
  group.when_requested_with(Request{}.path("/mine")).respond_with(200);
  ASSERT_EQ(client.Get("/global")->status, 200);
  ASSERT_EQ(client.Get("/mine", {{"listing_group", "1"}})->status, 200);
  const std::vector<RecordedRequest> requests = group.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/mine");
  EXPECT_EQ(requests[0].scope, "listing_group");
  const std::vector<StubInfo> stubs = group.stubs();
  ASSERT_EQ(stubs.size(), 1u) << "the group's own stubs, not its scope's";
  EXPECT_EQ(stubs[0].definition.request.to_json()["path"], "/mine");
  EXPECT_EQ(stubs[0].id, group.stub_ids().at(0));
}

TEST_F(StubGroups, AServersGroupListsRequestsInNoScope) {
  Scope scope = server.new_scope("elsewhere");
  StubGroup group = server.new_group();
  ASSERT_EQ(client.Get("/plain")->status, 404);
  ASSERT_EQ(client.Get("/scoped", {{"elsewhere", "1"}})->status, 404);
  const std::vector<RecordedRequest> requests = group.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/plain");
  EXPECT_EQ(server.requests().size(), 2u) << "the server lists every request";
}

}  // namespace
