// Case-file replay: case files written for this suite (test/data/cases) load; find_in_case; rule
// layers and priority through real requests with the session header; consume once; policy;
// fixtures; bad cases leave the session as it was; the server as the app's HTTP proxy.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>

#include <mockhttp/mockhttp.hpp>

#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;

namespace {

const std::string kCases = std::string(MOCKHTTP_TEST_DATA_DIR) + "/cases";

std::vector<std::string> suite_case_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(kCases)) {
    if (entry.path().string().size() > 10 &&
        entry.path().string().rfind(".case.json") == entry.path().string().size() - 10) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A case with one captured exchange per (host, path), and rules given by the test.
Json case_with(Json rules, Json fixtures = Json::array()) {
  const auto span = [](const std::string& id, const std::string& host, const std::string& path,
                       const std::string& body) {
    return Json{{"traceId", "t1"},
                {"spanId", id},
                {"attributes",
                 {{{"key", "sp.traffic.direction"}, {"value", {{"stringValue", "outbound"}}}},
                  {{"key", "url.host"}, {"value", {{"stringValue", host}}}},
                  {{"key", "url.path"}, {"value", {{"stringValue", path}}}},
                  {{"key", "http.request.method"}, {"value", {{"stringValue", "GET"}}}},
                  {{"key", "http.response.status_code"}, {"value", {{"intValue", "200"}}}},
                  {{"key", "http.response.header.content-type"}, {"value", {{"stringValue", "application/json"}}}},
                  {{"key", "http.response.body"}, {"value", {{"stringValue", body}}}}}}};
  };
  return {{"version", "1.0.0"},
          {"caseId", "made-in-test"},
          {"traces",
           {{{"resourceSpans",
              {{{"scopeSpans",
                 {{{"spans",
                    {span("s1", "partner.example.com", "/items", R"({"source":"capture"})"),
                     span("s2", "api.other.com", "/x", R"({"n":1})")}}}}}}}}}}},
          {"rules", std::move(rules)},
          {"fixtures", std::move(fixtures)}};
}

Json mock_rule(const std::string& id, int priority, const std::string& source,
               Json when = {{"host", "partner.example.com"}}) {
  return {{"id", id},
          {"priority", priority},
          {"when", std::move(when)},
          {"then", {{"action", "mock"}, {"response", {{"status", 200}, {"body", Json{{"source", source}}.dump()}}}}}};
}

class Replay : public ::testing::Test {
 protected:
  MockServer server;
  ReplaySession session = server.start_session();

  // The app's outbound call: to `host` through mockhttp, with the session header.
  httplib::Result call(const std::string& host, const std::string& path, const std::string& session_id) {
    httplib::Client client(server.host(), server.port());
    return client.Get(path, {{"Host", host}, {ReplaySession::kHeader, session_id}});
  }
  std::string source_of(const std::string& host, const std::string& path) {
    auto res = call(host, path, session.id());
    if (!res) return "transport error";
    if (res->status != 200) return "status " + std::to_string(res->status);
    return Json::parse(res->body).value("source", "?");
  }
};

TEST(ReplayCases, EverySuiteCaseFileLoadsAndValidates) {
  const auto files = suite_case_files();
  ASSERT_GE(files.size(), 3u);
  for (const auto& file : files) {
    SCOPED_TRACE(file);
    const ReplayCase loaded = ReplayCase::load_from_file(file);
    EXPECT_FALSE(loaded.case_id().empty());
    EXPECT_FALSE(loaded.version().empty());
  }
  const ReplayCase storefront = ReplayCase::load_from_file(kCases + "/storefront.case.json");
  EXPECT_EQ(storefront.case_id(), "sess_storefront_k7Q2");
  ASSERT_EQ(storefront.exchanges().size(), 2u);
  const ReplayCase minimal = ReplayCase::load_from_file(kCases + "/nothing-captured.case.json");
  EXPECT_TRUE(minimal.exchanges().empty());
}

TEST(ReplayCases, AGeneratedCaseOfTenThousandSpansLoadsWhole) {
  Json spans = Json::array();
  for (int i = 0; i < 10000; ++i) {
    spans.push_back({{"traceId", "t"},
                     {"spanId", "s" + std::to_string(i)},
                     {"attributes",
                      {{{"key", "url.path"}, {"value", {{"stringValue", "/items/" + std::to_string(i)}}}},
                       {{"key", "url.host"}, {"value", {{"stringValue", "api.example.com"}}}}}}});
  }
  const ReplayCase big =
      ReplayCase::from_json({{"version", "1"},
                             {"caseId", "big"},
                             {"traces", {{{"resourceSpans", {{{"scopeSpans", {{{"spans", spans}}}}}}}}}}});
  ASSERT_EQ(big.exchanges().size(), 10000u);
  EXPECT_EQ(big.find(CasePredicate{}.with_path("/items/9999")).span_id, "s9999");
}

TEST(ReplayCases, SpanAttributesBecomeAnHttpExchangeAndNothingIsLost) {
  const ReplayCase storefront = ReplayCase::load_from_file(kCases + "/storefront.case.json");
  const CapturedExchange& fragment = storefront.find(CasePredicate{}.with_path("/banner"));
  EXPECT_EQ(fragment.direction, "outbound");
  EXPECT_EQ(fragment.service, "storefront");
  EXPECT_EQ(fragment.span_type, "extract");
  EXPECT_EQ(fragment.request.method, "GET") << "from the :method pseudo-header";
  EXPECT_EQ(fragment.request.host, "edge-proxy") << "url.host without its port";
  EXPECT_EQ(fragment.response.status, 200) << "intValue travels as a string in OTLP JSON";
  EXPECT_EQ(fragment.response.body, "{\"banner\":\"autumn sale\"}\n");
  bool has_content_type = false;
  for (const auto& [name, value] : fragment.response.headers)
    has_content_type |= name == "content-type" && value == "application/json";
  EXPECT_TRUE(has_content_type);
  for (const auto& [name, value] : fragment.request.headers)
    EXPECT_NE(name.front(), ':') << "pseudo-headers are not headers";
  EXPECT_EQ(fragment.attributes["http.request.header.x-sp-num"], "1") << "every attribute is kept";
  EXPECT_EQ(fragment.attributes["http.response.status_code"], 200);

  const ReplayCase refund = ReplayCase::load_from_file(kCases + "/refund-issued.case.json");
  const auto& payments = refund.find(CasePredicate{}
                                         .with_direction("outbound")
                                         .with_method("post")
                                         .with_host_suffix("PAYMENTS.example")
                                         .with_path_prefix("/v2/ref"));
  EXPECT_EQ(payments.span_id, "7e1d3c5b9a2f4e6d");
  EXPECT_EQ(payments.request.body, R"({"charge":"ch_81","amount":2500})");
  EXPECT_EQ(payments.response.status, 201);
  EXPECT_EQ(payments.service, "billing") << "from the resource when the span does not say";
}

TEST(ReplayCases, FindInCaseNeedsExactlyOneMatchAndSaysWhichMatched) {
  const ReplayCase hello = ReplayCase::load_from_file(kCases + "/storefront.case.json");
  try {
    hello.find(CasePredicate{}.with_direction("outbound"));
    FAIL() << "two spans matched";
  } catch (const CaseLookupError& e) {
    EXPECT_EQ(e.matches(), (std::vector<std::string>{"U3RvcmVBAAE=", "U3RvcmVCAAI="}));
    EXPECT_NE(std::string(e.what()).find("narrow the predicate or use find_all_in_case"), std::string::npos)
        << e.what();
  }
  try {
    hello.find(CasePredicate{}.with_host_suffix("payments.example"));
    FAIL() << "nothing matched";
  } catch (const CaseLookupError& e) {
    EXPECT_TRUE(e.matches().empty());
    EXPECT_NE(std::string(e.what()).find("matched no span"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("U3RvcmVBAAE= (outbound GET edge-proxy/banner)"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(hello.find_all(CasePredicate{}.with_direction("outbound")).size(), 2u);
  EXPECT_EQ(hello.find_all(CasePredicate{}.with_method("DELETE")).size(), 0u);
  EXPECT_EQ(
      hello.find(CasePredicate{}.with_header("x-request-id", "9c41d2e0-6b7a-4f15-8e3d-5a0c1b2f4e68")).request.path,
      "/greeting");
}

TEST_F(Replay, TheSeedsFlowMocksTheCapturedResponse) {
  session.load_case_from_file(kCases + "/storefront.case.json");
  const CapturedExchange hit =
      session.find_in_case(CasePredicate{}.with_direction("outbound").with_method("GET").with_path("/banner"));
  session.mock_outbound(CasePredicate{}.with_direction("outbound").with_host("edge-proxy").with_path("/banner"),
                        hit.response);
  auto res = call("edge-proxy:9090", "/banner", session.id());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "{\"banner\":\"autumn sale\"}\n");
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  const auto journal = server.requests();
  ASSERT_EQ(journal.size(), 1u);
  EXPECT_EQ(journal[0].matched_stub_id, "rule:mock-1");
}

TEST_F(Replay, AMutatedCapturedJsonResponseIsWhatTheAppGets) {
  session.load_case(case_with(Json::array()));
  CapturedExchange hit = session.find_in_case(CasePredicate{}.with_path("/x"));
  Json body = hit.response.body_as_json();
  body["n"] = 42;
  body["edited"] = true;
  session.mock_outbound(CasePredicate{}.with_host("api.other.com"), hit.response.with_json_body(body));
  auto res = call("api.other.com", "/x", session.id());
  EXPECT_EQ(Json::parse(res->body), (Json{{"n", 42}, {"edited", true}}));
}

TEST_F(Replay, HighestPriorityWinsWhateverTheLayer) {
  session.load_case(case_with(Json::array({mock_rule("case-high", 200, "case")})));
  session.add_rule(ReplayRule::from_json(mock_rule("session-low", 100, "test")));
  EXPECT_EQ(source_of("partner.example.com", "/items"), "case");
  session.add_rule(ReplayRule::from_json(mock_rule("session-higher", 300, "test")));
  EXPECT_EQ(source_of("partner.example.com", "/items"), "test");
}

TEST_F(Replay, OnAPriorityTieTheSessionLayerBeatsTheCaseLayer) {
  session.load_case(case_with(Json::array({mock_rule("partner-default", 100, "case")})));
  EXPECT_EQ(source_of("partner.example.com", "/items"), "case");
  session.mock_outbound(CasePredicate{}.with_direction("outbound").with_host("partner.example.com"),
                        CapturedResponse{200, {}, Json{{"source", "test"}}.dump()},
                        RuleOptions{"partner-override", 100});
  EXPECT_EQ(source_of("partner.example.com", "/items"), "test");
  session.clear_rules();
  EXPECT_EQ(source_of("partner.example.com", "/items"), "case") << "clear_rules resets the session layer only";
}

TEST_F(Replay, WithinALayerTheLaterRuleWins) {
  session.load_case(case_with(Json::array({mock_rule("first", 100, "first"), mock_rule("second", 100, "second")})));
  EXPECT_EQ(source_of("partner.example.com", "/items"), "second");
  session.mock_outbound(CasePredicate{}.with_host("partner.example.com"), {200, {}, R"({"source":"s1"})"});
  session.mock_outbound(CasePredicate{}.with_host("partner.example.com"), {200, {}, R"({"source":"s2"})"});
  EXPECT_EQ(source_of("partner.example.com", "/items"), "s2");
  EXPECT_EQ(session.rules().size(), 2u) << "mock_outbound calls accumulate";
}

TEST_F(Replay, ConsumeOnceAnswersOnceThenTheNextRuleAnswers) {
  Json once = mock_rule("outage", 200, "outage", {{"hostSuffix", "example.com"}});
  once["consume"] = "once";
  once["then"] = {{"action", "error"}, {"error", {{"status", 503}, {"body", Json{{"reason", "simulated outage"}}}}}};
  session.load_case(case_with(Json::array({once, mock_rule("steady", 100, "steady")})));
  auto first = call("partner.example.com", "/items", session.id());
  EXPECT_EQ(first->status, 503);
  EXPECT_EQ(Json::parse(first->body)["reason"], "simulated outage");
  EXPECT_EQ(source_of("partner.example.com", "/items"), "steady");
  EXPECT_EQ(source_of("partner.example.com", "/items"), "steady");
}

TEST_F(Replay, AStrictMissFailsVisiblyNamingTheRequestAndTheClosestRules) {
  session.load_case(case_with(
      Json::array({mock_rule("partner", 100, "case", {{"host", "partner.example.com"}, {"method", "POST"}})})));
  session.set_policy(ReplayPolicy::strict());
  auto res = call("partner.example.com", "/items", session.id());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 502);
  const Json body = Json::parse(res->body);
  EXPECT_EQ(body["error"], "SOFTPROBE_NO_RULE_MATCH");
  EXPECT_NE(body["detail"].get<std::string>().find("externalHttp: strict"), std::string::npos);
  EXPECT_EQ(body["request"]["host"], "partner.example.com");
  ASSERT_EQ(body["closest_rules"].size(), 1u);
  EXPECT_EQ(body["closest_rules"][0]["id"], "partner");
  EXPECT_EQ(body["closest_rules"][0]["mismatches"][0]["field"], "method");
  EXPECT_NE(body["report"].get<std::string>().find("GET partner.example.com/items"), std::string::npos)
      << body["report"];
  // Allowed hosts pass the strict policy; blocked ones never do.
  session.set_policy(ReplayPolicy::strict().allow_host("example.com").error_on_miss());
  EXPECT_NE(Json::parse(call("partner.example.com", "/items", session.id())->body)["detail"].get<std::string>().find(
                "defaultOnMiss: error"),
            std::string::npos);
}

TEST_F(Replay, PassthroughForwardsToTheRealUpstream) {
  MockServer upstream;
  upstream.when_requested_with(Request{}.path("/live")).respond_with(200, "from the real upstream");
  // allow + passthrough are the defaults; a loopback upstream must be listed, as the test does.
  auto refused = call("127.0.0.1:" + std::to_string(upstream.port()), "/live", session.id());
  EXPECT_EQ(refused->status, 403);
  EXPECT_NE(refused->body.find("resolves to a loopback address"), std::string::npos) << refused->body;
  EXPECT_NE(refused->body.find("ServerOptions::forward_allowed_hosts"), std::string::npos) << refused->body;
  EXPECT_TRUE(upstream.requests().empty()) << "nothing was forwarded";
  session.set_policy(ReplayPolicy{}.allow_host("127.0.0.1"));
  auto res = call("127.0.0.1:" + std::to_string(upstream.port()), "/live", session.id());
  EXPECT_EQ(res->body, "from the real upstream");
  EXPECT_EQ(upstream.requests().size(), 1u);
  // Passing through to mockhttp itself would loop: refused instead.
  auto self = call("127.0.0.1:" + std::to_string(server.port()), "/live", session.id());
  EXPECT_EQ(self->status, 502);
}

TEST_F(Replay, TheServerWorksAsTheAppsHttpProxy) {
  session.mock_outbound(CasePredicate{}.with_host_suffix("stripe.com").with_path_prefix("/v1/payment_intents"),
                        {200, {{"content-type", "application/json"}}, R"({"id":"pi_test"})"});
  httplib::Client app("http://api.stripe.com");
  app.set_proxy(server.host(), server.port());
  auto res = app.Post("/v1/payment_intents", {{ReplaySession::kHeader, session.id()}}, "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, R"({"id":"pi_test"})");
  EXPECT_EQ(server.requests().at(0).host, "api.stripe.com");
  EXPECT_EQ(server.requests().at(0).path, "/v1/payment_intents");
}

TEST_F(Replay, RequestsWithoutTheSessionHeaderUseStubs) {
  session.mock_outbound(CasePredicate{}.with_path("/shared"), {200, {}, "from the session"});
  server.when_requested_with(Request{}.path("/shared")).respond_with(200, "from a stub");
  httplib::Client client(server.host(), server.port());
  EXPECT_EQ(client.Get("/shared")->body, "from a stub");
  EXPECT_EQ(client.Get("/shared", {{ReplaySession::kHeader, session.id()}})->body, "from the session");
}

TEST_F(Replay, FixturesComeFromTheCaseAndTheTest) {
  session.load_case(case_with(Json::array(), {{{"name", "test_user_id"}, {"value", "u_test_abc"}},
                                              {{"name", "limits"}, {"value", {{"max", 3}}}}}));
  session.set_fixture("test_user_id", "u_override");
  session.set_fixture("token", "t0k");
  const auto fixtures = session.fixtures();
  EXPECT_EQ(fixtures.at("test_user_id"), "u_override");
  EXPECT_EQ(fixtures.at("limits"), (Json{{"max", 3}}));
  EXPECT_EQ(fixtures.at("token"), "t0k");
}

TEST_F(Replay, ABadCaseIsACaseLoadErrorAndLeavesTheSessionAsItWas) {
  session.load_case(case_with(Json::array({mock_rule("kept", 100, "kept")})));
  const auto revision = session.revision();
  const auto folder = std::filesystem::temp_directory_path() / ("mockhttp-cases-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(folder / name) << text;
    return (folder / name).string();
  };
  const std::string truncated = write("truncated.case.json", R"({"version": "1.0.0", "caseId": "x", "traces": [)");
  try {
    session.load_case_from_file(truncated);
    FAIL();
  } catch (const CaseLoadError& e) {
    EXPECT_EQ(e.file(), truncated);
    EXPECT_EQ(e.position(), 48u) << "nlohmann counts bytes from 1: one past the 47 given";
    EXPECT_NE(std::string(e.what()).find("at byte 48"), std::string::npos) << e.what();
  }
  try {
    session.load_case(Json{{"version", 1}, {"caseId", "x"}, {"traces", Json::array()}});
    FAIL();
  } catch (const CaseLoadError& e) {
    EXPECT_EQ(e.pointer(), "/version") << e.what();
  }
  try {
    session.load_case(Json{{"version", "1"}, {"caseId", "x"}});
    FAIL();
  } catch (const CaseLoadError& e) {
    EXPECT_NE(e.problem().find("traces"), std::string::npos) << e.what();
  }
  try {
    session.load_case(case_with(Json::array({{{"when", {{"host", 5}}}, {"then", {{"action", "mock"}}}}})));
    FAIL();
  } catch (const CaseLoadError& e) {
    EXPECT_EQ(e.pointer(), "/rules/0/when/host") << e.what();
  }
  try {
    session.load_case(case_with(Json::array({{{"when", Json::object()}, {"then", {{"action", "teleport"}}}}})));
    FAIL();
  } catch (const CaseLoadError& e) {
    EXPECT_EQ(e.pointer(), "/rules/0/then/action") << e.what();
  }
  EXPECT_THROW(session.load_case_from_file((folder / "missing.case.json").string()), CaseLoadError);
  std::filesystem::remove_all(folder);
  EXPECT_EQ(session.revision(), revision) << "nothing half-loaded";
  EXPECT_EQ(source_of("partner.example.com", "/items"), "kept");
}

TEST_F(Replay, ClosedAndUnknownSessionsAreA404) {
  std::string id;
  {
    ReplaySession brief = server.start_session();
    id = brief.id();
    EXPECT_EQ(server.attach(id).id(), id);
  }
  auto res = call("partner.example.com", "/items", id);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(Json::parse(res->body)["error"]["code"], "unknown_session");
  try {
    (void)server.attach(id);
    FAIL() << "attached to a closed session";
  } catch (const SessionError& e) {
    EXPECT_EQ(e.reason(), SessionError::Reason::not_found);
    EXPECT_NE(std::string(e.what()).find(id), std::string::npos) << e.what();
  }
  EXPECT_EQ(call("partner.example.com", "/items", "sess_nope")->status, 404);
}

TEST_F(Replay, AClosedSessionRefusesChangesAsADeletedScopeRefusesStubs) {
  session.close();
  try {
    session.mock_outbound(CasePredicate{}, CapturedResponse{});
    FAIL() << "changed a closed session";
  } catch (const SessionError& e) {
    EXPECT_EQ(e.reason(), SessionError::Reason::closed);
    EXPECT_EQ(std::string(e.what()),
              "replay session '" + session.id() + "' was closed; mock_outbound can no longer change it");
  }
  EXPECT_THROW(session.set_policy(ReplayPolicy{}), SessionError);
  EXPECT_THROW(session.clear_rules(), SessionError);
  EXPECT_THROW(session.load_case(case_with(Json::array())), SessionError);
  Scope scope = server.new_scope("gone");
  scope.remove();
  try {
    scope.add_stub(StubDefinition{});
    FAIL() << "added to a deleted scope";
  } catch (const ScopeError& e) {
    EXPECT_EQ(e.reason(), ScopeError::Reason::deleted);
    EXPECT_NE(std::string(e.what()).find("scope 'gone' was deleted"), std::string::npos) << e.what();
  }
}

TEST_F(Replay, InvalidRulesAreRuleErrorsWithTheirPointer) {
  const auto pointer_of = [](const Json& rule) -> std::string {
    try {
      ReplayRule::from_json(rule);
    } catch (const RuleError& e) {
      return e.pointer();
    }
    return "accepted";
  };
  EXPECT_EQ(pointer_of({{"then", {{"action", "mock"}}}}), "/when");
  EXPECT_EQ(pointer_of({{"when", {{"direction", "sideways"}}}, {"then", {{"action", "mock"}}}}), "/when/direction");
  EXPECT_EQ(pointer_of({{"when", {{"hots", "x"}}}, {"then", {{"action", "mock"}}}}), "/when/hots");
  EXPECT_EQ(pointer_of({{"when", Json::object()}, {"then", {{"action", "error"}}}}), "/then/error");
  EXPECT_EQ(pointer_of({{"when", Json::object()}, {"then", {{"action", "mock"}}}, {"consume", "twice"}}), "/consume");
  EXPECT_EQ(pointer_of({{"when", {{"bodyJsonPath", "user.id"}}}, {"then", {{"action", "passthrough"}}}}),
            "/when/bodyJsonPath");
  EXPECT_EQ(pointer_of({{"when", Json::object()}, {"then", {{"action", "passthrough"}, {"response", Json::object()}}}}),
            "/then/response");
}

TEST_F(Replay, BodyHeaderAndBaggagePredicatesMatch) {
  Json by_body = mock_rule("by-body", 100, "body", {{"bodyJsonPath", "$.user.id"}});
  Json by_tag = mock_rule("by-tag", 100, "tag", {{"traceTags", {{"tenant", "acme"}}}});
  Json by_header = mock_rule("by-header", 100, "header", {{"headers", {{"x-env", Json::array({"qa", "staging"})}}}});
  session.load_case(case_with(Json::array({by_body, by_tag, by_header})));
  httplib::Client client(server.host(), server.port());
  const auto source = [&](const httplib::Headers& headers, const std::string& body) {
    httplib::Headers all = headers;
    all.emplace(ReplaySession::kHeader, session.id());
    auto res = client.Post("/any", all, body, "application/json");
    return res && res->status == 200 ? Json::parse(res->body).value("source", "?") : "miss";
  };
  session.set_policy(ReplayPolicy{}.error_on_miss());
  EXPECT_EQ(source({}, R"({"user": {"id": 7}})"), "body");
  EXPECT_EQ(source({{"baggage", "a=1, tenant=acme"}}, "{}"), "tag");
  EXPECT_EQ(source({{"x-env", "staging"}}, "{}"), "header");
  EXPECT_EQ(source({{"x-env", "prod"}, {"baggage", "tenant=other"}}, R"({"user": {}})"), "miss");
}

TEST_F(Replay, AConsumeOnceRuleAnswersExactlyOneOfManyConcurrentRequests) {
  Json once = mock_rule("once", 200, "once");
  once["consume"] = "once";
  session.load_case(case_with(Json::array({once, mock_rule("steady", 100, "steady")})));
  constexpr int kThreads = 8;
  std::vector<std::string> sources(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { sources[i] = source_of("partner.example.com", "/items"); });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(std::count(sources.begin(), sources.end(), "once"), 1) << "the call budget of a stub's max_calls(1)";
  EXPECT_EQ(std::count(sources.begin(), sources.end(), "steady"), kThreads - 1);
  std::size_t by_once = 0;
  for (const auto& request : server.requests())
    by_once += request.matched_stub_id == std::optional<std::string>("rule:once");
  EXPECT_EQ(by_once, 1u) << "rules are journaled by id, as stubs are";
}

TEST_F(Replay, AConsumedRuleSaysSoInTheNearMissReport) {
  Json once = mock_rule("once", 200, "once");
  once["consume"] = "once";
  session.load_case(case_with(Json::array({once})));
  session.set_policy(ReplayPolicy::strict());
  EXPECT_EQ(source_of("partner.example.com", "/items"), "once");
  auto refused = call("partner.example.com", "/items", session.id());
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 502);
  EXPECT_NE(refused->body.find("already answered once (consume: once)"), std::string::npos) << refused->body;
}

TEST_F(Replay, EveryTraceTagOfARuleMustBeInTheBaggage) {
  session.load_case(case_with(
      Json::array({mock_rule("tagged", 100, "tagged", {{"traceTags", {{"tenant", "acme"}, {"plan", "pro"}}}})})));
  session.set_policy(ReplayPolicy{}.error_on_miss());
  httplib::Client client(server.host(), server.port());
  const auto status_with = [&](const std::string& baggage) {
    auto res = client.Get("/any", {{"baggage", baggage}, {ReplaySession::kHeader, session.id()}});
    return res ? res->status : -1;
  };
  EXPECT_EQ(status_with("tenant=acme, plan=pro"), 200);
  EXPECT_EQ(status_with("plan=pro"), 502) << "one tag is not both";
  EXPECT_EQ(status_with("tenant=acme"), 502);
}

TEST_F(Replay, MockOutboundChecksItsPredicateAsARuleDocumentWould) {
  CasePredicate wrong;
  wrong.direction = "sideways";
  try {
    session.mock_outbound(wrong, CapturedResponse{200, {}, "{}"});
    FAIL() << "accepted";
  } catch (const RuleError& e) {
    EXPECT_EQ(e.pointer(), "/when/direction");
  }
  EXPECT_TRUE(session.rules().empty()) << "nothing half-added";
  CasePredicate when;
  when.host_suffix = "Example.COM";
  when.path_prefix = "/it";
  session.mock_outbound(when, CapturedResponse{200, {}, R"({"source":"mocked"})"}, {"mine", 5, false});
  ASSERT_EQ(session.rules().size(), 1u);
  EXPECT_EQ(session.rules()[0].to_json()["when"], (Json{{"hostSuffix", "Example.COM"}, {"pathPrefix", "/it"}}));
  EXPECT_EQ(source_of("partner.example.com", "/items"), "mocked") << "host suffixes compare case-insensitively";
}

TEST(PathCriteria, AnEqCriteriaOnThePathIsLiteralAndAStringIsATemplate) {
  MockServer server;
  server.when_requested_with(Request{}.path(eq("/a/{b}"))).respond_with(200, "literal");
  server.when_requested_with(Request{}.path("/t/{b}")).respond_with(200, "template");
  EXPECT_EQ(test::curl_request("GET", server.url() + "/a/7").status, 404) << "eq is not a template";
  EXPECT_EQ(test::curl_request("GET", server.url() + "/a/%7Bb%7D").body, "literal");
  EXPECT_EQ(test::curl_request("GET", server.url() + "/t/7").body, "template");
}

TEST(ForwardPolicy, AProxyStubNeverReachesALinkLocalAddressUnlessListed) {
  MockServer server;
  server.when_requested_with(Request{}.path("/meta"))
      .proxy_to(ProxyTarget{"http://169.254.169.254/latest/meta-data/", {}});
  const auto refused = test::curl_request("GET", server.url() + "/meta");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(Json::parse(refused.body)["error"], "FORWARD_REFUSED");
  EXPECT_NE(refused.body.find("link-local"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("--allow-forward 169.254.169.254"), std::string::npos) << refused.body;
}

TEST(ForwardPolicy, AListedHostIsReachedByAPassthrough) {
  MockServer upstream;
  upstream.when_requested_with(Request{}.path("/live")).respond_with(200, "listed");
  ServerOptions options;
  options.forward_allowed_hosts = {"127.0.0.1"};
  MockServer server(options);
  ReplaySession session = server.start_session();
  const auto res = test::curl_request("GET", server.url() + "/live", "",
                                      {"Host: 127.0.0.1:" + std::to_string(upstream.port()),
                                       std::string(ReplaySession::kHeader) + ": " + session.id()});
  EXPECT_EQ(res.body, "listed");
}

}  // namespace
