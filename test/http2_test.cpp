// HTTP/2 with real clients (issue 27): libcurl with prior knowledge, the curl and nghttp
// command-line clients, h2c upgrade and ALPN h2 over TLS and inside an intercepted CONNECT
// tunnel; stubs, scopes, replay sessions, verification, the near-miss 404, SSE and the journal
// work per stream; many streams share one connection and a slow one holds none of the others.
// This program links mockhttp::http2; the main suite, which does not, shows the refusal.
#include <gtest/gtest.h>
#include <curl/curl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <mockhttp/control.hpp>
#include <mockhttp/mockhttp.hpp>

#include "support/command_output.hpp"
#include "support/raw_http.hpp"

using namespace mockhttp;
using Json = nlohmann::json;

namespace {

struct Answer {
  CURLcode code = CURLE_OK;
  long status = 0;
  long http_version = 0;  // CURL_HTTP_VERSION_2_0 when the exchange was HTTP/2
  std::string body;
  std::string error;
};

std::size_t keep(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

struct Call {
  std::string url;
  long version = CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
  std::vector<std::string> headers;
  std::string method = "GET";
  std::string body;
  std::string ca_file;
  std::string proxy;
};

void configure(CURL* curl, const Call& call, Answer& answer, curl_slist*& headers, char* error) {
  for (const auto& header : call.headers) headers = curl_slist_append(headers, header.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, call.version);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  if (!call.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, call.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(call.body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  if (!call.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, call.ca_file.c_str());
  if (call.proxy.empty()) {
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  } else {
    curl_easy_setopt(curl, CURLOPT_PROXY, call.proxy.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPPROXYTUNNEL, 1L);
  }
}

Answer perform(const Call& call) {
  Answer answer;
  char error[CURL_ERROR_SIZE] = "";
  curl_slist* headers = nullptr;
  CURL* curl = curl_easy_init();
  configure(curl, call, answer, headers, error);
  answer.code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
  curl_easy_getinfo(curl, CURLINFO_HTTP_VERSION, &answer.http_version);
  answer.error = error;
  curl_easy_cleanup(curl);
  curl_slist_free_all(headers);
  return answer;
}

Answer h2_get(const std::string& url, std::vector<std::string> headers = {}) {
  Call call;
  call.url = url;
  call.headers = std::move(headers);
  return perform(call);
}

std::string run(const std::string& command, int& status) { return test::command_output(command, status); }

TEST(Http2, LibcurlWithPriorKnowledgeGetsAStubAndTheJournalSaysHttp2) {
  MockServer server;
  server.when_requested_with(Request{}.method("POST").path("/orders/{id}").header("x-kind", "rush"))
      .respond_with(201, "made", {{"Content-Type", "text/plain"}, {"X-Answer", "yes"}});
  Call call;
  call.url = server.url() + "/orders/7?expand=items";
  call.method = "POST";
  call.body = R"({"n":1})";
  call.headers = {"X-Kind: rush", "Content-Type: application/json"};
  const Answer answer = perform(call);
  ASSERT_EQ(answer.code, CURLE_OK) << answer.error;
  EXPECT_EQ(answer.http_version, CURL_HTTP_VERSION_2_0);
  EXPECT_EQ(answer.status, 201);
  EXPECT_EQ(answer.body, "made");

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const RecordedRequest& request = requests[0];
  EXPECT_EQ(request.protocol, "HTTP/2");
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/orders/7");
  EXPECT_EQ(request.query.at("expand"), "items");
  EXPECT_EQ(request.body, R"({"n":1})");
  EXPECT_EQ(request.host, "127.0.0.1");
  EXPECT_EQ(request.header("host"), "127.0.0.1:" + std::to_string(server.port())) << ":authority is the Host";
  EXPECT_EQ(request.path_params.at("id"), "7");
  EXPECT_NE(request.connection_id, 0u);
  EXPECT_FALSE(request.tls);
  EXPECT_EQ(request.to_json()["protocol"], "HTTP/2");
  EXPECT_TRUE(server.confirm_request(Request{}.path("/orders/7").protocol("HTTP/2"), 1));
  EXPECT_TRUE(server.confirm_request(Request{}.protocol("HTTP/1.1"), 0));
}

TEST(Http2, TheNearMiss404AndVerificationWorkPerStream) {
  MockServer server;
  server.when_requested_with(Request{}.method("POST").path("/payment")).respond_with(200, "paid");
  const Answer miss = h2_get(server.url() + "/payment");
  ASSERT_EQ(miss.code, CURLE_OK) << miss.error;
  EXPECT_EQ(miss.status, 404);
  const Json report = Json::parse(miss.body);
  EXPECT_EQ(report["error"], "NO_STUB_MATCH_FOUND");
  EXPECT_EQ(report["request"]["path"], "/payment");
  ASSERT_GE(report["closest_stubs"].size(), 1u);
  EXPECT_NE(report["report"].get<std::string>().find("No stub matched GET /payment (HTTP/2)"), std::string::npos)
      << report["report"];
  EXPECT_TRUE(server.confirm_request(Request{}.method("GET").path("/payment"), 1));
}

TEST(Http2, ScopesAndReplaySessionsWorkUnchanged) {
  MockServer server;
  server.when_requested_with(Request{}.path("/who")).respond_with(200, "global");
  Scope scope = server.new_scope("checkout");
  scope.when_requested_with(Request{}.path("/who")).respond_with(200, "scoped");
  const auto header = scope.header();
  const Answer scoped = h2_get(server.url() + "/who", {header.first + ": " + header.second});
  ASSERT_EQ(scoped.code, CURLE_OK) << scoped.error;
  EXPECT_EQ(scoped.body, "scoped");
  EXPECT_EQ(h2_get(server.url() + "/who").body, "global");
  EXPECT_TRUE(scope.confirm_request(Request{}.path("/who").protocol("HTTP/2"), 1));

  ReplaySession session = server.start_session(ReplayMode::replay);
  session.mock_outbound(CasePredicate{}.with_path("/who"), CapturedResponse{200, {}, "replayed"});
  const auto session_header = session.header();
  const Answer replayed = h2_get(server.url() + "/who", {session_header.first + ": " + session_header.second});
  ASSERT_EQ(replayed.code, CURLE_OK) << replayed.error;
  EXPECT_EQ(replayed.status, 200);
  EXPECT_EQ(replayed.body, "replayed");
}

TEST(Http2, ServerSentEventsStreamAsDataFramesAfterTheirPauses) {
  MockServer server;
  server.when_requested_with(Request{}.path("/events"))
      .respond_with_sse(EventStream{}.event(SseEvent{"first"}.id("1")).event(SseEvent{"second"}.delay(50)));
  const Answer answer = h2_get(server.url() + "/events");
  ASSERT_EQ(answer.code, CURLE_OK) << answer.error;
  EXPECT_EQ(answer.http_version, CURL_HTTP_VERSION_2_0);
  EXPECT_NE(answer.body.find("id: 1\ndata: first\n\n"), std::string::npos) << answer.body;
  EXPECT_NE(answer.body.find("data: second\n\n"), std::string::npos) << answer.body;
  EXPECT_LT(answer.body.find("first"), answer.body.find("second"));
}

TEST(Http2, ABodyOverTheLimitIsAnswered413) {
  ServerOptions options;
  options.max_body_bytes = 1000;
  MockServer server(options);
  server.when_requested_with(Request{}.path("/upload")).respond_with(200, "kept");
  Call call;
  call.url = server.url() + "/upload";
  call.method = "POST";
  call.body = std::string(5000, 'x');
  const Answer answer = perform(call);
  EXPECT_EQ(answer.status, 413) << answer.error;
  EXPECT_NE(answer.body.find("max_body_bytes"), std::string::npos) << answer.body;
  EXPECT_TRUE(server.requests().empty()) << "a refused request is not journaled";
  call.body = std::string(500, 'x');
  EXPECT_EQ(perform(call).status, 200) << "the connection's next stream and the server go on";
}

TEST(Http2, ABodyCutShortResetsItsStreamAndAFaultEndsTheConnection) {
  MockServer server;
  server.when_requested_with(Request{}.path("/cut"))
      .with_fault(FaultKind::connection_drop)
      .respond_with(200, std::string(4000, 'x'));
  server.when_requested_with(Request{}.path("/broken")).with_fault(FaultKind::empty_response).respond_with(200, "no");
  server.when_requested_with(Request{}.path("/fine")).respond_with(200, "fine");
  const Answer cut = h2_get(server.url() + "/cut");
  // The head and half the body are sent, then RST_STREAM; libcurl may drop the head unread.
  EXPECT_EQ(cut.code, CURLE_HTTP2_STREAM) << "RST_STREAM: " << cut.error;
  EXPECT_LT(cut.body.size(), 4000u);
  const Answer broken = h2_get(server.url() + "/broken");
  EXPECT_NE(broken.code, CURLE_OK) << "GOAWAY, then close";
  EXPECT_EQ(broken.status, 0) << "no answer at all";
  EXPECT_EQ(h2_get(server.url() + "/fine").body, "fine") << "the server goes on";
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(Http2, TheCurlCommandLineSpeaksHttp2EveryWay) {
  MockServer server;
  server.when_requested_with(Request{}.path("/hello")).respond_with(200, "hi");
  int status = 0;
  const std::string prior =
      run("curl -s --noproxy '*' --http2-prior-knowledge -w ' %{http_version}' " + server.url() + "/hello", status);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(prior, "hi 2");
  // `curl --http2` on http:// asks to upgrade: 101, then the answer arrives as HTTP/2's stream 1.
  const std::string upgraded =
      run("curl -s --noproxy '*' --http2 -w ' %{http_version}' " + server.url() + "/hello", status);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(upgraded, "hi 2");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].protocol, "HTTP/2");
  EXPECT_EQ(requests[1].protocol, "HTTP/2") << "the upgrading request is answered over HTTP/2";
  EXPECT_EQ(requests[1].header("upgrade"), "h2c");
}

TEST(Http2, NghttpGetsAStub) {
  MockServer server;
  server.when_requested_with(Request{}.path("/from-nghttp")).respond_with(200, "nghttp was here");
  int status = 0;
  const std::string body = run("nghttp " + server.url() + "/from-nghttp", status);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(body, "nghttp was here");
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].protocol, "HTTP/2");
}

TEST(Http2, OverTlsAlpnChoosesH2AndHttp11ClientsStillGetHttp11) {
  ServerOptions options;
  options.tls = TlsOptions{};
  MockServer server(options);
  server.when_requested_with(Request{}.path("/secure")).respond_with(200, "sealed");
  Call call;
  call.url = server.url() + "/secure";
  call.version = CURL_HTTP_VERSION_2TLS;
  call.ca_file = server.ca_certificate_file();
  const Answer h2 = perform(call);
  ASSERT_EQ(h2.code, CURLE_OK) << h2.error;
  EXPECT_EQ(h2.http_version, CURL_HTTP_VERSION_2_0);
  EXPECT_EQ(h2.body, "sealed");
  call.version = CURL_HTTP_VERSION_1_1;
  const Answer h1 = perform(call);
  ASSERT_EQ(h1.code, CURLE_OK) << h1.error;
  EXPECT_EQ(h1.http_version, CURL_HTTP_VERSION_1_1);
  int status = 0;
  const std::string by_command = run("curl -s --noproxy '*' --http2 --cacert " + server.ca_certificate_file() +
                                         " -w ' %{http_version}' " + server.url() + "/secure",
                                     status);
  EXPECT_EQ(by_command, "sealed 2");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].protocol, "HTTP/2");
  EXPECT_TRUE(requests[0].tls);
  EXPECT_EQ(requests[1].protocol, "HTTP/1.1");
  EXPECT_EQ(requests[2].protocol, "HTTP/2");
}

