#pragma once
// A small libcurl client for tests: one request, one fresh handle, everything captured.
#include <curl/curl.h>

#include <string>
#include <utility>
#include <vector>

namespace mockhttp::test {

struct CurlResult {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names

  std::string header(const std::string& lowercase_name) const;
};

CurlResult curl_request(const std::string& method, const std::string& url, const std::string& body = "",
                        const std::vector<std::string>& headers = {});

struct KeepAliveResult {
  int answered = 0;      // responses with the expected status
  long connections = 0;  // TCP connections libcurl had to open for all of them
};
// Sends `count` GETs through one libcurl handle, which reuses its connection when it can.
KeepAliveResult curl_keep_alive_gets(const std::string& url, int count, long expected_status);

}  // namespace mockhttp::test
