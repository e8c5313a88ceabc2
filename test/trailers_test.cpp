// Response trailers (issue 27, point 3) with real clients: curl over HTTP/1.1 with and without
// `TE: trailers`, libcurl and nghttp over HTTP/2, a stub posted as JSON to /__mock__/stubs and
// served over both; fields that may not be trailers are refused naming the field; a body cut
// short or a fault sends none. This program links mockhttp::http2 (both protocols are served).
#include <gtest/gtest.h>
#include <curl/curl.h>

#include <cstdio>
#include <string>
#include <vector>

#include <mockhttp/mockhttp.hpp>

#include "support/command_output.hpp"

#include "support/control_server.hpp"
#include "support/curl_client.hpp"
#include "support/raw_http.hpp"

using namespace mockhttp;
using Json = nlohmann::json;

namespace {

std::string run(const std::string& command, int& status) { return test::command_output(command, status); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// What libcurl hands its callbacks, in order: header lines as they are, and "<body>" for the
// first piece of the body, so a trailer's place after the body shows.
struct Seen {
  std::vector<std::string> lines;
  std::string body;
  CURLcode code = CURLE_OK;
  long http_version = 0;
};

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<Seen*>(out)->lines.emplace_back(data, size * count);
  return size * count;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* out) {
  Seen& seen = *static_cast<Seen*>(out);
  if (seen.body.empty()) seen.lines.emplace_back("<body>");
  seen.body.append(data, size * count);
  return size * count;
}

Seen libcurl_http2(const std::string& url) {
  Seen seen;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &seen);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &seen);
  seen.code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_HTTP_VERSION, &seen.http_version);
  curl_easy_cleanup(curl);
  return seen;
}