TEST(Http2, InsideAnInterceptedTunnelAlpnChoosesH2) {
  MockServer server;
  server.when_requested_with(Request{}.host("api.example.test").path("/v1/thing")).respond_with(200, "intercepted");
  Call call;
  call.url = "https://api.example.test/v1/thing";
  call.version = CURL_HTTP_VERSION_2TLS;
  call.ca_file = server.ca_certificate_file();
  call.proxy = server.url();
  const Answer answer = perform(call);
  ASSERT_EQ(answer.code, CURLE_OK) << answer.error;
  EXPECT_EQ(answer.http_version, CURL_HTTP_VERSION_2_0);
  EXPECT_EQ(answer.body, "intercepted");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].protocol, "HTTP/2");
  EXPECT_EQ(requests[0].tunnel, "api.example.test:443");
  EXPECT_TRUE(requests[0].tls);
}

// What a service under test does: its environment names the mock as HTTPS_PROXY, and the curl
// it runs negotiates h2 with api.example.test through the intercepted tunnel.
TEST(Http2, AClientGivenHttpsProxyInItsEnvironmentNegotiatesH2ThroughTheTunnel) {
  MockServer server;
  server.when_requested_with(Request{}.host("api.example.test").path("/v1/thing")).respond_with(200, "through env");
  int status = 0;
  const std::string out =
      run("env -u NO_PROXY -u no_proxy HTTPS_PROXY=" + server.url() + " curl -s --http2 --cacert " +
              server.ca_certificate_file() + " -w ' %{http_version}' https://api.example.test/v1/thing",
          status);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(out, "through env 2");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].protocol, "HTTP/2");
  EXPECT_EQ(requests[0].tunnel, "api.example.test:443");
}

