// Forwards must not reach non-global addresses unless the test lists them: the classifier knows
// IANA's special-purpose ranges, and reads the IPv4 address embedded in mapped, compatible,
// NAT64 and 6to4 IPv6 addresses. Literal addresses only: getaddrinfo does no lookup for them,
// and a refused forward sends no packet.
#include <gtest/gtest.h>

#include <string>

#include <mockhttp/mockhttp.hpp>

#include "support/curl_client.hpp"
#include "support/raw_http.hpp"
#include "transport/connect_tunnel.hpp"
#include "transport/address_kind.hpp"

using namespace mockhttp;
using mockhttp::detail::AddressKind;
using mockhttp::detail::classify_host;
using mockhttp::test::curl_request;

namespace special_addresses {

TEST(AddressKind, SpecialPurposeIpv4RangesAreNotPublic) {
  for (const char* address :
       {"192.0.2.1", "198.51.100.7", "203.0.113.9", "198.18.0.1", "198.19.255.254", "240.0.0.1", "255.255.255.255",
        "224.0.0.251", "239.255.255.250", "0.1.2.3", "192.0.0.8", "192.88.99.1"}) {
    EXPECT_EQ(classify_host(address), AddressKind::special_purpose) << address;
  }
  EXPECT_EQ(classify_host("0.0.0.0"), AddressKind::loopback);
  EXPECT_EQ(classify_host("100.64.0.1"), AddressKind::private_network);
  EXPECT_EQ(classify_host("169.254.169.254"), AddressKind::link_local);
  for (const char* address : {"8.8.8.8", "1.1.1.1", "198.20.0.1", "192.0.3.1", "223.255.255.255"}) {
    EXPECT_EQ(classify_host(address), AddressKind::public_internet) << address;
  }
}

TEST(AddressKind, Ipv6FormsAreClassifiedByTheIpv4AddressTheyEmbed) {
  EXPECT_EQ(classify_host("::ffff:127.0.0.1"), AddressKind::loopback);
  EXPECT_EQ(classify_host("::ffff:169.254.169.254"), AddressKind::link_local);
  EXPECT_EQ(classify_host("::ffff:8.8.8.8"), AddressKind::public_internet);
  EXPECT_EQ(classify_host("::127.0.0.1"), AddressKind::loopback) << "IPv4-compatible";
  EXPECT_EQ(classify_host("::8.8.8.8"), AddressKind::special_purpose) << "IPv4-compatible is deprecated";
  EXPECT_EQ(classify_host("64:ff9b::a9fe:a9fe"), AddressKind::link_local) << "NAT64 of 169.254.169.254";
  EXPECT_EQ(classify_host("64:ff9b::c000:201"), AddressKind::special_purpose) << "NAT64 of 192.0.2.1";
  EXPECT_EQ(classify_host("64:ff9b::808:808"), AddressKind::public_internet) << "NAT64 of 8.8.8.8";
  EXPECT_EQ(classify_host("2002:7f00:1::1"), AddressKind::loopback) << "6to4 of 127.0.0.1";
  EXPECT_EQ(classify_host("2002:0a00:0001::1"), AddressKind::special_purpose) << "6to4 of 10.0.0.1 is at least special";
  EXPECT_EQ(classify_host("2002:0808:0808::1"), AddressKind::special_purpose);
}

TEST(AddressKind, SpecialPurposeIpv6RangesAreNotPublic) {
  for (const char* address :
       {"2001:db8::1", "2001::1", "2001:2::1", "3fff::1", "100::1", "ff02::1", "ff0e::1", "64:ff9b:1::1", "5f00::1"}) {
    EXPECT_EQ(classify_host(address), AddressKind::special_purpose) << address;
  }
  EXPECT_EQ(classify_host("fec0::1"), AddressKind::private_network) << "site-local";
  EXPECT_EQ(classify_host("fd00::1"), AddressKind::private_network);
  EXPECT_EQ(classify_host("fe80::1"), AddressKind::link_local);
  EXPECT_EQ(classify_host("2606:4700::1111"), AddressKind::public_internet);
  EXPECT_EQ(classify_host("2a00:1450::1"), AddressKind::public_internet);
}

// A proxy stub to a TEST-NET address or its NAT64 form is refused before any connection is made.
TEST(SpecialAddresses, AProxyStubToASpecialRangeIsRefusedNamingIt) {
  MockServer server;
  (void)server.when_requested_with(Request{}.path("/testnet")).proxy_to(ProxyTarget{"http://192.0.2.1/", {}});
  (void)server.when_requested_with(Request{}.path("/nat64")).proxy_to(ProxyTarget{"http://[64:ff9b::c000:201]/", {}});
  for (const char* path : {"/testnet", "/nat64"}) {
    const auto answer = curl_request("GET", server.url() + path);
    EXPECT_GE(answer.status, 400) << path;
    EXPECT_NE(answer.body.find("a special-purpose address"), std::string::npos) << answer.body;
    EXPECT_NE(answer.body.find("forward_allowed_hosts"), std::string::npos) << answer.body;
  }
}

// CONNECT targets: one reading of host:port and [v6]:port, and host names as DNS spells them.
TEST(ConnectTarget, HostsArePortsAndNamesAreReadStrictly) {
  std::string problem;
  const auto v6 = detail::parse_connect_target("[::1]:8443", problem);
  ASSERT_TRUE(v6) << problem;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8443);
  EXPECT_EQ(detail::parse_connect_target("API.Example.test:443", problem)->host, "api.example.test");
  EXPECT_TRUE(detail::parse_connect_target("10.0.0.1:443", problem));
  const auto refused = [](const std::string& target) {
    std::string why;
    return detail::parse_connect_target(target, why) ? std::string("(accepted)") : why;
  };
  EXPECT_EQ(refused("[::1]"), "the CONNECT target \"[::1]\" is not [address]:port") << "was: the host \"[:\"";
  EXPECT_NE(refused("[nonsense]:443").find("is not an IPv6 address"), std::string::npos);
  EXPECT_NE(refused(".:443").find("1 to 253 characters"), std::string::npos) << refused(".:443");
  EXPECT_NE(refused("..:443").find("empty label"), std::string::npos) << refused("..:443");
  EXPECT_NE(refused("-leading.example:443").find("starts or ends with '-'"), std::string::npos);
  EXPECT_NE(refused("a..b:443").find("empty label"), std::string::npos);
  EXPECT_NE(refused(std::string(64, 'a') + ".example:443").find("more than 63"), std::string::npos);
  EXPECT_NE(refused("a:b:443").find("is not host:port"), std::string::npos);
  EXPECT_NE(refused("host:0").find("from 1 to 65535"), std::string::npos);
}

