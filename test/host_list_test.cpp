// One host-list grammar (src/encoding/host_list.hpp) for forward_allowed_hosts,
// connect_passthrough_hosts, a replay policy's allowHosts/blockHosts and the control guard's
// allowed_hosts, and one authority reader (src/encoding/authority.hpp) for every host:port. The
// readers are tested directly; each list through the surface that uses it, over real sockets.
#include <gtest/gtest.h>

#include <curl/curl.h>

#include <mockhttp/control.hpp>
#include <mockhttp/mockhttp.hpp>

#include "encoding/authority.hpp"
#include "encoding/host_list.hpp"
#include "support/curl_client.hpp"

namespace host_list_test {

using namespace mockhttp;
using mockhttp::detail::Authority;
using mockhttp::detail::HostList;
using mockhttp::detail::HostListError;
using mockhttp::detail::HostPattern;
using mockhttp::detail::PortRule;
using Json = nlohmann::json;

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The strict reading's answer: the authority, or its problem.
std::string problem_of(const std::string& text, PortRule rule = {}) {
  std::string problem;
  const auto read = mockhttp::detail::read_authority(text, rule, "the target", problem);
  return read ? "" : problem;
}

HostPattern pattern(const std::string& entry) {
  std::string problem;
  auto read = HostPattern::parse(entry, problem);
  if (!read) throw std::runtime_error(entry + ": " + problem);
  return *read;
}

std::string why_refused(const std::string& entry) {
  std::string problem;
  return HostPattern::parse(entry, problem) ? "" : problem;
}

// ---- the authority reader ----------------------------------------------------------------

TEST(AuthorityReader, ReadsHostPortAndBracketedIpv6) {
  std::string problem;
  auto read = mockhttp::detail::read_authority("Api.Example.COM:8443", {}, "it", problem);
  ASSERT_TRUE(read) << problem;
  EXPECT_EQ(read->host, "api.example.com");
  EXPECT_EQ(read->port, 8443);
  read = mockhttp::detail::read_authority("[::1]:80", {true, 0}, "it", problem);
  ASSERT_TRUE(read) << problem;
  EXPECT_EQ(read->host, "::1");
  EXPECT_EQ(read->port, 80);
  read = mockhttp::detail::read_authority("10.0.0.7", {false, 443}, "it", problem);
  ASSERT_TRUE(read) << problem;
  EXPECT_EQ(read->port, 443) << "no port written: the scheme's";
  read = mockhttp::detail::read_authority("fe80::1", {}, "it", problem);
  ASSERT_TRUE(read) << "an IPv6 address with no port may be written bare: " << problem;
  EXPECT_EQ(read->host, "fe80::1");
  EXPECT_EQ(read->port, std::nullopt);
}

TEST(AuthorityReader, SaysWhatIsWrong) {
  EXPECT_EQ(problem_of(""), "the target is empty");
  EXPECT_EQ(problem_of("api.test", {true, 0}), "the target \"api.test\" is not host:port");
  EXPECT_EQ(problem_of("a:b:443"), "the target \"a:b:443\" is not host or host:port");
  EXPECT_EQ(problem_of("[::1]", {true, 0}), "the target \"[::1]\" is not [address]:port");
  EXPECT_EQ(problem_of("[::1"), "the target \"[::1\" is not [address] or [address]:port");
  EXPECT_EQ(problem_of("[::1]x"), "the target \"[::1]x\" is not [address] or [address]:port");
  EXPECT_EQ(problem_of("[example.com]:80"), "the target's host \"[example.com]\" is not an IPv6 address");
  EXPECT_TRUE(mentions(problem_of(":443"), "the target's host \"\" is not a host name or an IP address"));
  EXPECT_TRUE(mentions(problem_of("bad,host:1"), "only letters, digits"));
  EXPECT_TRUE(mentions(problem_of("a..b"), "empty label"));
  EXPECT_EQ(problem_of("h:0"), "the target's port \"0\" is not a number from 1 to 65535");
  EXPECT_EQ(problem_of("h:65536"), "the target's port \"65536\" is not a number from 1 to 65535");
  EXPECT_EQ(problem_of("h:"), "the target's port \"\" is not a number from 1 to 65535");
  EXPECT_EQ(problem_of("h:8o"), "the target's port \"8o\" is not a number from 1 to 65535");
  EXPECT_TRUE(mentions(problem_of(std::string("h\xff:1", 4)), "\\xff")) << "raw bytes are quoted";
  EXPECT_EQ(problem_of(std::string("[::1\0junk]:443", 14)),
            "the target's host \"[::1\\x00junk]\" is not an IPv6 address")
      << "a NUL does not end the address early";
}

TEST(AuthorityReader, TheLenientReadingNeverFailsAndTakesABareIpv6) {
  EXPECT_EQ(mockhttp::detail::parse_authority("::1").host, "::1");
  EXPECT_EQ(mockhttp::detail::parse_authority("::1").port, std::nullopt);
  EXPECT_EQ(mockhttp::detail::parse_authority("[::1]:8080").port, 8080);
  EXPECT_EQ(mockhttp::detail::parse_authority("junk:junk").host, "junk");
  EXPECT_EQ(mockhttp::detail::parse_authority("junk:junk").port, std::nullopt);
}

TEST(AuthorityReader, DefaultPortsAndWrittenForms) {
  EXPECT_EQ(mockhttp::detail::default_port("HTTP"), 80);
  EXPECT_EQ(mockhttp::detail::default_port("https"), 443);
  EXPECT_EQ(mockhttp::detail::default_port("ftp"), 0);
  EXPECT_EQ(mockhttp::detail::format_authority("::1", 8080), "[::1]:8080");
  EXPECT_EQ(mockhttp::detail::format_authority("api.test", 80), "api.test:80");
  EXPECT_EQ(mockhttp::detail::canonical_host("0:0:0:0:0:0:0:1"), "::1");
}

// ---- the host grammar --------------------------------------------------------------------

TEST(HostGrammar, AnExactNameIgnoresCaseAndATrailingDot) {
  const HostPattern name = pattern("API.Example.com.");
  EXPECT_TRUE(name.matches("api.example.com", 443));
  EXPECT_TRUE(name.matches("Api.Example.Com.", 80));
  EXPECT_FALSE(name.matches("www.api.example.com", 443));
  EXPECT_FALSE(name.matches("example.com", 443));
  EXPECT_EQ(name.text(), "api.example.com");
}

TEST(HostGrammar, AWildcardLabelIsAnySubdomainButNotTheApex) {
  const HostPattern subdomains = pattern("*.example.com");
  EXPECT_TRUE(subdomains.matches("api.example.com", 443));
  EXPECT_TRUE(subdomains.matches("a.b.example.com", 443));
  EXPECT_FALSE(subdomains.matches("example.com", 443));
  EXPECT_FALSE(subdomains.matches("badexample.com", 443));
  EXPECT_TRUE(subdomains.is_wildcard());
  EXPECT_TRUE(pattern("*").matches("anything.at.all", 1));
}

TEST(HostGrammar, IpAddressesMatchAnySpellingBracketsOptional) {
  EXPECT_TRUE(pattern("::1").matches("[::1]", 80));
  EXPECT_TRUE(pattern("[0:0::1]").matches("::1", 80));
  EXPECT_TRUE(pattern("[::1]:8080").matches("[0:0:0:0:0:0:0:1]", 8080));
  EXPECT_FALSE(pattern("[::1]:8080").matches("::1", 8081));
  EXPECT_TRUE(pattern("127.0.0.1").matches("127.0.0.1", 1));
  EXPECT_EQ(pattern("[0:0::1]:8080").text(), "[::1]:8080");
}

TEST(HostGrammar, APortNarrowsAnEntryToThatPort) {
  EXPECT_TRUE(pattern("api.test:8443").matches("api.test", 8443));
  EXPECT_FALSE(pattern("api.test:8443").matches("api.test", 443));
  EXPECT_FALSE(pattern("api.test:8443").matches("api.test", std::nullopt));
  EXPECT_TRUE(pattern("*:443").matches("anything.test", 443));
  EXPECT_FALSE(pattern("*:443").matches("anything.test", 80));
  EXPECT_TRUE(pattern("*.test:443").matches("a.test", 443));
  EXPECT_TRUE(pattern("api.test").matches("api.test", 1)) << "no port: every port";
}

TEST(HostGrammar, BadEntriesAreRefusedSayingWhy) {
  EXPECT_TRUE(mentions(why_refused(""), "empty"));
  EXPECT_TRUE(mentions(why_refused("*."), "\"*.\" needs a domain"));
  EXPECT_TRUE(mentions(why_refused("api test"), "no space"));
  EXPECT_TRUE(mentions(why_refused(" api.test"), "no space"));
  EXPECT_TRUE(mentions(why_refused("**"), "'*' stands alone"));
  EXPECT_TRUE(mentions(why_refused("*example.com"), "'*' stands alone"));
  EXPECT_TRUE(mentions(why_refused("api.*.com"), "'*' stands alone"));
  EXPECT_TRUE(mentions(why_refused("*.*.com"), "'*' stands alone"));
  EXPECT_TRUE(mentions(why_refused("api.test:0"), "is not a number from 1 to 65535"));
  EXPECT_TRUE(mentions(why_refused("api.test:65536"), "is not a number from 1 to 65535"));
  EXPECT_TRUE(mentions(why_refused("*:99999"), "is not a number from 1 to 65535"));
  EXPECT_TRUE(mentions(why_refused("[::1"), "is not [address]"));
  EXPECT_TRUE(mentions(why_refused("*.a..b"), "the domain after \"*.\" is not a host name"));
  EXPECT_TRUE(mentions(why_refused("http://api.test"), "not a URL"));
  EXPECT_TRUE(mentions(why_refused("a:b:c"), "is not host or host:port"));
}

TEST(HostGrammar, AListNamesTheListTheEntryAndItsPlace) {
  try {
    (void)HostList::parse({"api.test", "*."}, "ServerOptions::forward_allowed_hosts");
    FAIL() << "\"*.\" was taken";
  } catch (const HostListError& e) {
    EXPECT_EQ(e.list(), "ServerOptions::forward_allowed_hosts");
    EXPECT_EQ(e.index(), 1u);
    EXPECT_EQ(e.entry(), "*.");
    EXPECT_TRUE(mentions(e.what(), "ServerOptions::forward_allowed_hosts[1] \"*.\": \"*.\" needs a domain"))
        << e.what();
  }
  const HostList list = HostList::parse({"*.example.com", "api.test"}, "list");
  EXPECT_TRUE(list.matches("a.example.com", 443));
  EXPECT_FALSE(list.names("a.example.com", 443)) << "listed by a wildcard only";
  EXPECT_TRUE(list.names("API.test", 443));
  EXPECT_TRUE(list.matches_with_subdomains("v1.api.test", 443)) << "the policy's reading";
  EXPECT_FALSE(list.matches("v1.api.test", 443));
}

// ---- each list, through the surface that uses it ----------------------------------------

// GETs `url` through `proxy` in a CONNECT tunnel (curl's HTTPPROXYTUNNEL), plain HTTP inside:
// only a tunnel passed through reaches the plain upstream; an intercepted one expects TLS.
struct TunnelCall {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
};

std::size_t append(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

TunnelCall get_through_tunnel(const std::string& proxy, const std::string& url) {
  TunnelCall call;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROXY, proxy.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPPROXYTUNNEL, 1L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &call.body);
  call.code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &call.status);
  curl_easy_cleanup(curl);
  return call;
}