TEST(Http2, WithHttp2OffThePrefaceIsRefusedAndAlpnOffersHttp11) {
  ServerOptions options;
  options.http2 = false;
  MockServer server(options);
  server.when_requested_with(Request{}.path("/x")).respond_with(200, "one");
  const Answer refused = h2_get(server.url() + "/x");
  EXPECT_NE(refused.code, CURLE_OK) << "an HTTP/2 client cannot read an HTTP/1.1 refusal as HTTP/2";
  const std::string said = test::raw_exchange(server.port(), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  EXPECT_EQ(said.rfind("HTTP/1.1 505 ", 0), 0u) << "HTTP2_NOT_SERVED, in HTTP/1.1: " << said;
  Call upgrade;
  upgrade.url = server.url() + "/x";
  upgrade.version = CURL_HTTP_VERSION_2_0;  // asks for h2c; the server keeps HTTP/1.1
  const Answer kept = perform(upgrade);
  ASSERT_EQ(kept.code, CURLE_OK) << kept.error;
  EXPECT_EQ(kept.http_version, CURL_HTTP_VERSION_1_1);
  EXPECT_EQ(kept.body, "one");
  EXPECT_TRUE(server.confirm_request(Request{}.protocol("HTTP/1.1"), 1));
}

// 100 streams on one connection (libcurl multiplexing, over TLS with ALPN h2: Debian's libcurl
// 7.88 fails every multiplexed transfer but the first on a prior-knowledge connection, whatever
// the server); the stub of one of them answers only
// once the client has received every other answer, or after a long wait. A connection that
// answered streams one after another would have the 99 waiting on it, and the slow one answered
// at the end of its wait, not last by release.
TEST(Http2, OneSlowStreamNeverHoldsTheOthersOnItsConnection) {
  ServerOptions options;
  options.tls = TlsOptions{};
  MockServer server(options);
  std::mutex mutex;
  std::condition_variable released_changed;
  bool released = false;
  server.when_requested_with(Request{}.path("/slow")).respond_with([&](const RecordedRequest&) {
    std::unique_lock<std::mutex> lock(mutex);
    const bool in_time = released_changed.wait_for(lock, std::chrono::seconds(20), [&] { return released; });
    return Response(200).body(in_time ? "released" : "gave up waiting");
  });
  server.when_requested_with(Request{}.path("/fast/{n}")).respond_with(200, "fast");

  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 1L);
  constexpr int kStreams = 100;
  std::vector<Answer> answers(kStreams);
  std::vector<char*> errors(kStreams);
  std::vector<curl_slist*> lists(kStreams, nullptr);
  std::vector<CURL*> handles;
  for (int i = 0; i < kStreams; ++i) {
    Call call;
    call.url = server.url() + (i == 0 ? std::string("/slow") : "/fast/" + std::to_string(i));
    call.version = CURL_HTTP_VERSION_2TLS;
    call.ca_file = server.ca_certificate_file();
    errors[i] = new char[CURL_ERROR_SIZE]();
    CURL* curl = curl_easy_init();
    configure(curl, call, answers[i], lists[i], errors[i]);
    curl_easy_setopt(curl, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(curl, CURLOPT_PRIVATE, reinterpret_cast<void*>(static_cast<std::intptr_t>(i)));
    curl_multi_add_handle(multi, curl);
    handles.push_back(curl);
  }
  std::vector<int> finished;
  int running = 0;
  do {
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      void* index = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &index);
      const int i = static_cast<int>(reinterpret_cast<std::intptr_t>(index));
      answers[i].code = message->data.result;
      answers[i].error = errors[i];
      curl_easy_getinfo(message->easy_handle, CURLINFO_RESPONSE_CODE, &answers[i].status);
      curl_easy_getinfo(message->easy_handle, CURLINFO_HTTP_VERSION, &answers[i].http_version);
      finished.push_back(i);
      if (static_cast<int>(finished.size()) == kStreams - 1) {
        const std::lock_guard<std::mutex> lock(mutex);
        released = true;
        released_changed.notify_all();
      }
    }
    if (running > 0) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
  } while (running > 0);
  long connections = 0;
  for (CURL* curl : handles) {
    long opened = 0;
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &opened);
    connections += opened;
    curl_multi_remove_handle(multi, curl);
    curl_easy_cleanup(curl);
  }
  curl_multi_cleanup(multi);
  for (auto* error : errors) delete[] error;
  for (auto* list : lists) curl_slist_free_all(list);

  ASSERT_EQ(finished.size(), static_cast<std::size_t>(kStreams));
  for (int i = 0; i < kStreams; ++i) {
    EXPECT_EQ(answers[i].code, CURLE_OK) << i << ": " << answers[i].error;
    EXPECT_EQ(answers[i].status, 200) << i;
    EXPECT_EQ(answers[i].http_version, CURL_HTTP_VERSION_2_0) << i;
  }
  EXPECT_EQ(finished.back(), 0) << "the slow stream ends last";
  EXPECT_EQ(answers[0].body, "released") << "the 99 others were answered while it waited";
  EXPECT_EQ(connections, 1) << "every stream shared one connection";
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), static_cast<std::size_t>(kStreams));
  for (const auto& request : requests) {
    EXPECT_EQ(request.protocol, "HTTP/2");
    EXPECT_EQ(request.connection_id, requests[0].connection_id);
  }
}