TEST(ConnectTarget, ABadHostOverTheWireIsA400NamingIt) {
  MockServer server;
  const std::string answer =
      test::raw_exchange(server.port(), "CONNECT -leading.example:443 HTTP/1.1\r\nHost: -leading.example:443\r\n\r\n");
  EXPECT_EQ(test::first_status(answer), 400) << answer;
  EXPECT_NE(answer.find("BAD_CONNECT_TARGET"), std::string::npos) << answer;
  EXPECT_NE(answer.find("starts or ends with '-'"), std::string::npos) << answer;
}

// Outside global unicast 2000::/3 and the ranges named above, the IPv6 space is reserved: no
// test reaches a host there. An IPv4-translated address (::ffff:0:a.b.c.d) leads to the IPv4
// address it carries, through a translator.
TEST(AddressKind, Ipv6OutsideGlobalUnicastAndTranslatedFormsAreNotPublic) {
  for (const char* address : {"1::1", "4000::1", "8000::1", "c000::1", "e000::1", "::2:3:4:5"}) {
    EXPECT_EQ(classify_host(address), AddressKind::special_purpose) << address;
  }
  EXPECT_EQ(classify_host("::ffff:0:127.0.0.1"), AddressKind::loopback) << "IPv4-translated 127.0.0.1";
  EXPECT_EQ(classify_host("::ffff:0:169.254.169.254"), AddressKind::link_local) << "IPv4-translated metadata";
  EXPECT_EQ(classify_host("::ffff:0:8.8.8.8"), AddressKind::special_purpose) << "a translated form is at least special";
  EXPECT_EQ(classify_host("2001:4860:4860::8888"), AddressKind::public_internet) << "global unicast stays public";
  EXPECT_EQ(classify_host("3ffe::1"), AddressKind::public_internet) << "inside 2000::/3, outside 3fff::/20";
}

TEST(SpecialAddresses, AProxyStubToAReservedIpv6AddressIsRefused) {
  MockServer server;
  (void)server.when_requested_with(Request{}.path("/reserved")).proxy_to(ProxyTarget{"http://[4000::1]/", {}});
  const auto answer = curl_request("GET", server.url() + "/reserved");
  EXPECT_EQ(answer.status, 403) << answer.body;
  EXPECT_NE(answer.body.find("FORWARD_REFUSED"), std::string::npos) << answer.body;
  EXPECT_NE(answer.body.find("a special-purpose address"), std::string::npos) << answer.body;
}

// The CONNECT line is raw bytes; the refusal quotes them escaped, so its JSON can be written.
TEST(ConnectTarget, ABinaryOrHugeTargetIsA400QuotingItEscapedAndCut) {
  MockServer server;
  const std::string binary =
      test::raw_exchange(server.port(), std::string("CONNECT bad\xff\x01host:443 HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(test::first_status(binary), 400) << binary;
  EXPECT_NE(binary.find("BAD_CONNECT_TARGET"), std::string::npos) << binary;
  EXPECT_NE(binary.find("bad\\\\xff\\\\x01host"), std::string::npos) << binary;  // the JSON text escapes the backslash
  std::string why;
  EXPECT_FALSE(detail::parse_connect_target(std::string(5000, 'a') + "\xc3:443", why));
  EXPECT_LT(why.size(), 500u) << why.substr(0, 600);
  EXPECT_NE(why.find("(5001 bytes)"), std::string::npos) << why.substr(0, 600);
}

}  // namespace special_addresses
