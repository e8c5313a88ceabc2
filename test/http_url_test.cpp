// The one URL and authority reader (src/encoding/http_url.hpp): Host headers, absolute-form
// targets, proxy URLs. Internal, tested directly because every front end leans on it.
#include <gtest/gtest.h>

#include "encoding/http_url.hpp"

namespace http_url {

using mockhttp::detail::parse_authority;
using mockhttp::detail::parse_http_url;

TEST(Authority, HostIsLowerCaseWithoutPortOrBrackets) {
  EXPECT_EQ(parse_authority("Example.COM:8080").host, "example.com");
  EXPECT_EQ(parse_authority("Example.COM:8080").port, 8080);
  EXPECT_EQ(parse_authority("[::1]:80").host, "::1");
  EXPECT_EQ(parse_authority("[::1]:80").port, 80);
  EXPECT_EQ(parse_authority("[::1]").port, std::nullopt);
  EXPECT_EQ(parse_authority("api").host, "api");
  EXPECT_EQ(parse_authority("api").port, std::nullopt);
  EXPECT_EQ(parse_authority("").host, "");
}

TEST(Authority, APortIsANumberFrom1To65535OrNothing) {
  EXPECT_EQ(parse_authority("h:0").port, std::nullopt);
  EXPECT_EQ(parse_authority("h:65536").port, std::nullopt);
  EXPECT_EQ(parse_authority("h:80x").port, std::nullopt);
  EXPECT_EQ(parse_authority("h:").port, std::nullopt);
  EXPECT_EQ(parse_authority("h:65535").port, 65535);
}

TEST(HttpUrl, SplitsOriginAndTarget) {
  const auto url = parse_http_url("HTTP://Api.Example.com:9000/v1/x?y=1#frag");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->scheme, "http");
  EXPECT_EQ(url->authority, "Api.Example.com:9000");
  EXPECT_EQ(url->parsed.host, "api.example.com");
  EXPECT_EQ(url->parsed.port, 9000);
  EXPECT_EQ(url->origin(), "http://Api.Example.com:9000");
  EXPECT_EQ(url->target, "/v1/x?y=1");
  EXPECT_EQ(parse_http_url("http://h")->target, "/");
  EXPECT_EQ(parse_http_url("http://h?q=1")->target, "/?q=1");
  EXPECT_EQ(parse_http_url("https://h/a")->scheme, "https");
}

TEST(HttpUrl, AnythingElseIsNoUrl) {
  EXPECT_FALSE(parse_http_url("not a url"));
  EXPECT_FALSE(parse_http_url("ftp://h/x"));
  EXPECT_FALSE(parse_http_url("http://"));
  EXPECT_FALSE(parse_http_url("http:///path"));
  EXPECT_FALSE(parse_http_url("/relative"));
}

}  // namespace http_url