// A body part's pause is timed by the connection's loop, not slept: a stream asked for while
// another waits between two events of its SSE stream is answered before the wait ends.
struct PausedStream {
  std::string body;
  CURL* second = nullptr;
  bool first_event_seen = false;
  bool second_added = false;
};

std::size_t keep_and_watch_for_first_event(char* data, std::size_t size, std::size_t count, void* out) {
  auto& paused = *static_cast<PausedStream*>(out);
  paused.body.append(data, size * count);
  // libcurl takes no new transfer from inside a callback: the loop below adds it.
  paused.first_event_seen = paused.body.find("data: first") != std::string::npos;
  return size * count;
}

TEST(Http2, AStreamWaitingBetweenItsPartsHoldsNoOtherStream) {
  ServerOptions options;
  options.tls = TlsOptions{};
  MockServer server(options);
  server.when_requested_with(Request{}.path("/events"))
      .respond_with_sse(EventStream{}.event(SseEvent{"first"}).event(SseEvent{"second"}.delay(3000)));
  server.when_requested_with(Request{}.path("/quick")).respond_with(200, "quick");
  PausedStream paused;
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 1L);
  const std::string events_url = server.url() + "/events", quick_url = server.url() + "/quick";
  std::string quick_body;
  CURL* first = curl_easy_init();
  paused.second = curl_easy_init();
  for (CURL* curl : {first, paused.second}) {
    curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(curl, CURLOPT_CAINFO, server.ca_certificate_file().c_str());
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  }
  curl_easy_setopt(first, CURLOPT_URL, events_url.c_str());
  curl_easy_setopt(first, CURLOPT_WRITEFUNCTION, keep_and_watch_for_first_event);
  curl_easy_setopt(first, CURLOPT_WRITEDATA, &paused);
  curl_easy_setopt(paused.second, CURLOPT_URL, quick_url.c_str());
  curl_easy_setopt(paused.second, CURLOPT_WRITEFUNCTION, keep);
  curl_easy_setopt(paused.second, CURLOPT_WRITEDATA, &quick_body);
  curl_multi_add_handle(multi, first);
  std::vector<CURL*> finished;
  int running = 0;
  do {
    curl_multi_perform(multi, &running);
    if (paused.first_event_seen && !paused.second_added) {
      paused.second_added = true;
      curl_multi_add_handle(multi, paused.second);
      running += 1;
    }
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
      if (message->msg == CURLMSG_DONE) {
        EXPECT_EQ(message->data.result, CURLE_OK);
        finished.push_back(message->easy_handle);
      }
    }
    if (running > 0) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
  } while (running > 0);
  long connections = 0, opened = 0;
  curl_easy_getinfo(first, CURLINFO_NUM_CONNECTS, &opened);
  connections += opened;
  curl_easy_getinfo(paused.second, CURLINFO_NUM_CONNECTS, &opened);
  connections += opened;
  for (CURL* curl : {first, paused.second}) {
    curl_multi_remove_handle(multi, curl);
    curl_easy_cleanup(curl);
  }
  curl_multi_cleanup(multi);

  ASSERT_TRUE(paused.second_added) << paused.body;
  ASSERT_EQ(finished.size(), 2u);
  EXPECT_EQ(finished[0], paused.second) << "the quick stream ends while the other waits for its second event";
  EXPECT_EQ(finished[1], first);
  EXPECT_EQ(quick_body, "quick");
  EXPECT_NE(paused.body.find("data: second"), std::string::npos) << paused.body;
  EXPECT_EQ(connections, 1) << "both streams on one connection";
}

