// Capture mode, round trip: calls sent through mockhttp in a capture session reach the real
// upstream and are recorded (the redacted headers masked); the written case file is valid by
// our Softprobe schemas and by the case reader; replayed with the upstream stopped, the same
// calls get identical answers.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <mockhttp/control.hpp>
#include <mockhttp/mockhttp.hpp>

#include "control/schema_catalog.hpp"

using namespace mockhttp;
using Json = nlohmann::json;

namespace capture {

struct Answer {
  int status;
  std::string body;
};

// The application's two calls, through mockhttp as its HTTP proxy, naming the session.
std::vector<Answer> run_the_app(int upstream_port, const MockServer& proxy, const ReplaySession& session) {
  httplib::Client app("127.0.0.1", upstream_port);
  app.set_proxy(proxy.host(), proxy.port());
  const httplib::Headers headers = {session.header(), {"Authorization", "Bearer s3cret-token"}};
  std::vector<Answer> answers;
  for (const auto& res : {app.Get("/v1/rates?currency=eur", headers),
                          app.Post("/v1/charges", headers, R"({"amount":42})", "application/json")}) {
    answers.push_back(res ? Answer{res->status, res->body} : Answer{0, httplib::to_string(res.error())});
  }
  return answers;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Capture, ACaptureWritesACaseThatReplaysTheSameAnswersWithTheUpstreamStopped) {
  const std::string path = ::testing::TempDir() + "capture_round_trip.case.json";
  std::vector<Answer> live;
  int upstream_port = 0;
  {
    auto upstream = std::make_unique<MockServer>();
    upstream_port = upstream->port();
    upstream->when_requested_with(Request{}.method("GET").path("/v1/rates")).respond_with_json(200, {{"eur", 1.1}});
    upstream->when_requested_with(Request{}.method("POST").path("/v1/charges"))
        .respond_with(Response{}.status(201).header("X-Charge", "ch_1").json_body({{"id", "ch_1"}}));
    ServerOptions options;
    options.forward_allowed_hosts = {"127.0.0.1"};  // the upstream is local here
    options.control_surfaces = {softprobe_api()};
    MockServer proxy(options);
    ReplaySession session = proxy.start_session(ReplayMode::capture);
    session.add_rule(ReplayRule::from_json(
        {{"id", "redact-auth"},
         {"priority", 10000},
         {"when", {{"direction", "outbound"}}},
         {"then", {{"action", "capture_only"}, {"captureOnly", {{"redactHeaders", {"authorization"}}}}}}}));
    live = run_the_app(upstream_port, proxy, session);
    ASSERT_EQ(live.size(), 2u);
    EXPECT_EQ(live[0].status, 200) << live[0].body;
    EXPECT_EQ(Json::parse(live[0].body), (Json{{"eur", 1.1}}));
    EXPECT_EQ(live[1].status, 201) << live[1].body;
    EXPECT_EQ(upstream->requests().size(), 2u) << "capture reaches the real upstream";
    ASSERT_EQ(session.captured().size(), 2u);

    // Over HTTP too: the stats count what was extracted, GET .../case gives the same document.
    httplib::Client control(proxy.host(), proxy.port());
    const auto stats = control.Get("/v1/sessions/" + session.id() + "/stats");
    ASSERT_TRUE(stats);
    EXPECT_EQ(Json::parse(stats->body)["stats"]["extractedSpans"], 2) << stats->body;
    const auto over_http = control.Get("/v1/sessions/" + session.id() + "/case");
    ASSERT_TRUE(over_http);
    EXPECT_EQ(Json::parse(over_http->body)["traces"].size(), 2u);

    session.write_case(path, "rates-capture");
  }  // the upstream is gone from here on

  const std::string text = read_file(path);
  EXPECT_EQ(text.find("s3cret-token"), std::string::npos) << "the redacted header never reaches the file";
  EXPECT_NE(text.find("[REDACTED]"), std::string::npos);
  EXPECT_EQ(text.find("sandbox allow-scripts"), std::string::npos) << "the sandbox of stubs' pages is not recorded";
  const Json document = Json::parse(text);
  for (const auto& problem : detail::schema_problems("case.schema.json", document)) {
    ADD_FAILURE() << "case schema: " << problem.pointer << ": " << problem.message;
  }
  const ReplayCase loaded = ReplayCase::load_from_file(path);
  EXPECT_EQ(loaded.case_id(), "rates-capture");
  ASSERT_EQ(loaded.exchanges().size(), 2u);
  EXPECT_EQ(loaded.exchanges()[1].request.body, R"({"amount":42})");
  EXPECT_GT(loaded.exchanges()[0].end_unix_nano, 0u);

  MockServer replay;
  ReplaySession session = replay.start_session(ReplayMode::replay);
  session.load_case_from_file(path);
  for (const auto& exchange : loaded.exchanges()) {
    session.mock_outbound(
        CasePredicate::outbound().with_method(exchange.request.method).with_path(exchange.request.path),
        exchange.response);
  }
  session.set_policy(ReplayPolicy::strict());
  const std::vector<Answer> replayed = run_the_app(upstream_port, replay, session);
  ASSERT_EQ(replayed.size(), live.size());
  for (std::size_t i = 0; i < live.size(); ++i) {
    EXPECT_EQ(replayed[i].status, live[i].status) << i;
    EXPECT_EQ(Json::parse(replayed[i].body), Json::parse(live[i].body)) << i;
  }
  std::remove(path.c_str());
}

TEST(Capture, AReplaySessionRecordsNothing) {
  ServerOptions options;
  options.forward_allowed_hosts = {"127.0.0.1"};
  MockServer upstream;
  upstream.when_requested_with(Request{}.path("/x")).respond_with(200, "up");
  MockServer proxy(options);
  ReplaySession session = proxy.start_session(ReplayMode::replay);  // passthrough on a miss
  httplib::Client app("127.0.0.1", upstream.port());
  app.set_proxy(proxy.host(), proxy.port());
  const auto res = app.Get("/x", {session.header()});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "up");
  EXPECT_TRUE(session.captured().empty());
}

TEST(Capture, CaptureOnlyRedactionIsReadAndWrittenBackAndCheckedAsTheWireWould) {
  const ReplayRule rule = ReplayRule::from_json(
      {{"when", Json::object()},
       {"then", {{"action", "capture_only"}, {"captureOnly", {{"redactHeaders", {"authorization", "x-api-key"}}}}}}});
  EXPECT_EQ(rule.redact_headers, (std::vector<std::string>{"authorization", "x-api-key"}));
  EXPECT_EQ(ReplayRule::from_json(rule.to_json()).redact_headers, rule.redact_headers);
  EXPECT_THROW(ReplayRule::from_json(
                   {{"when", Json::object()},
                    {"then", {{"action", "capture_only"}, {"captureOnly", {{"redactHeaders", "authorization"}}}}}}),
               RuleError);
  EXPECT_THROW(ReplayRule::from_json(
                   {{"when", Json::object()}, {"then", {{"action", "mock"}, {"captureOnly", Json::object()}}}}),
               RuleError);
}

}  // namespace capture