TEST(HostLists, APassthroughEntryWithAPortPassesOnlyThatPortThrough) {
  MockServer upstream;
  upstream.when_requested_with(Request{}.path("/direct")).respond_with(200, "from the real host");
  const std::string url = "http://127.0.0.1:" + std::to_string(upstream.port()) + "/direct";

  ServerOptions listed;
  listed.connect_passthrough_hosts = {"127.0.0.1:" + std::to_string(upstream.port())};
  MockServer proxy(listed);
  const TunnelCall passed = get_through_tunnel(proxy.url(), url);
  EXPECT_EQ(passed.code, CURLE_OK) << curl_easy_strerror(passed.code);
  EXPECT_EQ(passed.body, "from the real host");
  EXPECT_EQ(upstream.requests().size(), 1u);

  ServerOptions other_port;
  other_port.connect_passthrough_hosts = {"127.0.0.1:1"};
  MockServer intercepting(other_port);
  const TunnelCall intercepted = get_through_tunnel(intercepting.url(), url);
  EXPECT_NE(intercepted.body, "from the real host") << "another port's entry does not pass this one through";
  EXPECT_EQ(upstream.requests().size(), 1u);
}

TEST(HostLists, ALoopbackPassthroughHostListedByNameBesideAWildcardIsReached) {
  // A loopback host goes through only when an entry names it (not only a wildcard): the entry
  // by name counts although a wildcard entry stands before it.
  MockServer upstream;
  upstream.when_requested_with(Request{}.path("/direct")).respond_with(200, "from the real host");
  ServerOptions options;
  options.connect_passthrough_hosts = {"*.example.test", "127.0.0.1"};
  MockServer proxy(options);
  const TunnelCall passed =
      get_through_tunnel(proxy.url(), "http://127.0.0.1:" + std::to_string(upstream.port()) + "/direct");
  EXPECT_EQ(passed.body, "from the real host");
}

