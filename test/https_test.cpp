// HTTPS over real sockets: a MockServer with its own CA, trusted by libcurl (CAINFO) and
// cpp-httplib's SSLClient; your own certificate; mTLS with the client's subject in the journal;
// and each TLS fault as a libcurl client sees it.
#include <gtest/gtest.h>
#include <httplib.h>
#include <curl/curl.h>

#include <mockhttp/mockhttp.hpp>

#include "transport/certificate_authority.hpp"

using namespace mockhttp;

namespace {

struct TlsCall {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::string error;
};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// One GET with libcurl; `ca_file` empty: the system's CAs only. `client`: a certificate to present.
TlsCall https_get(const std::string& url, const std::string& ca_file, const ClientCertificate* client = nullptr) {
  TlsCall call;
  CURL* curl = curl_easy_init();
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &call.body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  if (!ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file.c_str());
  curl_blob certificate{}, key{};
  if (client) {
    certificate = {const_cast<char*>(client->certificate_pem.data()), client->certificate_pem.size(), CURL_BLOB_COPY};
    key = {const_cast<char*>(client->private_key_pem.data()), client->private_key_pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(curl, CURLOPT_SSLCERT_BLOB, &certificate);
    curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(curl, CURLOPT_SSLKEY_BLOB, &key);
    curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
  }
  call.code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &call.status);
  call.error = error;
  curl_easy_cleanup(curl);
  return call;
}

ServerOptions with_tls(TlsOptions tls = {}) {
  ServerOptions options;
  options.tls = std::move(tls);
  return options;
}

bool says(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Https, TheServerSpeaksTlsWithACaOfItsOwn) {
  MockServer server(with_tls());
  server.when_requested_with(Request{}.path("/secure")).respond_with(200, "over tls");
  EXPECT_EQ(server.url().rfind("https://127.0.0.1:", 0), 0u) << server.url();
  EXPECT_EQ(server.ca_certificate_pem().rfind("-----BEGIN CERTIFICATE-----", 0), 0u);

  const TlsCall call = https_get(server.url() + "/secure", server.ca_certificate_file());
  ASSERT_EQ(call.code, CURLE_OK) << call.error;
  EXPECT_EQ(call.status, 200);
  EXPECT_EQ(call.body, "over tls");
  const TlsCall by_name =
      https_get("https://localhost:" + std::to_string(server.port()) + "/secure", server.ca_certificate_file());
  EXPECT_EQ(by_name.code, CURLE_OK) << by_name.error;

  httplib::SSLClient client(server.host(), server.port());
  client.set_ca_cert_path(server.ca_certificate_file().c_str());
  client.enable_server_certificate_verification(true);
  const auto res = client.Get("/secure");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->body, "over tls");
  ASSERT_EQ(server.requests().size(), 3u);
  EXPECT_FALSE(server.requests()[0].client_certificate);
}

TEST(Https, AClientThatDoesNotTrustTheCaRefusesTheServer) {
  MockServer server(with_tls());
  const TlsCall call = https_get(server.url() + "/", "");
  EXPECT_EQ(call.code, CURLE_PEER_FAILED_VERIFICATION) << call.error;
  EXPECT_TRUE(server.requests().empty());
}

TEST(Https, ExtraNamesAreInTheLeaf) {
  TlsOptions tls;
  tls.names = {"api.example.test"};
  MockServer server(with_tls(tls));
  server.when_requested_with(Request{}.path("/")).respond_with(204);
  CURL* curl = curl_easy_init();
  const std::string resolve = "api.example.test:" + std::to_string(server.port()) + ":127.0.0.1";
  curl_slist* resolves = curl_slist_append(nullptr, resolve.c_str());
  const std::string url = "https://api.example.test:" + std::to_string(server.port()) + "/";
  const std::string ca = server.ca_certificate_file();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_RESOLVE, resolves);
  curl_easy_setopt(curl, CURLOPT_CAINFO, ca.c_str());
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  EXPECT_EQ(curl_easy_perform(curl), CURLE_OK);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  EXPECT_EQ(status, 204);
  curl_easy_cleanup(curl);
  curl_slist_free_all(resolves);
}

