// HTTPS through mockhttp as the application's proxy (CONNECT), over real sockets with libcurl:
// intercepted tunnels answered by stubs and replay sessions with a leaf minted per host, capture
// of HTTPS calls, passthrough to the real host unread, and the refusals of bad CONNECTs.
#include <gtest/gtest.h>
#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <mockhttp/control.hpp>
#include <mockhttp/mockhttp.hpp>

#include "support/raw_http.hpp"

using namespace mockhttp;
using Json = nlohmann::json;

namespace https_proxy_test {

struct ProxiedCall {
  CURLcode code = CURLE_OK;
  long status = 0;
  long connect_status = 0;  // the proxy's answer to CONNECT
  long connections = 0;     // TCP connections libcurl opened
  std::string body;
  std::string error;
};

std::size_t collect_proxied(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

struct ProxiedRequest {
  std::string proxy;          // "http://127.0.0.1:PORT"
  std::string ca_file;        // the CAs the client trusts for the host; empty: the system's
  std::string proxy_ca_file;  // for an https:// proxy
  std::vector<std::string> headers;
  int repeat = 1;  // sent on one handle: a reused tunnel
};

// GETs `url` through the proxy with libcurl (CURLOPT_PROXY, as HTTPS_PROXY sets it).
ProxiedCall get_through(const std::string& url, const ProxiedRequest& how) {
  ProxiedCall call;
  CURL* curl = curl_easy_init();
  char error[CURL_ERROR_SIZE] = "";
  curl_slist* headers = nullptr;
  for (const auto& header : how.headers) headers = curl_slist_append(headers, header.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROXY, how.proxy.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_proxied);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &call.body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
  if (!how.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, how.ca_file.c_str());
  if (!how.proxy_ca_file.empty()) curl_easy_setopt(curl, CURLOPT_PROXY_CAINFO, how.proxy_ca_file.c_str());
  for (int round = 0; round < how.repeat; ++round) {
    call.body.clear();
    call.code = curl_easy_perform(curl);
    if (call.code != CURLE_OK) break;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &call.status);
  curl_easy_getinfo(curl, CURLINFO_HTTP_CONNECTCODE, &call.connect_status);
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &call.connections);
  call.error = error;
  curl_easy_cleanup(curl);
  curl_slist_free_all(headers);
  return call;
}

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(HttpsProxy, ATunnelToAnHttpsHostIsAnsweredByStubsWithALeafForThatHost) {
  MockServer server;
  server.when_requested_with(Request{}.method("POST").host("api.example.test").path("/v1/charges"))
      .respond_with(Response{}.status(201).json_body({{"id", "ch_1"}}));
  server.when_requested_with(Request{}.host("api.example.test").path("/v1/charges/ch_1"))
      .respond_with_json(200, {{"paid", true}});

  CURL* curl = curl_easy_init();
  std::string body;
  const std::string proxy = server.url();
  const std::string ca = server.ca_certificate_file();
  curl_easy_setopt(curl, CURLOPT_URL, "https://api.example.test/v1/charges");
  curl_easy_setopt(curl, CURLOPT_PROXY, proxy.c_str());
  curl_easy_setopt(curl, CURLOPT_CAINFO, ca.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, R"({"amount":42})");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_proxied);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
  ASSERT_EQ(curl_easy_perform(curl), CURLE_OK);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  EXPECT_EQ(status, 201);
  EXPECT_EQ(Json::parse(body), (Json{{"id", "ch_1"}}));
  // The same tunnel carries the next request (keep-alive inside TLS inside CONNECT).
  body.clear();
  curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(curl, CURLOPT_URL, "https://api.example.test/v1/charges/ch_1");
  ASSERT_EQ(curl_easy_perform(curl), CURLE_OK);
  EXPECT_EQ(Json::parse(body), (Json{{"paid", true}}));
  long connections = 0;
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connections);
  EXPECT_EQ(connections, 0) << "the second request reused the tunnel";
  curl_easy_cleanup(curl);

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u) << "the CONNECT itself is not journaled; what went inside is";
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].host, "api.example.test");
  EXPECT_EQ(requests[0].path, "/v1/charges");
  EXPECT_EQ(requests[0].body, R"({"amount":42})");
  ASSERT_TRUE(requests[0].tunnel);
  EXPECT_EQ(*requests[0].tunnel, "api.example.test:443");
  EXPECT_EQ(requests[0].to_json()["tunnel"], "api.example.test:443");
  EXPECT_TRUE(server.confirm_request(Request{}.host("api.example.test").path("/v1/charges/ch_1"), 1));
}