// The process's threads now (Linux: /proc/self/status).
int thread_count() {
  int status = 0;
  const std::string line = run("grep '^Threads:' /proc/" + std::to_string(::getpid()) + "/status", status);
  return line.size() > 8 ? std::stoi(line.substr(8)) : -1;
}

// A stub's latency is a plan's delay the connection's loop waits out: a hundred streams
// waiting at once hold no thread each (the engine decided each answer and let its worker go).
TEST(Http2, StreamsWaitingOutALatencyHoldNoThreadEach) {
  ServerOptions options;
  options.tls = TlsOptions{};  // Debian's libcurl multiplexes prior-knowledge h2c badly; ALPN h2 it does well
  MockServer server(options);
  server.when_requested_with(Request{}.path("/late/{n}")).with_latency(3000).respond_with(200, "late");
  const int before = thread_count();
  ASSERT_GT(before, 0);
  constexpr int kStreams = 100;
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 1L);
  std::vector<Answer> answers(kStreams);
  std::vector<std::vector<char>> errors(kStreams, std::vector<char>(CURL_ERROR_SIZE));
  std::vector<curl_slist*> lists(kStreams, nullptr);
  std::vector<CURL*> handles;
  for (int i = 0; i < kStreams; ++i) {
    Call call;
    call.url = server.url() + "/late/" + std::to_string(i);
    call.version = CURL_HTTP_VERSION_2TLS;
    call.ca_file = server.ca_certificate_file();
    CURL* curl = curl_easy_init();
    configure(curl, call, answers[i], lists[i], errors[i].data());
    curl_easy_setopt(curl, CURLOPT_PIPEWAIT, 1L);
    curl_multi_add_handle(multi, curl);
    handles.push_back(curl);
  }
  int most_threads = 0;
  bool all_journaled = false;
  int running = 0;
  do {
    curl_multi_perform(multi, &running);
    if (!all_journaled && server.requests().size() == static_cast<std::size_t>(kStreams)) {
      // Every stream is waiting out its latency (3 s from its own arrival) right now.
      all_journaled = true;
      most_threads = thread_count();
    }
    if (running > 0) curl_multi_poll(multi, nullptr, 0, 50, nullptr);
  } while (running > 0);
  for (CURL* curl : handles) {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    EXPECT_EQ(status, 200);
    curl_multi_remove_handle(multi, curl);
    curl_easy_cleanup(curl);
  }
  curl_multi_cleanup(multi);
  for (auto* list : lists) curl_slist_free_all(list);
  ASSERT_TRUE(all_journaled);
  for (const auto& answer : answers) EXPECT_EQ(answer.body, "late");
  EXPECT_LT(most_threads - before, kStreams / 2)
      << "threads while " << kStreams << " streams waited out a latency: " << most_threads << " (" << before
      << " before)";
}

// A stopping server wakes a stream waiting out a long latency at once: it is answered 503
// MOCKHTTP_STOPPING before the GOAWAY, as an HTTP/1.1 request would be.
TEST(Http2, AStoppingServerAnswersAStreamWaitingOutItsLatency) {
  auto server = std::make_unique<MockServer>();
  server->when_requested_with(Request{}.path("/late")).with_latency(60000).respond_with(200, "late");
  const std::string url = server->url() + "/late";
  Answer answer;
  std::thread client([&] { answer = h2_get(url); });
  EXPECT_TRUE(server->wait_for(Request{}.path("/late"), eq(1), std::chrono::seconds(30)));
  server.reset();
  client.join();
  EXPECT_EQ(answer.code, CURLE_OK) << answer.error;
  EXPECT_EQ(answer.status, 503);
  EXPECT_NE(answer.body.find("MOCKHTTP_STOPPING"), std::string::npos) << answer.body;
  EXPECT_NE(answer.body.find("latency"), std::string::npos) << answer.body;
}