TEST(Https, YourOwnCertificateAndKeyAreServed) {
  const detail::CertificateAuthority company("Example Corp CA");
  detail::LeafRequest request;
  request.common_name = "localhost";
  request.names = {"127.0.0.1"};
  const detail::Certificate leaf = company.issue(request);
  TlsOptions tls;
  tls.certificate_pem = leaf.certificate_pem();
  tls.private_key_pem = leaf.private_key_pem();
  MockServer server(with_tls(tls));
  server.when_requested_with(Request{}.path("/")).respond_with(200, "corp");

  const std::string company_ca = ::testing::TempDir() + "/company-ca.pem";
  FILE* file = std::fopen(company_ca.c_str(), "w");
  ASSERT_NE(file, nullptr);
  const std::string pem = company.certificate().certificate_pem();
  std::fwrite(pem.data(), 1, pem.size(), file);
  std::fclose(file);
  const TlsCall call = https_get(server.url() + "/", company_ca);
  EXPECT_EQ(call.code, CURLE_OK) << call.error;
  EXPECT_EQ(call.body, "corp");
  EXPECT_EQ(https_get(server.url() + "/", server.ca_certificate_file()).code, CURLE_PEER_FAILED_VERIFICATION);
}

TEST(Https, MutualTlsRecordsTheClientsSubjectAndRefusesClientsWithout) {
  TlsOptions tls;
  tls.require_client_certificate = true;
  MockServer server(with_tls(tls));
  server.when_requested_with(Request{}.path("/me")).respond_with(200, "hello");
  const ClientCertificate alice = server.issue_client_certificate("alice");
  EXPECT_EQ(alice.subject, "CN=alice,O=mockhttp");

  const TlsCall with = https_get(server.url() + "/me", server.ca_certificate_file(), &alice);
  ASSERT_EQ(with.code, CURLE_OK) << with.error;
  EXPECT_EQ(with.body, "hello");
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].client_certificate, "CN=alice,O=mockhttp");
  EXPECT_EQ(server.requests()[0].to_json()["client_certificate"], "CN=alice,O=mockhttp");

  const TlsCall without = https_get(server.url() + "/me", server.ca_certificate_file());
  EXPECT_NE(without.code, CURLE_OK);
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_TRUE(server.confirm_request(Request{}.path("/me").client_certificate("CN=alice,O=mockhttp"), 1));
}

TEST(Https, StubsMatchOnTheClientCertificatesSubject) {
  TlsOptions tls;
  tls.require_client_certificate = true;
  MockServer server(with_tls(tls));
  server.when_requested_with(Request{}.path("/account").client_certificate(starts_with("CN=alice,")))
      .respond_with(200, "alice's account");
  server.when_requested_with(Request{}.path("/account")).respond_with(403, "not yours");
  const ClientCertificate alice = server.issue_client_certificate("alice");
  const ClientCertificate bob = server.issue_client_certificate("bob");
  EXPECT_EQ(https_get(server.url() + "/account", server.ca_certificate_file(), &alice).body, "alice's account");
  EXPECT_EQ(https_get(server.url() + "/account", server.ca_certificate_file(), &bob).status, 403);
  EXPECT_EQ(Request{}.client_certificate("CN=bob,O=mockhttp").to_json()["client_certificate"], "CN=bob,O=mockhttp");
  EXPECT_EQ(Request::from_json({{"client_certificate", {{"$starts_with", {{"value", "CN="}}}}}}).describe(),
            "client certificate starts with \"CN=\"");
}

struct FaultCase {
  TlsFault fault;
  CURLcode code;
  const char* message;  // a part of libcurl's error text
};

class HttpsFaults : public ::testing::TestWithParam<FaultCase> {};

// Test names read as the fault: Faults/HttpsFaults.EachFaultFailsTheHandshakeAsDocumented/expired_certificate
struct FaultName {
  std::string operator()(const ::testing::TestParamInfo<FaultCase>& info) const {
    static const char* const names[] = {"none", "expired_certificate", "wrong_host_name",
                                        "untrusted_certificate_authority", "handshake_abort"};
    return names[static_cast<int>(info.param.fault)];
  }
};

