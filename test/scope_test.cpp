// Scopes over real sockets: header-keyed isolation, fallback to global stubs, collisions,
// deletion with everything a scope made, parallel tests sharing one server.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>
#include <vector>

#include <mockhttp/mockhttp.hpp>

#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;
using mockhttp::test::curl_request;

namespace {

class Scopes : public ::testing::Test {
 protected:
  MockServer server;
  httplib::Client client{server.host(), server.port()};

  httplib::Result get_in(const Scope& scope, const std::string& path) {
    return client.Get(path, {{scope.header().first, scope.header().second}});
  }
};

TEST_F(Scopes, ARequestCarryingTheScopeHeaderIsAnsweredByTheScopesStub) {
  Scope scope = server.new_scope("Payment-Suite");
  EXPECT_EQ(scope.name(), "payment-suite");
  EXPECT_EQ(scope.header(), (std::pair<std::string, std::string>{"payment-suite", "1"}));
  scope.when_requested_with(Request{}.method("POST").path("/payment")).respond_with_json(200, {{"status", "accepted"}});

  // Any value, any case of the header name.
  auto scoped = client.Post("/payment", {{"PAYMENT-SUITE", "whatever"}}, R"({"amount": 42})", "application/json");
  ASSERT_TRUE(scoped);
  EXPECT_EQ(scoped->status, 200);
  EXPECT_EQ(Json::parse(scoped->body)["status"], "accepted");

  // Without the header the scope's stub is invisible.
  auto global = client.Post("/payment", R"({"amount": 42})", "application/json");
  EXPECT_EQ(global->status, 404);

  EXPECT_TRUE(scope.confirm_request(Request{}.path("/payment").method("POST"), 1));
  EXPECT_TRUE(server.confirm_request(Request{}.path("/payment").method("POST"), 1)) << "only the unscoped one";
  const auto journal = server.requests();
  ASSERT_EQ(journal.size(), 2u);
  EXPECT_EQ(journal[0].scope, "payment-suite");
  EXPECT_EQ(journal[1].scope, std::nullopt);
  EXPECT_EQ(journal[0].to_json()["scope"], "payment-suite");
  EXPECT_EQ(journal[1].to_json()["scope"], nullptr);
  ASSERT_EQ(scope.requests().size(), 1u);
  EXPECT_EQ(scope.requests()[0].path, "/payment");
}

TEST_F(Scopes, AScopedRequestThatNoScopedStubMatchesFallsBackToGlobalStubs) {
  Scope scope = server.new_scope("team_a");
  server.when_requested_with(Request{}.path("/shared")).respond_with(200, "global");
  server.when_requested_with(Request{}.path("/overridden")).respond_with(200, "global");
  scope.when_requested_with(Request{}.path("/overridden")).respond_with(200, "scoped");

  EXPECT_EQ(get_in(scope, "/shared")->body, "global");
  EXPECT_EQ(get_in(scope, "/overridden")->body, "scoped") << "a scoped stub wins a tie on fields";
  EXPECT_EQ(client.Get("/overridden")->body, "global");
  const auto journal = scope.requests();
  ASSERT_EQ(journal.size(), 2u);
  EXPECT_EQ(journal[0].scope, "team_a") << "answered by a global stub, still the scope's request";
}

TEST_F(Scopes, MoreMatchingFieldsBeatScopeAsInAssertiveMockApi) {
  Scope scope = server.new_scope("team_a");
  server.when_requested_with(Request{}.method("GET").path("/rank")).respond_with(200, "global path+method");
  scope.when_requested_with(Request{}.path("/rank")).respond_with(200, "scoped path");
  EXPECT_EQ(get_in(scope, "/rank")->body, "global path+method");
}

TEST_F(Scopes, ARequestNamingTwoScopesIsRefusedWithTheirNames) {
  Scope a = server.new_scope("alpha"), b = server.new_scope("beta");
  a.when_requested_with(Request{}.path("/x")).respond_with(200, "a");
  auto res = client.Get("/x", {{"alpha", "1"}, {"beta", "1"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  const Json body = Json::parse(res->body);
  EXPECT_EQ(body["error"], "SCOPE_COLLISION");
  EXPECT_EQ(body["detail"], "Multiple scope headers matched this request");
  EXPECT_EQ(body["scopes"], (Json{"alpha", "beta"}));
  EXPECT_TRUE(server.requests().empty()) << "refused requests are not journaled";
  // A header naming no live scope is just a header.
  EXPECT_EQ(client.Get("/x", {{"alpha", "1"}, {"gamma", "1"}})->body, "a");
}

TEST_F(Scopes, DestroyingAScopeDeletesItsStubsAndJournal) {
  server.when_requested_with(Request{}.path("/g")).respond_with(200, "global");
  {
    Scope scope = server.new_scope("short_lived");
    scope.when_requested_with(Request{}.path("/s")).respond_with(200, "scoped");
    EXPECT_EQ(get_in(scope, "/s")->status, 200);
    EXPECT_EQ(server.stubs().size(), 2u);
    EXPECT_EQ(server.requests().size(), 1u);
    EXPECT_EQ(server.scopes(), std::vector<std::string>{"short_lived"});
  }
  EXPECT_TRUE(server.scopes().empty());
  ASSERT_EQ(server.stubs().size(), 1u);
  EXPECT_EQ(server.stubs()[0].scope, std::nullopt);
  EXPECT_TRUE(server.requests().empty());
  // The header now names nothing: the request is global.
  EXPECT_EQ(client.Get("/s", {{"short_lived", "1"}})->status, 404);
  EXPECT_EQ(server.requests().at(0).scope, std::nullopt);
}

TEST_F(Scopes, ARecreatedScopeStartsEmpty) {
  {
    Scope first = server.new_scope("again");
    first.when_requested_with(Request{}.path("/old")).respond_with(200);
    get_in(first, "/old");
  }
  Scope second = server.new_scope("again");
  EXPECT_TRUE(second.stubs().empty());
  EXPECT_TRUE(second.requests().empty());
  EXPECT_EQ(get_in(second, "/old")->status, 404);
}

TEST_F(Scopes, CreatingAnExistingScopeOrDeletingAMissingOneIsAClearError) {
  Scope scope = server.new_scope("dup");
  try {
    (void)server.new_scope("DUP");
    FAIL() << "a second scope named dup";
  } catch (const ScopeError& e) {
    EXPECT_STREQ(e.what(), "scope 'DUP' already exists");
  }
  try {
    server.delete_scope("missing");
    FAIL();
  } catch (const ScopeError& e) {
    EXPECT_STREQ(e.what(), "scope 'missing' does not exist");
  }
  scope.remove();
  EXPECT_FALSE(scope.alive());
  try {
    scope.remove();
    FAIL();
  } catch (const ScopeError& e) {
    EXPECT_STREQ(e.what(), "scope 'dup' was already deleted");
  }
  try {
    scope.when_requested_with(Request{}.path("/late")).respond_with(200);
    FAIL();
  } catch (const ScopeError& e) {
    EXPECT_STREQ(e.what(), "scope 'dup' was deleted; its stubs can no longer be added");
  }
  EXPECT_TRUE(server.stubs().empty());
}

TEST_F(Scopes, MalformedOrCapturingNamesAreRefused) {
  const auto error_of = [&](const std::string& name) -> std::string {
    try {
      (void)server.new_scope(name);
    } catch (const ScopeError& e) {
      return e.what();
    }
    return "accepted";
  };
  EXPECT_EQ(error_of(""), "scope name must not be empty");
  EXPECT_EQ(error_of("has space"),
            "scope name \"has space\" must match ^[A-Za-z0-9_-]+$ (it is sent as a header name)");
  EXPECT_EQ(error_of("a/b"), "scope name \"a/b\" must match ^[A-Za-z0-9_-]+$ (it is sent as a header name)");
  EXPECT_EQ(
      error_of("Accept"),
      "scope name \"Accept\" is a standard request header: every request sending accept would fall into the scope");
  EXPECT_EQ(error_of(std::string(129, 'a')), "scope name must be at most 128 characters, got 129");
  EXPECT_TRUE(server.scopes().empty());
}

TEST_F(Scopes, DeletingByNameLeavesTheScopeObjectHarmless) {
  Scope scope = server.new_scope("by_name");
  scope.when_requested_with(Request{}.path("/x")).respond_with(200);
  server.delete_scope("BY_NAME");
  EXPECT_FALSE(scope.alive());
  EXPECT_TRUE(server.stubs().empty());
  Scope successor = server.new_scope("by_name");
  successor.when_requested_with(Request{}.path("/y")).respond_with(200, "successor");
  {
    Scope moved = std::move(scope);  // destroying the old handle must not delete the successor
  }
  EXPECT_EQ(server.scopes(), std::vector<std::string>{"by_name"});
  EXPECT_EQ(get_in(successor, "/y")->body, "successor");
}

TEST_F(Scopes, ConfirmRequestCountsOnlyTheScopesOwnRequests) {
  Scope a = server.new_scope("a_tests"), b = server.new_scope("b_tests");
  server.when_requested_with(Request{}.path("/hit")).respond_with(200);
  get_in(a, "/hit");
  get_in(a, "/hit");
  get_in(b, "/hit");
  client.Get("/hit");
  EXPECT_TRUE(a.confirm_request(Request{}.path("/hit"), 2));
  EXPECT_TRUE(b.confirm_request(Request{}.path("/hit"), 1));
  EXPECT_TRUE(server.confirm_request(Request{}.path("/hit"), 1));
  EXPECT_EQ(server.requests().size(), 4u);
  const auto failed = a.confirm_request(Request{}.path("/hit"), 3);
  EXPECT_FALSE(failed);
  EXPECT_NE(failed.report().find("2 of 2 journaled request(s) matched"), std::string::npos) << failed.report();
}

TEST_F(Scopes, ANoMatchReportInAScopeNamesTheScopeAndShowsOnlyVisibleStubs) {
  Scope mine = server.new_scope("mine"), theirs = server.new_scope("theirs");
  mine.when_requested_with(Request{}.path("/orders/{id}").method("DELETE")).respond_with(204);
  theirs.when_requested_with(Request{}.path("/orders/{id}").method("GET")).respond_with(200);
  auto res = get_in(mine, "/orders/7");
  ASSERT_EQ(res->status, 404);
  const Json body = Json::parse(res->body);
  EXPECT_NE(body["report"].get<std::string>().find("in scope 'mine'"), std::string::npos) << body["report"];
  ASSERT_EQ(body["closest_stubs"].size(), 1u) << body.dump(2);
  EXPECT_EQ(body["closest_stubs"][0]["mismatches"][0]["field"], "method");
}

TEST(ScopesInParallel, EightTestThreadsShareOneServerWithoutSeeingEachOther) {
  MockServer server;
  constexpr int kThreads = 8, kRequests = 25;
  std::atomic<int> wrong_answers{0}, failed_verifications{0};
  std::vector<std::thread> tests;
  for (int t = 0; t < kThreads; ++t) {
    tests.emplace_back([&, t] {
      Scope scope = server.new_scope("suite_" + std::to_string(t));
      // Every thread stubs the same path with its own answer and its own count.
      scope.when_requested_with(Request{}.path("/whoami")).respond_with(200, std::to_string(t));
      const std::string header = scope.name() + ": 1";
      for (int i = 0; i < kRequests + t; ++i) {
        if (curl_request("GET", server.url() + "/whoami", "", {header}).body != std::to_string(t)) ++wrong_answers;
      }
      if (!scope.confirm_request(Request{}.path("/whoami"), kRequests + t)) ++failed_verifications;
      if (scope.stubs().size() != 1u) ++failed_verifications;
    });
  }
  for (auto& t : tests) t.join();
  EXPECT_EQ(wrong_answers.load(), 0);
  EXPECT_EQ(failed_verifications.load(), 0);
  EXPECT_TRUE(server.scopes().empty()) << "each scope deleted itself";
  EXPECT_TRUE(server.stubs().empty());
  EXPECT_TRUE(server.requests().empty());
}

TEST(ScopesInParallel, CreatingAndDeletingScopesWhileRequestsFlyLosesNothingGlobal) {
  MockServer server;
  server.when_requested_with(Request{}.path("/g")).respond_with(200, "global");
  std::atomic<bool> done{false};
  std::thread churn([&] {
    for (int i = 0; i < 200; ++i) {
      Scope s = server.new_scope("churn");
      s.when_requested_with(Request{}.path("/g")).respond_with(200, "scoped");
    }
    done = true;
  });
  int global_answers = 0;
  httplib::Client client(server.host(), server.port());
  while (!done) {
    auto res = client.Get("/g", {{"churn", "1"}});
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200);
    ASSERT_TRUE(res->body == "global" || res->body == "scoped") << res->body;
    global_answers += res->body == "global" ? 1 : 0;
  }
  churn.join();
  EXPECT_TRUE(server.scopes().empty());
  EXPECT_EQ(server.stubs().size(), 1u);
  for (const auto& r : server.requests()) EXPECT_EQ(r.scope, std::nullopt) << "scoped entries left with their scope";
  // Answers from the global stub include scoped requests that came before the scope's stub.
  EXPECT_LE(static_cast<int>(server.requests().size()), global_answers);
}

}  // namespace