// reset_stream: RST_STREAM on that stream only, with the stub's error code; the connection
// lives on and answers the next request (libcurl reuses it: no new connect).
TEST(Http2, AResetStreamFaultResetsOnlyItsStreamWithItsCode) {
  ServerOptions options;
  options.tls = TlsOptions{};
  MockServer server(options);
  server.when_requested_with(Request{}.path("/reset"))
      .with_fault(FaultKind::reset_stream)
      .respond_with(200, "never sent");
  server.when_requested_with(Request{}.path("/cancelled"))
      .with_fault(Fault{FaultKind::reset_stream, 1.0, StreamErrorCode::cancel})
      .respond_with(200, "never sent");
  StubDefinition refused = StubDefinition::from_json(Json::parse(R"({
      "request": {"path": "/refused"},
      "action": {"response": {"status_code": 200, "body": "never sent"}},
      "chaos": {"faults": {"reset_stream": {"error_code": "REFUSED_STREAM"}}}})"));
  EXPECT_EQ(refused.chaos.fault->reset_code, StreamErrorCode::refused_stream);
  EXPECT_EQ(refused.to_json()["chaos"]["faults"]["reset_stream"]["error_code"], "REFUSED_STREAM");
  server.add_stub(refused);
  server.when_requested_with(Request{}.path("/fine")).respond_with(200, "fine");

  char error[CURL_ERROR_SIZE] = "";
  Answer reset, fine;
  curl_slist* headers = nullptr;
  CURL* curl = curl_easy_init();
  Call call;
  call.url = server.url() + "/reset";
  call.version = CURL_HTTP_VERSION_2TLS;
  call.ca_file = server.ca_certificate_file();
  configure(curl, call, reset, headers, error);
  reset.code = curl_easy_perform(curl);
  reset.error = error;
  curl_easy_setopt(curl, CURLOPT_URL, (server.url() + "/fine").c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &fine.body);
  fine.code = curl_easy_perform(curl);
  long new_connections = -1;
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &new_connections);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &fine.status);
  curl_easy_cleanup(curl);
  curl_slist_free_all(headers);

  EXPECT_EQ(reset.code, CURLE_HTTP2_STREAM) << reset.error;
  EXPECT_NE(reset.error.find("INTERNAL_ERROR"), std::string::npos) << reset.error;
  EXPECT_EQ(fine.code, CURLE_OK);
  EXPECT_EQ(fine.status, 200);
  EXPECT_EQ(fine.body, "fine");
  EXPECT_EQ(new_connections, 0) << "the reset stream's connection answered the next request";

  int status = 0;
  const std::string verbose = run("nghttp -v " + server.url() + "/refused 2>&1", status);
  EXPECT_NE(verbose.find("recv RST_STREAM"), std::string::npos) << verbose;
  EXPECT_NE(verbose.find("error_code=REFUSED_STREAM"), std::string::npos) << verbose;
  const std::string cancelled = run("nghttp -v " + server.url() + "/cancelled 2>&1", status);
  EXPECT_NE(cancelled.find("error_code=CANCEL"), std::string::npos) << cancelled;

  const auto requests = server.requests();
  ASSERT_GE(requests.size(), 4u);
  ASSERT_TRUE(requests[0].chaos.has_value());
  EXPECT_EQ(requests[0].chaos->fault, FaultKind::reset_stream);
  EXPECT_EQ(requests[0].to_json()["chaos"]["fault"], "reset_stream");
}

TEST(Http2, AResetStreamErrorCodeIsCheckedNamingTheField) {
  const auto read = [](const std::string& faults) {
    try {
      (void)StubDefinition::from_json(Json::parse(R"({"request": {"path": "/x"},
          "action": {"response": {"status_code": 200, "body": ""}}, "chaos": {"faults": )" +
                                                  faults + "}}"));
      return std::string("accepted");
    } catch (const DocumentError& e) {
      return std::string(e.what());
    }
  };
  const std::string unknown = read(R"({"reset_stream": {"error_code": "OOPS"}})");
  EXPECT_NE(unknown.find("/chaos/faults/reset_stream/error_code"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("REFUSED_STREAM"), std::string::npos) << unknown << ": the known names are listed";
  const std::string misplaced = read(R"({"connection_reset": {"error_code": "CANCEL"}})");
  EXPECT_NE(misplaced.find("error_code applies to reset_stream only"), std::string::npos) << misplaced;
}

// HTTP/1.1 has no stream to reset: reset_stream resets the connection, as connection_reset does.
TEST(Http2, OverHttp11AResetStreamFaultResetsTheConnection) {
  MockServer server;
  server.when_requested_with(Request{}.path("/reset")).with_fault(FaultKind::reset_stream).respond_with(200, "x");
  int status = 0;
  const std::string out =
      run("curl -s -S --noproxy '*' --http1.1 " + server.url() + "/reset 2>&1; echo \" exit=$?\"", status);
  EXPECT_NE(out.find("exit=56"), std::string::npos) << out << " (56: a receive failure, the reset)";
}

// Transfers run together on one multiplexed connection (libcurl over TLS with ALPN h2, as in
// OneSlowStreamNeverHoldsTheOthersOnItsConnection); each answer in the order of `paths`, and how
// many connections they opened in all.
struct TogetherAnswers {
  std::vector<Answer> answers;
  long connections = 0;
};

TogetherAnswers get_together(const MockServer& server, const std::vector<std::string>& paths) {
  TogetherAnswers out;
  out.answers.resize(paths.size());
  std::vector<std::vector<char>> errors(paths.size(), std::vector<char>(CURL_ERROR_SIZE, '\0'));
  std::vector<curl_slist*> lists(paths.size(), nullptr);
  std::vector<CURL*> handles;
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 1L);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    Call call;
    call.url = server.url() + paths[i];
    call.version = CURL_HTTP_VERSION_2TLS;
    call.ca_file = server.ca_certificate_file();
    CURL* curl = curl_easy_init();
    configure(curl, call, out.answers[i], lists[i], errors[i].data());
    curl_easy_setopt(curl, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(curl, CURLOPT_PRIVATE, reinterpret_cast<void*>(static_cast<std::intptr_t>(i)));
    curl_multi_add_handle(multi, curl);
    handles.push_back(curl);
  }
  int running = 0;
  do {
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      void* index = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &index);
      Answer& answer = out.answers[static_cast<std::size_t>(reinterpret_cast<std::intptr_t>(index))];
      answer.code = message->data.result;
      curl_easy_getinfo(message->easy_handle, CURLINFO_RESPONSE_CODE, &answer.status);
    }
    if (running > 0) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
  } while (running > 0);
  for (std::size_t i = 0; i < handles.size(); ++i) {
    long opened = 0;
    curl_easy_getinfo(handles[i], CURLINFO_NUM_CONNECTS, &opened);
    out.connections += opened;
    out.answers[i].error = errors[i].data();
    curl_multi_remove_handle(multi, handles[i]);
    curl_easy_cleanup(handles[i]);
    curl_slist_free_all(lists[i]);
  }
  curl_multi_cleanup(multi);
  return out;
}

