#pragma once
// ProxyTarget: a stub that forwards the matched request to a real upstream and returns its
// answer, as assertive-mock-api's `action.proxy` does: to exactly `url` (the incoming path is
// not appended), with the incoming method, headers (hop-by-hop ones dropped, `headers`
// overlaid), body and query. With `record`, the first answer is kept as a plain stub with the
// same request matcher, in the same scope, so later requests never reach the upstream.
// Thread safety: a value type.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include <mockhttp/response.hpp>

namespace mockhttp {

struct ProxyTarget {
  std::string url;           // "http://127.0.0.1:9000/v1/thing"
  Headers headers;           // set on the forwarded request, replacing incoming ones
  std::int64_t timeout = 5;  // seconds, for connecting and for the answer
  bool record = false;

  // Throws DocumentError for an empty or non-http URL, or a timeout below 1.
  void validate() const;
  nlohmann::json to_json() const;  // {"url", "headers", "timeout", "record"}
  static ProxyTarget from_json(const nlohmann::json& document, const std::string& pointer = "");
};

}  // namespace mockhttp