TEST(HostLists, BadEntriesInEveryServerOptionAreServerErrorsNamingTheListAndEntry) {
  for (const std::string entry : {"api test", "**", "api.test:99999", "*.", ""}) {
    for (const bool passthrough : {true, false}) {
      ServerOptions options;
      (passthrough ? options.connect_passthrough_hosts : options.forward_allowed_hosts) = {"ok.test", entry};
      const std::string list =
          passthrough ? "ServerOptions::connect_passthrough_hosts" : "ServerOptions::forward_allowed_hosts";
      try {
        MockServer server(options);
        ADD_FAILURE() << list << " took \"" << entry << "\"";
      } catch (const ServerError& e) {
        EXPECT_TRUE(mentions(e.what(), list + "[1] \"" + entry + "\": ")) << e.what();
      }
    }
  }
}

TEST(HostLists, AForwardAllowanceWithAPortLetsAReplayPassthroughReachThatPort) {
  MockServer upstream;
  upstream.when_requested_with(Request{}.path("/live")).respond_with(200, "listed");
  const std::string authority = "127.0.0.1:" + std::to_string(upstream.port());
  ServerOptions options;
  options.forward_allowed_hosts = {authority};
  MockServer server(options);
  ReplaySession session = server.start_session();
  const auto passed =
      test::curl_request("GET", server.url() + "/live", "",
                         {"Host: " + authority, std::string(ReplaySession::kHeader) + ": " + session.id()});
  EXPECT_EQ(passed.body, "listed");

  ServerOptions elsewhere;
  elsewhere.forward_allowed_hosts = {"127.0.0.1:1"};
  MockServer narrow(elsewhere);
  ReplaySession other = narrow.start_session();
  const auto refused =
      test::curl_request("GET", narrow.url() + "/live", "",
                         {"Host: " + authority, std::string(ReplaySession::kHeader) + ": " + other.id()});
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(Json::parse(refused.body)["error"], "FORWARD_REFUSED");
}