bool is_http2_error(CURLcode code) { return code == CURLE_HTTP2_STREAM || code == CURLE_HTTP2; }

// The reset stream fails while the others in flight on its connection at the same time are
// answered: RST_STREAM ends one stream, never the connection.
TEST(Http2, AResetStreamFailsOnlyItsTransferWhileTheOthersOnItsConnectionAreAnswered) {
  ServerOptions options;
  options.tls = TlsOptions{};
  MockServer server(options);
  server.when_requested_with(Request{}.path("/reset"))
      .with_fault(Fault{FaultKind::reset_stream, 1.0, StreamErrorCode::enhance_your_calm})
      .respond_with(200, "never sent");
  server.when_requested_with(Request{}.path("/fine/{n}")).respond_with(200, "fine");

  const TogetherAnswers together = get_together(server, {"/fine/1", "/reset", "/fine/2", "/fine/3"});

  EXPECT_TRUE(is_http2_error(together.answers[1].code))
      << together.answers[1].code << ": " << together.answers[1].error;
  EXPECT_NE(together.answers[1].error.find("ENHANCE_YOUR_CALM"), std::string::npos) << together.answers[1].error;
  for (std::size_t i : {0u, 2u, 3u}) {
    EXPECT_EQ(together.answers[i].code, CURLE_OK) << i << ": " << together.answers[i].error;
    EXPECT_EQ(together.answers[i].status, 200) << i;
    EXPECT_EQ(together.answers[i].body, "fine") << i;
  }
  EXPECT_EQ(together.connections, 1) << "every transfer shared one connection";
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  for (const auto& request : requests) {
    if (request.path != "/reset") continue;
    ASSERT_TRUE(request.chaos.has_value());
    EXPECT_EQ(request.chaos->fault, FaultKind::reset_stream);
  }
}

// A reset_stream fault with a probability draws from the server's seed like every fault: the
// same seed resets the same streams again.
TEST(Http2, TheSameSeedResetsTheSameStreams) {
  const auto run_with = [](std::uint64_t seed) {
    ServerOptions options;
    options.tls = TlsOptions{};
    options.seed = seed;
    MockServer server(options);
    server.when_requested_with(Request{}.path("/maybe"))
        .with_fault(FaultKind::reset_stream, 0.5)
        .respond_with(200, "kept");
    std::vector<bool> reset;
    // One transfer at a time: the draws are made in the order the requests arrive.
    for (int i = 0; i < 16; ++i) {
      Call call;
      call.url = server.url() + "/maybe";
      call.version = CURL_HTTP_VERSION_2TLS;
      call.ca_file = server.ca_certificate_file();
      const Answer answer = perform(call);
      EXPECT_TRUE(answer.code == CURLE_OK || is_http2_error(answer.code)) << answer.code << ": " << answer.error;
      reset.push_back(answer.code != CURLE_OK);
    }
    std::vector<bool> journaled;
    for (const auto& request : server.requests()) journaled.push_back(request.chaos && request.chaos->fault);
    EXPECT_EQ(journaled, reset) << "the journal says which streams were reset";
    return reset;
  };
  const auto first = run_with(11), again = run_with(11), other = run_with(12);
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
  EXPECT_NE(std::count(first.begin(), first.end(), true), 0);
  EXPECT_NE(std::count(first.begin(), first.end(), false), 0);
}

// The admin API takes a reset_stream stub, lists it back with its code, and the curl command
// line over HTTP/2 sees the stream reset with that code.
TEST(Http2, AResetStreamStubPostedToTheAdminApiIsServed) {
  ServerOptions options;
  options.control_surfaces = {admin_api()};
  MockServer server(options);
  int status = 0;
  const std::string stub =
      R"({"request": {"path": "/refused"}, "action": {"response": {"status_code": 200, "body": "never sent"}},)"
      R"( "chaos": {"faults": {"reset_stream": {"probability": 1, "error_code": "REFUSED_STREAM"}}}})";
  const std::string created =
      run("curl -s -S --noproxy '*' --http2-prior-knowledge -X POST -H 'Content-Type: "
          "application/json' --data-raw '" +
              stub + "' " + server.url() + "/__mock__/stubs 2>&1",
          status);
  EXPECT_NE(created.find("stub_id"), std::string::npos) << created;
  const Json listed =
      Json::parse(run("curl -s -S --noproxy '*' --http2-prior-knowledge " + server.url() + "/__mock__/stubs", status));
  EXPECT_NE(listed.dump().find(R"("reset_stream":{"error_code":"REFUSED_STREAM","probability":1)"), std::string::npos)
      << listed.dump();

  // REFUSED_STREAM says the server did not process the request, so curl retries it on a fresh
  // connection (RFC 9113 §8.7), each time reset again, until it gives up.
  const std::string verbose =
      run("curl -s -S -v --noproxy '*' --http2-prior-knowledge " + server.url() + "/refused 2>&1; echo \" exit=$?\"",
          status);
  EXPECT_NE(verbose.find("REFUSED_STREAM, retrying a fresh connect"), std::string::npos) << verbose;
  EXPECT_NE(verbose.find("exit=56"), std::string::npos) << verbose << " (56: CURLE_RECV_ERROR, it gave up)";
  const auto requests = server.requests();
  ASSERT_GE(requests.size(), 2u);
  for (const auto& request : requests) EXPECT_EQ(request.to_json()["chaos"]["fault"], "reset_stream");
}