TEST(HttpsProxy, EveryHostGetsItsOwnLeafAndAnIpTargetWithoutSniToo) {
  MockServer server;
  server.when_requested_with(Request{}.path("/who")).respond_with(200, "{{request.host}}");
  ProxiedRequest how;
  how.proxy = server.url();
  how.ca_file = server.ca_certificate_file();
  for (const std::string host : {"one.example.test", "two.example.test", "10.20.30.40"}) {
    const ProxiedCall call = get_through("https://" + host + ":8443/who", how);
    ASSERT_EQ(call.code, CURLE_OK) << host << ": " << call.error;
    EXPECT_EQ(call.status, 200);
    EXPECT_EQ(call.connect_status, 200);
  }
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(*requests[2].tunnel, "10.20.30.40:8443");
  EXPECT_EQ(requests[1].host, "two.example.test");
}

TEST(HttpsProxy, AClientThatDoesNotTrustTheServersCaRefusesTheTunnelAndTheLogSaysWhy) {
  std::mutex mutex;
  std::vector<std::string> lines;
  ServerOptions options;
  options.request_log = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(mutex);
    lines.push_back(line);
  };
  {
    MockServer server(options);
    ProxiedRequest how;
    how.proxy = server.url();
    const ProxiedCall call = get_through("https://api.example.test/", how);
    EXPECT_EQ(call.code, CURLE_PEER_FAILED_VERIFICATION) << call.error;
    EXPECT_TRUE(server.requests().empty());
  }
  std::lock_guard<std::mutex> lock(mutex);
  bool explained = false;
  for (const auto& line : lines)
    explained = explained || (mentions(line, "CONNECT api.example.test:443: TLS handshake failed") &&
                              mentions(line, "ca_certificate_pem"));
  EXPECT_TRUE(explained) << ::testing::PrintToString(lines);
}

TEST(HttpsProxy, AReplaySessionAnswersInsideTheTunnelAndCaptureRecordsTheHttpsCall) {
  // The "real" host: an HTTPS server of its own CA, on loopback.
  ServerOptions upstream_options;
  upstream_options.tls = TlsOptions{};
  MockServer upstream(upstream_options);
  upstream.when_requested_with(Request{}.path("/v1/rates")).respond_with_json(200, {{"eur", 1.1}});

  ServerOptions options;
  options.forward_allowed_hosts = {"127.0.0.1"};
  options.upstream_ca_file = upstream.ca_certificate_file();
  MockServer proxy(options);
  ReplaySession capture = proxy.start_session(ReplayMode::capture);
  ProxiedRequest how;
  how.proxy = proxy.url();
  how.ca_file = proxy.ca_certificate_file();
  how.headers = {capture.header().first + ": " + capture.header().second};
  const std::string url = "https://127.0.0.1:" + std::to_string(upstream.port()) + "/v1/rates?currency=eur";
  const ProxiedCall live = get_through(url, how);
  ASSERT_EQ(live.code, CURLE_OK) << live.error;
  EXPECT_EQ(live.status, 200) << live.body;
  EXPECT_EQ(Json::parse(live.body), (Json{{"eur", 1.1}}));
  ASSERT_EQ(upstream.requests().size(), 1u) << "the passthrough reached the host over https";
  EXPECT_EQ(upstream.requests()[0].query.at("currency"), "eur");
  ASSERT_EQ(capture.captured().size(), 1u);
  const CapturedExchange exchange = capture.captured()[0];
  EXPECT_EQ(exchange.request.host, "127.0.0.1");
  EXPECT_EQ(exchange.request.path, "/v1/rates");
  EXPECT_EQ(exchange.attributes.value("url.full", ""),
            "https://127.0.0.1:" + std::to_string(upstream.port()) + "/v1/rates");
  const Json written = capture.captured_case();
  EXPECT_TRUE(mentions(written.dump(), "\"url.full\"")) << "the case file says the call went over https";

  // Replayed from the captured case, with the upstream no longer asked.
  ReplaySession replay = proxy.start_session(ReplayMode::replay);
  replay.load_case(written);
  const CapturedExchange hit = replay.find_in_case(CasePredicate{}.with_path("/v1/rates"));
  EXPECT_EQ(hit.attributes.value("url.full", ""), exchange.attributes.value("url.full", ""));
  replay.mock_outbound(CasePredicate{}.with_host("127.0.0.1").with_path("/v1/rates"), hit.response);
  how.headers = {replay.header().first + ": " + replay.header().second};
  const ProxiedCall replayed = get_through(url, how);
  ASSERT_EQ(replayed.code, CURLE_OK) << replayed.error;
  EXPECT_EQ(replayed.status, 200);
  EXPECT_EQ(Json::parse(replayed.body), (Json{{"eur", 1.1}}));
  EXPECT_EQ(upstream.requests().size(), 1u);
}

TEST(HttpsProxy, AListedHostIsPassedThroughUnreadToTheRealHost) {
  ServerOptions upstream_options;
  upstream_options.tls = TlsOptions{};
  MockServer upstream(upstream_options);
  upstream.when_requested_with(Request{}.path("/direct")).respond_with(200, "from the real host");
  ServerOptions options;
  options.connect_passthrough_hosts = {"127.0.0.1"};
  MockServer proxy(options);
  proxy.when_requested_with(Request{}.path("/direct")).respond_with(200, "from a stub");

  ProxiedRequest how;
  how.proxy = proxy.url();
  how.ca_file = upstream.ca_certificate_file();  // only the real host's CA: an intercepted tunnel would fail
  const ProxiedCall call = get_through("https://127.0.0.1:" + std::to_string(upstream.port()) + "/direct", how);
  ASSERT_EQ(call.code, CURLE_OK) << call.error;
  EXPECT_EQ(call.body, "from the real host");
  EXPECT_TRUE(proxy.requests().empty());
  EXPECT_EQ(upstream.requests().size(), 1u);
}