TEST_P(HttpsFaults, EachFaultFailsTheHandshakeAsDocumented) {
  TlsOptions tls;
  tls.fault = GetParam().fault;
  MockServer server(with_tls(tls));
  server.when_requested_with(Request{}).respond_with(200);
  const TlsCall call = https_get(server.url() + "/", server.ca_certificate_file());
  EXPECT_EQ(call.code, GetParam().code) << call.error;
  EXPECT_TRUE(says(call.error, GetParam().message)) << call.error;
  EXPECT_TRUE(server.requests().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Faults, HttpsFaults,
    ::testing::Values(FaultCase{TlsFault::expired_certificate, CURLE_PEER_FAILED_VERIFICATION,
                                "certificate has expired"},
                      FaultCase{TlsFault::wrong_host_name, CURLE_PEER_FAILED_VERIFICATION, "subject name"},
                      FaultCase{TlsFault::untrusted_certificate_authority, CURLE_PEER_FAILED_VERIFICATION,
                                "unable to get local issuer certificate"},
                      FaultCase{TlsFault::handshake_abort, CURLE_SSL_CONNECT_ERROR, "handshake failure"}),
    FaultName{});

TEST(HttpsUpstream, AProxyStubReachesAnHttpsUpstreamItTrustsThroughCaFile) {
  MockServer upstream(with_tls());
  upstream.when_requested_with(Request{}.path("/v1/charges")).respond_with_json(200, {{"id", "ch_1"}});
  MockServer server;
  ProxyTarget target;
  target.url = upstream.url() + "/v1/charges";
  target.ca_file = upstream.ca_certificate_file();
  target.record = true;
  server.when_requested_with(Request{}.path("/charges")).proxy_to(target);

  httplib::Client client(server.host(), server.port());
  const auto first = client.Get("/charges");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200) << first->body;
  EXPECT_EQ(nlohmann::json::parse(first->body)["id"], "ch_1");
  EXPECT_EQ(upstream.requests().size(), 1u);
  EXPECT_EQ(client.Get("/charges")->status, 200);  // the recording answers now
  EXPECT_EQ(upstream.requests().size(), 1u);
}

TEST(HttpsUpstream, AnUntrustedUpstreamIsA502SayingHowToTrustIt) {
  MockServer upstream(with_tls());
  MockServer server;
  ProxyTarget target;
  target.url = upstream.url() + "/x";
  server.when_requested_with(Request{}.path("/x")).proxy_to(target);
  const auto res = httplib::Client(server.host(), server.port()).Get("/x");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 502);
  EXPECT_TRUE(says(res->body, "set the proxy's ca_file")) << res->body;
  EXPECT_TRUE(upstream.requests().empty());
}

TEST(HttpsUpstream, InsecureSkipsVerificationAndSaysSoOnEveryAnswer) {
  MockServer upstream(with_tls());
  upstream.when_requested_with(Request{}.path("/x")).respond_with(200, "unverified");
  MockServer server;
  ProxyTarget target;
  target.url = upstream.url() + "/x";
  target.insecure = true;
  server.when_requested_with(Request{}.path("/x")).proxy_to(target);
  const auto res = httplib::Client(server.host(), server.port()).Get("/x");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "unverified");
  EXPECT_EQ(res->get_header_value("x-mockhttp-insecure-upstream"), "certificate not verified");
  EXPECT_EQ(server.stubs()[0].definition.to_json()["action"]["proxy"]["insecure"], true);
}

TEST(Https, BadTlsOptionsAreServerErrorsNamingTheProblem) {
  TlsOptions half;
  half.certificate_pem = "-----BEGIN CERTIFICATE-----";
  try {
    MockServer server(with_tls(half));
    FAIL() << "a certificate without a key was taken";
  } catch (const ServerError& e) {
    EXPECT_TRUE(says(e.what(), "certificate_pem and private_key_pem go together")) << e.what();
  }
  TlsOptions garbage;
  garbage.certificate_pem = "not a certificate";
  garbage.private_key_pem = "not a key";
  try {
    MockServer server(with_tls(garbage));
    FAIL() << "garbage PEM was taken";
  } catch (const ServerError& e) {
    EXPECT_TRUE(says(e.what(), "not a PEM X.509 certificate")) << e.what();
  }
}

}  // namespace