TEST(HostLists, APolicyAllowanceWithAPortLetsAPassthroughReachThatPort) {
  MockServer upstream;
  upstream.when_requested_with(Request{}.path("/live")).respond_with(200, "allowed by the policy");
  const std::string authority = "127.0.0.1:" + std::to_string(upstream.port());
  MockServer server;
  ReplaySession session = server.start_session();
  session.set_policy(ReplayPolicy::strict().allow_host(authority));
  const auto passed =
      test::curl_request("GET", server.url() + "/live", "",
                         {"Host: " + authority, std::string(ReplaySession::kHeader) + ": " + session.id()});
  EXPECT_EQ(passed.body, "allowed by the policy");
}

TEST(HostLists, ABadPolicyEntryIsARuleErrorAtItsPointerAndLeavesThePolicyAsItWas) {
  MockServer server;
  ReplaySession session = server.start_session();
  session.set_policy(ReplayPolicy{}.block_host("blocked.test"));
  try {
    session.set_policy(ReplayPolicy{}.allow_host("ok.test").allow_host("*."));
    FAIL() << "\"*.\" was taken";
  } catch (const RuleError& e) {
    EXPECT_EQ(e.pointer(), "/allowHosts/1");
    EXPECT_TRUE(mentions(e.problem(), "\"*.\" needs a domain")) << e.what();
  }
  EXPECT_EQ(session.policy().block_hosts, std::vector<std::string>{"blocked.test"});
  EXPECT_TRUE(session.policy().allow_hosts.empty());

  try {
    (void)ReplayPolicy::from_json(Json{{"blockHosts", {"fine.test", "a b"}}}, "/policy");
    FAIL() << "\"a b\" was taken";
  } catch (const RuleError& e) {
    EXPECT_EQ(e.pointer(), "/policy/blockHosts/1");
    EXPECT_TRUE(mentions(e.problem(), "no space")) << e.what();
  }
}