TEST(HttpsProxy, APassthroughToALoopbackHostByWildcardIsRefusedSayingHowToAllowIt) {
  ServerOptions options;
  options.connect_passthrough_hosts = {"*"};
  MockServer proxy(options);
  const std::string answer =
      test::raw_exchange(proxy.port(), "CONNECT 127.0.0.1:9 HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n");
  EXPECT_EQ(test::first_status(answer), 403) << answer;
  EXPECT_TRUE(mentions(answer, "CONNECT_REFUSED")) << answer;
  EXPECT_TRUE(mentions(answer, "list it by name in ServerOptions::connect_passthrough_hosts")) << answer;
}

TEST(HttpsProxy, AnUnreachablePassthroughHostIsA502) {
  ServerOptions options;
  options.connect_passthrough_hosts = {"no-such-host.invalid"};
  MockServer proxy(options);
  const std::string answer = test::raw_exchange(proxy.port(), "CONNECT no-such-host.invalid:443 HTTP/1.1\r\n\r\n",
                                                std::chrono::milliseconds(15000));
  EXPECT_EQ(test::first_status(answer), 502) << answer;
  EXPECT_TRUE(mentions(answer, "CONNECT_UPSTREAM_FAILED")) << answer;
  EXPECT_TRUE(mentions(answer, "no-such-host.invalid")) << answer;
}

TEST(HttpsProxy, BadConnectTargetsAre400sNamingTheProblem) {
  MockServer proxy;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"no-port", "is not host:port"},
      {"api.example.test:99999", "is not a number from 1 to 65535"},
      {"api.example.test:0", "is not a number from 1 to 65535"},
      {"bad,host:443", "is not a host name or an IP address"},
      {"[::1:443", "is not [address]:port"},
  };
  for (const auto& [target, problem] : cases) {
    const std::string answer = test::raw_exchange(proxy.port(), "CONNECT " + target + " HTTP/1.1\r\n\r\n");
    EXPECT_EQ(test::first_status(answer), 400) << target << ": " << answer;
    EXPECT_TRUE(mentions(answer, "BAD_CONNECT_TARGET")) << answer;
    EXPECT_TRUE(mentions(answer, problem)) << target << ": " << answer;
  }
  EXPECT_TRUE(proxy.requests().empty());
}

TEST(HttpsProxy, ConnectToAnHttpsMockhttpIsRefusedAsUnsupported) {
  ServerOptions options;
  options.tls = TlsOptions{};
  MockServer proxy(options);
  ProxiedRequest how;
  how.proxy = proxy.url();
  how.proxy_ca_file = proxy.ca_certificate_file();
  how.ca_file = proxy.ca_certificate_file();
  const ProxiedCall call = get_through("https://api.example.test/", how);
  EXPECT_NE(call.code, CURLE_OK);
  EXPECT_EQ(call.connect_status, 501) << call.error;
}

TEST(HttpsProxy, ASilentClientDoesNotKeepAStoppingServerWaiting) {
  auto proxy = std::make_unique<MockServer>();
  // CONNECT answered, then no ClientHello: the tunnel waits in slices that see the server stop.
  const std::string answer = test::raw_exchange(proxy->port(), "CONNECT api.example.test:443 HTTP/1.1\r\n\r\n",
                                                std::chrono::milliseconds(200));
  EXPECT_EQ(test::first_status(answer), 200) << answer;
  proxy.reset();  // returns: the test would hang here otherwise
  SUCCEED();
}

TEST(HttpsProxy, BadPassthroughPatternsAreServerErrors) {
  for (const std::string pattern : {"", "*example.com", "api.*.com", "*."}) {
    ServerOptions options;
    options.connect_passthrough_hosts = {pattern};
    try {
      MockServer server(options);
      FAIL() << "\"" << pattern << "\" was taken";
    } catch (const ServerError& e) {
      EXPECT_TRUE(mentions(e.what(), "connect_passthrough_hosts")) << e.what();
    }
  }
}

TEST(HttpsProxy, APlainServerMintsItsCaOnFirstUseAndKeepsIt) {
  MockServer server;
  const std::string& pem = server.ca_certificate_pem();
  EXPECT_EQ(pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  EXPECT_EQ(&server.ca_certificate_pem(), &pem);
  EXPECT_EQ(server.ca_certificate_file(), server.ca_certificate_file());
  EXPECT_EQ(server.issue_client_certificate("alice").subject, "CN=alice,O=mockhttp");
}

}  // namespace https_proxy_test
