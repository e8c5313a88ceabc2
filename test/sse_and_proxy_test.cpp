// Server-Sent Events and the proxy action over real sockets: SSE framing, order and delays,
// templated events, chaos on a stream; proxying to a second local MockServer, recording,
// hop-by-hop headers, and an unreachable upstream.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>

#include <mockhttp/mockhttp.hpp>

#include "support/control_server.hpp"
#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;
using mockhttp::test::curl_request;

namespace {

TEST(EventStreams, EventsArriveInOrderWithTheSseFramingAndHeaders) {
  MockServer server;
  server.when_requested_with(Request{}.path("/events"))
      .respond_with_sse(EventStream{}
                            .event(SseEvent{"first"}.id("1").event("message"))
                            .event(SseEvent{"two\nlines"}.id("2").retry(std::chrono::seconds(3)).delay(30))
                            .event(SseEvent{""}));
  httplib::Client client(server.host(), server.port());
  std::vector<std::string> reads;
  auto res = client.Get("/events", [&](const char* data, std::size_t length) {
    reads.emplace_back(data, length);
    return true;
  });
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/event-stream");
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-cache");
  std::string stream;
  for (const auto& r : reads) stream += r;
  EXPECT_EQ(stream,
            "id: 1\nevent: message\ndata: first\n\n"
            "id: 2\nretry: 3000\ndata: two\ndata: lines\n\n"
            "data: \n\n");
  EXPECT_GE(reads.size(), 2u) << "the delayed event comes in a later read";
}

TEST(EventStreams, DataIsSplitLikePythonSplitlines) {
  SseEvent event(
      "a\r\nb\rc\x0b"
      "d\xe2\x80\xa8"
      "e\n");
  MockServer server;
  server.when_requested_with(Request{}.path("/split")).respond_with_sse(EventStream{}.event(event));
  EXPECT_EQ(curl_request("GET", server.url() + "/split").body, "data: a\ndata: b\ndata: c\ndata: d\ndata: e\n\n");
}

TEST(EventStreams, DelaysAreHonouredInOrder) {
  MockServer server;
  server.when_requested_with(Request{}.path("/slow"))
      .respond_with_sse(EventStream{}.default_delay(60).event(SseEvent{"a"}).event(SseEvent{"b"}));
  const auto start = std::chrono::steady_clock::now();
  const auto res = curl_request("GET", server.url() + "/slow");
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(res.body, "data: a\n\ndata: b\n\n");
  EXPECT_GE(took, std::chrono::milliseconds(120)) << "each event waits its delay, the first too";
}

TEST(EventStreams, IdEventAndDataAreTemplatesRenderedAgainstTheRequest) {
  MockServer server(test::with_control_surfaces());
  const auto created = curl_request("POST", server.url() + "/__mock__/stubs", R"({
      "request": {"path": "/feed/{user}"},
      "action": {"sse": {"events": [{"id": "{{ request.path_params.user }}-1", "event": "{{ request.query.kind }}",
                                     "data": "hello {{ request.path_params.user }}"}], "default_delay_ms": 0}}})",
                                    {"Content-Type: application/json"});
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(curl_request("GET", server.url() + "/feed/ada?kind=greeting").body,
            "id: ada-1\nevent: greeting\ndata: hello ada\n\n");
  const auto broken = curl_request("GET", server.url() + "/feed/ada");
  EXPECT_EQ(broken.status, 500) << "a render error is a clean 500 before the stream starts";
  EXPECT_EQ(Json::parse(broken.body)["error"], "TEMPLATE_RENDER_ERROR");
}

TEST(EventStreams, AConnectionDropCutsTheFirstEventInHalf) {
  MockServer server;
  server.when_requested_with(Request{}.path("/drop"))
      .with_connection_drop(1.0)
      .respond_with_sse(EventStream{}.event(SseEvent{"0123456789"}).event(SseEvent{"never"}));
  const auto res = curl_request("GET", server.url() + "/drop");
  EXPECT_NE(res.code, CURLE_OK);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, std::string("data: 0123456789\n\n").substr(0, 9));
  httplib::Client client(server.host(), server.port());
  EXPECT_FALSE(client.Get("/drop"));
}