// malformed_chunk in HTTP/2 terms: more DATA than the content-length says, a stream error the
// client must answer with RST_STREAM PROTOCOL_ERROR (RFC 9113 §8.1.1); the connection's other
// transfers in flight are answered.
TEST(Http2, AMalformedChunkIsAStreamProtocolErrorForEachClient) {
  ServerOptions options;
  options.tls = TlsOptions{};
  MockServer server(options);
  server.when_requested_with(Request{}.path("/malformed"))
      .with_fault(FaultKind::malformed_chunk)
      .respond_with(200, "x");
  server.when_requested_with(Request{}.path("/fine/{n}")).respond_with(200, "fine");

  const TogetherAnswers together = get_together(server, {"/fine/1", "/malformed", "/fine/2"});
  EXPECT_EQ(together.answers[1].code, CURLE_HTTP2_STREAM) << together.answers[1].error;
  EXPECT_NE(together.answers[1].error.find("PROTOCOL_ERROR"), std::string::npos) << together.answers[1].error;
  for (std::size_t i : {0u, 2u}) {
    EXPECT_EQ(together.answers[i].code, CURLE_OK) << i << ": " << together.answers[i].error;
    EXPECT_EQ(together.answers[i].body, "fine") << i;
  }
  EXPECT_EQ(together.connections, 1);

  int status = 0;
  const std::string verbose = run("nghttp -v " + server.url() + "/malformed 2>&1", status);
  EXPECT_NE(verbose.find("send RST_STREAM"), std::string::npos) << verbose << ": nghttp resets the stream";
  EXPECT_NE(verbose.find("error_code=PROTOCOL_ERROR"), std::string::npos) << verbose;
  const std::string command_line = run("curl -s -S --noproxy '*' --http2 --cacert " + server.ca_certificate_file() +
                                           " " + server.url() + "/malformed 2>&1; echo \" exit=$?\"",
                                       status);
  EXPECT_NE(command_line.find("exit=92"), std::string::npos) << command_line << " (92: CURLE_HTTP2_STREAM)";
  EXPECT_NE(command_line.find("PROTOCOL_ERROR"), std::string::npos) << command_line;
  for (const auto& request : server.requests()) {
    if (request.path == "/malformed") {
      EXPECT_EQ(request.to_json()["chaos"]["fault"], "malformed_chunk");
    }
  }
}

// random_data_then_close in HTTP/2 terms: a frame header no client may accept (an oversized
// frame), then bytes that are no frame: nghttp says GOAWAY FRAME_SIZE_ERROR; libcurl 7.88 drops
// the connection it has failed and reports the transfer as an empty reply.
TEST(Http2, RandomDataIsAConnectionErrorForEachClient) {
  MockServer server;
  server.when_requested_with(Request{}.path("/random"))
      .with_fault(FaultKind::random_data_then_close)
      .respond_with(200, "x");
  int status = 0;
  const std::string verbose = run("nghttp -v " + server.url() + "/random 2>&1", status);
  EXPECT_NE(verbose.find("send GOAWAY"), std::string::npos) << verbose;
  EXPECT_NE(verbose.find("error_code=FRAME_SIZE_ERROR"), std::string::npos) << verbose;
  const Answer answer = h2_get(server.url() + "/random");
  EXPECT_EQ(answer.code, CURLE_GOT_NOTHING) << answer.error;
  EXPECT_EQ(answer.status, 0) << "no response was accepted";
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u) << "each request is journaled, with its fault";
  EXPECT_EQ(requests[1].to_json()["chaos"]["fault"], "random_data_then_close");
  server.when_requested_with(Request{}.path("/after")).respond_with(200, "served");
  EXPECT_EQ(h2_get(server.url() + "/after").body, "served") << "the server goes on";
}

TEST(Http2, AStoppingServerSaysGoawayThenCloses) {
  auto server = std::make_unique<MockServer>();
  const int socket = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(server->port()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(socket, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  // The preface and an empty SETTINGS frame: an HTTP/2 connection with nothing open.
  const std::string hello = std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") + std::string("\0\0\0\4\0\0\0\0\0", 9);
  ASSERT_EQ(::send(socket, hello.data(), hello.size(), 0), static_cast<ssize_t>(hello.size()));
  const timeval patience{20, 0};
  setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
  char first[9];
  ASSERT_EQ(::recv(socket, first, sizeof first, MSG_WAITALL), 9) << "the server's SETTINGS";
  EXPECT_EQ(first[3], 4) << "a SETTINGS frame";
  server.reset();  // stops: each connection ends, this one too
  std::string rest;
  char buffer[4096];
  ssize_t received;
  while ((received = ::recv(socket, buffer, sizeof buffer, 0)) > 0)
    rest.append(buffer, static_cast<std::size_t>(received));
  ::close(socket);
  EXPECT_EQ(received, 0) << "closed, not reset or timed out";
  rest = std::string(first, 9) + rest;
  bool goaway = false;
  for (std::size_t at = 0; at + 9 <= rest.size();) {
    const std::size_t length = (static_cast<unsigned char>(rest[at]) << 16) |
                               (static_cast<unsigned char>(rest[at + 1]) << 8) |
                               static_cast<unsigned char>(rest[at + 2]);
    goaway = goaway || rest[at + 3] == 7;
    at += 9 + length;
  }
  EXPECT_TRUE(goaway) << "a GOAWAY before the close";
}

}  // namespace