TEST(HostLists, ThePolicyOverHttpAnswersABadEntryWithItsPointer) {
  ServerOptions options;
  options.control_surfaces = {softprobe_api()};
  MockServer server(options);
  const auto created = test::curl_request("POST", server.url() + "/v1/sessions", R"({"mode": "replay"})",
                                          {"Content-Type: application/json"});
  ASSERT_EQ(created.status / 100, 2) << created.body;
  const std::string id = Json::parse(created.body)["sessionId"].get<std::string>();
  const auto refused = test::curl_request("POST", server.url() + "/v1/sessions/" + id + "/policy",
                                          R"({"allowHosts": ["api.test:0"]})", {"Content-Type: application/json"});
  EXPECT_EQ(refused.status / 100, 4) << refused.body;
  EXPECT_TRUE(mentions(refused.body, "/allowHosts/0")) << refused.body;
  EXPECT_TRUE(mentions(refused.body, "is not a number from 1 to 65535")) << refused.body;
}

TEST(HostLists, TheControlGuardTakesSubdomainWildcardsAndPorts) {
  ControlOptions control;
  control.allowed_hosts = {"*.mock.internal", "admin.test:9000"};
  ServerOptions options;
  options.control_surfaces = all_control_surfaces(control);
  MockServer server(options);
  const auto ask = [&](const std::string& host) {
    return test::curl_request("GET", server.url() + "/__mock__/requests", "", {"Host: " + host}).status;
  };
  EXPECT_EQ(ask("api.mock.internal"), 200);
  EXPECT_EQ(ask("API.Mock.Internal.:8080"), 200);
  EXPECT_EQ(ask("mock.internal"), 403) << "a wildcard names subdomains, not the apex";
  EXPECT_EQ(ask("admin.test:9000"), 200);
  EXPECT_EQ(ask("admin.test:9001"), 403);
  EXPECT_EQ(ask("admin.test"), 403) << "no port in Host: http's 80";
}

TEST(HostLists, ABadControlEntryIsAServerErrorWhenTheSurfaceIsMade) {
  ControlOptions control;
  control.allowed_hosts = {"localhost", "*.*"};
  try {
    (void)admin_api(control);
    FAIL() << "\"*.*\" was taken";
  } catch (const ServerError& e) {
    EXPECT_TRUE(mentions(e.what(), "ControlOptions::allowed_hosts[1] \"*.*\": ")) << e.what();
  }
}

}  // namespace host_list_test