// The index of the first line that starts with `prefix` (case-insensitive), or -1.
int line_index(const Seen& seen, const std::string& prefix) {
  for (std::size_t i = 0; i < seen.lines.size(); ++i) {
    const std::string& line = seen.lines[i];
    if (line.size() >= prefix.size() && strncasecmp(line.c_str(), prefix.c_str(), prefix.size()) == 0) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

Response grpc_like_answer() {
  return Response(200)
      .header("Content-Type", "application/json")
      .body(R"({"ok":true})")
      .trailer("grpc-status", "0")
      .trailer("grpc-message", "all good");
}

std::string curl_http1(const std::string& options, const std::string& url) {
  int status = 0;
  std::string out = run("curl -s --noproxy '*' --http1.1 --raw -i " + options + " " + url, status);
  EXPECT_EQ(status, 0) << out;
  return out;
}

}  // namespace

TEST(Trailers, Http11WithTeTrailersGetsAChunkedBodyThenTheTrailers) {
  MockServer server;
  server.when_requested_with(Request{}.path("/rpc")).respond_with(grpc_like_answer());
  const std::string raw = curl_http1("-H 'TE: trailers'", server.url() + "/rpc");
  EXPECT_TRUE(contains(raw, "Transfer-Encoding: chunked\r\n")) << raw;
  EXPECT_TRUE(contains(raw, "Trailer: grpc-status, grpc-message\r\n")) << raw;
  EXPECT_FALSE(contains(raw, "Content-Length")) << raw;
  EXPECT_TRUE(contains(raw, "\r\n\r\nb\r\n{\"ok\":true}\r\n0\r\ngrpc-status: 0\r\ngrpc-message: all good\r\n\r\n"))
      << raw;
  // The same answer decoded by curl: the body is whole, and a compressed-answer request changes nothing.
  int status = 0;
  const std::string body =
      run("curl -s --noproxy '*' --http1.1 --compressed -H 'TE: gzip, trailers' " + server.url() + "/rpc", status);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(body, R"({"ok":true})");
}

TEST(Trailers, Http11WithoutTeTrailersDropsThemAndKeepsTheFraming) {
  MockServer server;
  server.when_requested_with(Request{}.path("/rpc")).respond_with(grpc_like_answer());
  for (const std::string& te : {std::string(), std::string("-H 'TE: gzip'")}) {
    const std::string raw = curl_http1(te, server.url() + "/rpc");
    EXPECT_TRUE(contains(raw, "Content-Length: 11\r\n")) << raw;
    EXPECT_FALSE(contains(raw, "chunked")) << raw;
    EXPECT_FALSE(contains(raw, "Trailer")) << raw;
    EXPECT_FALSE(contains(raw, "grpc-")) << raw;
  }
}

TEST(Trailers, Http11ConnectionServesTheNextRequestAfterTheTrailers) {
  MockServer server;
  server.when_requested_with(Request{}.path("/rpc")).respond_with(grpc_like_answer());
  server.when_requested_with(Request{}.path("/next")).respond_with(200, "next");
  const std::string request = "GET /rpc HTTP/1.1\r\nHost: x\r\nTE: trailers\r\nConnection: TE\r\n\r\n";
  const std::string answer =
      test::raw_exchange(server.port(), request + "GET /next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto trailers_end = answer.find("grpc-message: all good\r\n\r\n");
  ASSERT_NE(trailers_end, std::string::npos) << answer;
  const auto second = answer.find("HTTP/1.1 200", trailers_end);
  ASSERT_NE(second, std::string::npos) << "the connection goes on after the trailer section: " << answer;
  EXPECT_TRUE(contains(answer.substr(second), "\r\n\r\nnext")) << answer;
}

TEST(Trailers, ADribbledBodyHasItsTrailersAfterTheLastPart) {
  MockServer server;
  server.when_requested_with(Request{}.path("/slow"))
      .with_dribble(3, 30)
      .respond_with(Response(200).body("abcdefghi").trailer("x-checksum", "done"));
  const std::string raw = curl_http1("-H 'TE: trailers'", server.url() + "/slow");
  EXPECT_TRUE(contains(raw, "\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n3\r\nghi\r\n0\r\nx-checksum: done\r\n\r\n")) << raw;
  const Seen seen = libcurl_http2(server.url() + "/slow");
  ASSERT_EQ(seen.code, CURLE_OK);
  EXPECT_EQ(seen.body, "abcdefghi");
  EXPECT_GT(line_index(seen, "x-checksum: done"), line_index(seen, "<body>"));
}

TEST(Trailers, Http2LibcurlSeesTheTrailersAfterTheBody) {
  MockServer server;
  server.when_requested_with(Request{}.path("/rpc")).respond_with(grpc_like_answer());
  const Seen seen = libcurl_http2(server.url() + "/rpc");
  ASSERT_EQ(seen.code, CURLE_OK);
  EXPECT_EQ(seen.http_version, CURL_HTTP_VERSION_2_0);
  EXPECT_EQ(seen.body, R"({"ok":true})");
  const int body = line_index(seen, "<body>");
  ASSERT_GE(body, 0);
  EXPECT_LT(line_index(seen, "trailer: grpc-status, grpc-message"), body) << "the head announces them";
  EXPECT_GT(line_index(seen, "grpc-status: 0"), body);
  EXPECT_GT(line_index(seen, "grpc-message: all good"), body);
  // An empty body still ends with the trailers (gRPC's trailers-only answer has none at all).
  server.when_requested_with(Request{}.path("/empty")).respond_with(Response(200).trailer("grpc-status", "5"));
  const Seen empty = libcurl_http2(server.url() + "/empty");
  ASSERT_EQ(empty.code, CURLE_OK);
  EXPECT_GE(line_index(empty, "grpc-status: 5"), 0);
}

TEST(Trailers, NghttpPrintsTheTrailerHeadersFrameThatEndsTheStream) {
  MockServer server;
  server.when_requested_with(Request{}.path("/rpc")).respond_with(grpc_like_answer());
  int status = 0;
  const std::string out = run("nghttp -v " + server.url() + "/rpc", status);
  EXPECT_EQ(status, 0) << out;
  const auto data = out.find("recv DATA frame");
  const auto trailer = out.find("grpc-status: 0");
  ASSERT_NE(data, std::string::npos) << out;
  ASSERT_NE(trailer, std::string::npos) << out;
  EXPECT_LT(data, trailer) << out;
  const auto frame = out.find("recv HEADERS frame", trailer);
  ASSERT_NE(frame, std::string::npos) << out;
  EXPECT_NE(out.find("END_STREAM", frame), std::string::npos) << "the trailers end the stream: " << out;
  // The DATA frame does not end the stream itself.
  const std::string data_frame = out.substr(data, out.find('\n', out.find('\n', data) + 1) - data);
  EXPECT_FALSE(contains(data_frame, "END_STREAM")) << data_frame;
}

TEST(Trailers, AStubPostedAsJsonServesItsTrailersOverBothProtocols) {
  MockServer server(test::with_control_surfaces());
  const Json stub = {{"request", {{"path", "/json-stub"}}},
                     {"action",
                      {{"response",
                        {{"status_code", 200},
                         {"headers", {{"content-type", "text/plain"}}},
                         {"trailers", {{"grpc-status", "0"}}},
                         {"body", "from json"}}}}}};
  const auto posted =
      test::curl_request("POST", server.url() + "/__mock__/stubs", stub.dump(), {"Content-Type: application/json"});
  ASSERT_TRUE(posted.status == 200 || posted.status == 201) << posted.status << " " << posted.body;
  const auto listed = Json::parse(test::curl_request("GET", server.url() + "/__mock__/stubs", "", {}).body);
  EXPECT_NE(listed.dump().find(R"("trailers":{"grpc-status":"0"})"), std::string::npos) << listed.dump();

  const std::string raw = curl_http1("-H 'TE: trailers'", server.url() + "/json-stub");
  EXPECT_TRUE(contains(raw, "9\r\nfrom json\r\n0\r\ngrpc-status: 0\r\n\r\n")) << raw;
  const Seen seen = libcurl_http2(server.url() + "/json-stub");
  ASSERT_EQ(seen.code, CURLE_OK);
  EXPECT_EQ(seen.body, "from json");
  EXPECT_GT(line_index(seen, "grpc-status: 0"), line_index(seen, "<body>"));
}

TEST(Trailers, FieldsThatMayNotBeTrailersAreRefusedNamingTheField) {
  MockServer server(test::with_control_surfaces());
  const Json stub = {
      {"request", Json::object()},
      {"action", {{"response", {{"status_code", 200}, {"trailers", {{"Content-Length", "3"}}}, {"body", "x"}}}}}};
  const auto refused =
      test::curl_request("POST", server.url() + "/__mock__/stubs", stub.dump(), {"Content-Type: application/json"});
  EXPECT_EQ(refused.status, 422) << refused.body;
  const Json error = Json::parse(refused.body);
  EXPECT_EQ(error["path"], "/action/response/trailers/Content-Length") << refused.body;
  EXPECT_TRUE(contains(error["problem"].get<std::string>(), "may not be a trailer")) << refused.body;
  EXPECT_TRUE(server.stubs().empty());

  try {
    (void)Response::from_json(Json::parse(R"({"status_code": 200, "trailers": {"x-a": "1\r\nx-b: 2"}, "body": ""})"));
    ADD_FAILURE() << "a trailer value with a line break was read";
  } catch (const DocumentError& e) {
    EXPECT_TRUE(contains(e.what(), "/trailers/x-a")) << e.what();
  }
  for (const char* name :
       {"Transfer-Encoding", "host", "Content-Type", "Trailer", "TE", "Connection", "Authorization"}) {
    try {
      server.when_requested_with(Request{}.path("/no")).respond_with(Response(200).trailer(name, "x"));
      ADD_FAILURE() << name << " was mounted as a trailer";
    } catch (const StubError& e) {
      EXPECT_TRUE(contains(e.what(), std::string("response.trailers: ") + name)) << e.what();
    }
  }
  EXPECT_TRUE(server.stubs().empty());
}

TEST(Trailers, AResponderAnswerWithAForbiddenTrailerIsAClearError) {
  MockServer server;
  server.when_requested_with(Request{}.path("/responder")).respond_with([](const RecordedRequest&) {
    return Response(200).body("x").trailer("Content-Length", "1");
  });
  const auto answer = test::curl_request("GET", server.url() + "/responder", "", {"TE: trailers"});
  EXPECT_EQ(answer.status, 500);
  EXPECT_TRUE(contains(answer.body, "Content-Length may not be a trailer")) << answer.body;
}

TEST(Trailers, ABodyCutShortOrAFaultSendsNoTrailers) {
  MockServer server;
  server.when_requested_with(Request{}.path("/cut"))
      .with_fault(FaultKind::connection_drop)
      .respond_with(Response(200).body(std::string(4000, 'x')).trailer("grpc-status", "0"));
  server.when_requested_with(Request{}.path("/reset"))
      .with_fault(FaultKind::connection_reset)
      .respond_with(Response(200).body("x").trailer("grpc-status", "0"));
  int status = 0;
  const std::string cut =
      run("curl -s --noproxy '*' --http1.1 --raw -i -H 'TE: trailers' " + server.url() + "/cut", status);
  EXPECT_NE(status, 0) << "the body ends early";
  EXPECT_FALSE(contains(cut, "grpc-status")) << cut;
  const Seen cut2 = libcurl_http2(server.url() + "/cut");
  EXPECT_EQ(cut2.code, CURLE_HTTP2_STREAM);
  EXPECT_EQ(line_index(cut2, "grpc-status"), -1);
  const Seen reset = libcurl_http2(server.url() + "/reset");
  EXPECT_NE(reset.code, CURLE_OK);
  EXPECT_EQ(line_index(reset, "grpc-status"), -1);
}

TEST(Trailers, AHeadRequestOrA204GetsNoTrailers) {
  MockServer server;
  server.when_requested_with(Request{}.path("/none")).respond_with(Response(204).trailer("grpc-status", "0"));
  server.when_requested_with(Request{}.path("/head")).respond_with(grpc_like_answer());
  const std::string none = curl_http1("-H 'TE: trailers'", server.url() + "/none");
  EXPECT_FALSE(contains(none, "grpc-status")) << none;
  EXPECT_FALSE(contains(none, "chunked")) << none;
  const std::string head = curl_http1("-I -H 'TE: trailers'", server.url() + "/head");
  EXPECT_FALSE(contains(head, "Trailer")) << head;
  const Seen h2 = libcurl_http2(server.url() + "/none");
  ASSERT_EQ(h2.code, CURLE_OK);
  EXPECT_EQ(line_index(h2, "grpc-status"), -1);
}
