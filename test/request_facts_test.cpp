// What the journal knows of how a request came (issue 26 point 1, issue 27 point 2): the HTTP
// version, the connection it came on and whether it came over TLS; and the criterion that
// matches the version. Real sockets, libcurl and cpp-httplib as clients.
#include <gtest/gtest.h>
#include <httplib.h>
#include <curl/curl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mockhttp/mockhttp.hpp>

#include "support/curl_client.hpp"
#include "support/raw_http.hpp"

using namespace mockhttp;

namespace {

std::size_t facts_keep_body(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// GETs every path through one libcurl handle: one kept-alive connection for all of them.
void get_on_one_connection(const std::string& base, const std::vector<std::string>& paths) {
  CURL* curl = curl_easy_init();
  std::string body;
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, facts_keep_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  for (const auto& path : paths) {
    const std::string url = base + path;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    ASSERT_EQ(curl_easy_perform(curl), CURLE_OK) << url;
  }
  curl_easy_cleanup(curl);
}

TEST(RequestFacts, EachRequestSaysItsProtocolAndConnection) {
  MockServer server;
  get_on_one_connection(server.url(), {"/a", "/b"});
  get_on_one_connection(server.url(), {"/c"});
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& request : requests) {
    EXPECT_EQ(request.protocol, "HTTP/1.1");
    EXPECT_FALSE(request.tls);
    EXPECT_NE(request.connection_id, 0u);
  }
  EXPECT_EQ(requests[0].connection_id, requests[1].connection_id) << "one kept-alive connection";
  EXPECT_NE(requests[1].connection_id, requests[2].connection_id) << "a new connection";

  const auto listed = requests[0].to_json();
  EXPECT_EQ(listed["protocol"], "HTTP/1.1");
  EXPECT_EQ(listed["connection_id"], requests[0].connection_id);
  EXPECT_EQ(listed["tls"], false);
}

TEST(RequestFacts, HttpOneZeroIsRecordedAsSuch) {
  MockServer server;
  httplib::Client client(server.host(), server.port());
  // cpp-httplib's client speaks 1.1; a raw 1.0 request line shows the version is read, not assumed.
  httplib::Result first = client.Get("/eleven");
  ASSERT_TRUE(first);
  const int socket = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(server.port()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(socket, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  const std::string request = "GET /ten HTTP/1.0\r\n\r\n";
  ASSERT_EQ(::send(socket, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  char buffer[4096];
  while (::recv(socket, buffer, sizeof buffer, 0) > 0) {}
  ::close(socket);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].protocol, "HTTP/1.1");
  EXPECT_EQ(requests[1].protocol, "HTTP/1.0");
}

TEST(RequestFacts, OverTlsTheRequestSaysSo) {
  ServerOptions options;
  options.tls = TlsOptions{};
  MockServer server(options);
  httplib::SSLClient client(server.host(), server.port());
  client.set_ca_cert_path(server.ca_certificate_file().c_str());
  client.enable_server_certificate_verification(true);
  ASSERT_TRUE(client.Get("/secure"));
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].tls);
  EXPECT_EQ(requests[0].protocol, "HTTP/1.1");
}

TEST(RequestFacts, ProtocolIsACriterion) {
  MockServer server;
  server.when_requested_with(Request{}.path("/v").protocol("HTTP/2")).respond_with(200, "two");
  server.when_requested_with(Request{}.path("/w").protocol(starts_with("HTTP/1"))).respond_with(200, "one");
  EXPECT_EQ(test::curl_request("GET", server.url() + "/v").status, 404) << "an HTTP/1.1 request is not HTTP/2";
  const auto answered = test::curl_request("GET", server.url() + "/w");
  EXPECT_EQ(answered.status, 200);
  EXPECT_EQ(answered.body, "one");
  EXPECT_TRUE(server.confirm_request(Request{}.protocol("HTTP/1.1"), 2));
  EXPECT_TRUE(server.confirm_request(Request{}.protocol("HTTP/2"), 0));
}

TEST(RequestFacts, ProtocolHasAWireForm) {
  const Request request = Request{}.path("/x").protocol("HTTP/2");
  EXPECT_EQ(request.to_json()["protocol"], "HTTP/2");
  const Request read = Request::from_json({{"protocol", {{"$starts_with", {{"value", "HTTP/1"}}}}}});
  EXPECT_NE(read.describe().find("protocol"), std::string::npos) << read.describe();
  try {
    Request::from_json({{"protocol", 2}}, "/request");
    FAIL() << "a number is not a protocol criteria";
  } catch (const CriteriaError& e) {
    EXPECT_NE(std::string(e.what()).find("/request/protocol"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("protocol must be a string or a criteria object"), std::string::npos)
        << e.what();
  }
  try {
    Request::from_json({{"protcol", "HTTP/2"}});
    FAIL() << "a misspelt field is refused";
  } catch (const CriteriaError& e) {
    EXPECT_NE(std::string(e.what()).find("protocol, grpc, websocket)"), std::string::npos)
        << "the known fields are listed: " << e.what();
  }
}

// This program does not link mockhttp::http2: HTTP/2's preface gets an answer a person can read
// in HTTP/1.1, and the connection closes.
TEST(RequestFacts, WithoutHttp2ThePrefaceIsA505SayingHowToTurnItOn) {
  MockServer server;
  const std::string answer = test::raw_exchange(
      server.port(), std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") + std::string("\0\0\0\4\0\0\0\0\0", 9));
  EXPECT_EQ(answer.rfind("HTTP/1.1 505 ", 0), 0u) << answer;
  EXPECT_NE(answer.find("\"HTTP2_NOT_SERVED\""), std::string::npos) << answer;
  EXPECT_NE(answer.find("mockhttp::http2"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
  EXPECT_TRUE(server.requests().empty());
  // Another PRI is still an HTTP/1.1 method mockhttp does not serve.
  EXPECT_EQ(test::raw_exchange(server.port(), "PRI /x HTTP/1.1\r\nHost: a\r\n\r\n").rfind("HTTP/1.1 405 ", 0), 0u);
}

}  // namespace