TEST(EventStreams, AStreamWithoutEventsIsRefused) {
  MockServer server;
  EXPECT_THROW(server.when_requested_with(Request{}.path("/e")).respond_with_sse(EventStream{}), DocumentError);
  EXPECT_TRUE(server.stubs().empty());
}

class Proxying : public ::testing::Test {
 protected:
  MockServer upstream;
  MockServer server{test::with_control_surfaces()};
};

TEST_F(Proxying, AMatchedRequestIsForwardedAndTheUpstreamAnswerReturned) {
  upstream.when_requested_with(Request{}.method("POST").path("/v1/charge").query("amount", "5"))
      .respond_with(201, R"({"charged": true})", {{"Content-Type", "application/json"}, {"X-Upstream", "yes"}});
  server.when_requested_with(Request{}.path("/charge"))
      .proxy_to(ProxyTarget{upstream.url() + "/v1/charge", {{"Authorization", "Bearer upstream"}}});

  const auto res =
      curl_request("POST", server.url() + "/charge?amount=5", R"({"card": "4242"})",
                   {"Content-Type: application/json", "Authorization: Bearer client", "Connection: keep-alive"});
  EXPECT_EQ(res.status, 201);
  EXPECT_EQ(res.body, R"({"charged": true})");
  EXPECT_EQ(res.header("x-upstream"), "yes");

  const auto seen = upstream.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].path, "/v1/charge") << "the URL is used as it is; the incoming path is not appended";
  EXPECT_EQ(seen[0].query.at("amount"), "5");
  EXPECT_EQ(seen[0].body, R"({"card": "4242"})");
  EXPECT_EQ(seen[0].header("authorization"), "Bearer upstream") << "proxy headers replace incoming ones";
  EXPECT_EQ(seen[0].header("content-type"), "application/json");
  EXPECT_EQ(seen[0].host, "127.0.0.1");
  EXPECT_EQ(server.requests().at(0).matched_stub_id, server.stubs().at(0).id);
}

TEST_F(Proxying, ARecordingProxyKeepsTheFirstAnswerAsAStub) {
  upstream.when_requested_with(Request{}.path("/rate")).respond_with_json(200, {{"eur", 1.1}});
  const auto proxy_stub =
      server.when_requested_with(Request{}.path("/rate")).proxy_to(ProxyTarget{upstream.url() + "/rate", {}, 5, true});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Json::parse(curl_request("GET", server.url() + "/rate").body)["eur"], 1.1);
  EXPECT_EQ(upstream.requests().size(), 1u) << "later requests are answered by the recording";
  const auto stubs = server.stubs();
  ASSERT_EQ(stubs.size(), 2u);
  EXPECT_EQ(stubs[1].definition.response.status(), 200);
  EXPECT_EQ(stubs[1].calls, 2);
  EXPECT_EQ(proxy_stub.calls(), 1);
}

TEST_F(Proxying, AnUnreachableUpstreamIsA502NamingIt) {
  int closed_port = 0;
  {
    MockServer gone;
    closed_port = gone.port();
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port) + "/x";
  server.when_requested_with(Request{}.path("/p")).proxy_to(ProxyTarget{url, {}, 1});
  const auto res = curl_request("GET", server.url() + "/p");
  EXPECT_EQ(res.status, 502);
  const Json body = Json::parse(res.body);
  EXPECT_EQ(body["error"], "PROXY_ERROR");
  EXPECT_NE(body["detail"].get<std::string>().find(url), std::string::npos) << body;
}

TEST_F(Proxying, ProxyStubsComeOverHttpToo) {
  upstream.when_requested_with(Request{}.path("/up")).respond_with(200, "from upstream");
  const auto created = curl_request("POST", server.url() + "/__mock__/stubs",
                                    R"({"request": {"path": "/down"}, "action": {"proxy": {"url": ")" + upstream.url() +
                                        R"(/up", "headers": {}, "timeout": 5}}})",
                                    {"Content-Type: application/json"});
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(curl_request("GET", server.url() + "/down").body, "from upstream");
  EXPECT_THROW(server.when_requested_with(Request{}.path("/bad")).proxy_to(ProxyTarget{"not a url", {}}),
               DocumentError);
}

}  // namespace
