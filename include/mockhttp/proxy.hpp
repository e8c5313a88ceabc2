#pragma once
// ProxyTarget: a stub that forwards the matched request to a real upstream and returns its
// answer, as assertive-mock-api's `action.proxy` does: to exactly `url` (the incoming path is
// not appended), with the incoming method, headers (hop-by-hop ones dropped, `headers`
// overlaid), body and query. With `record`, the first answer is kept as a plain stub with the
// same request matcher, in the same scope, so later requests never reach the upstream.
// Thread safety: a value type.
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include <mockhttp/response.hpp>

namespace mockhttp {

struct ProxyTarget {
  ProxyTarget() = default;
  ProxyTarget(std::string url_, Headers headers_, std::chrono::seconds timeout_, bool record_ = false)
      : url(std::move(url_)), headers(std::move(headers_)), timeout(timeout_), record(record_) {}
  // An integer timeout is seconds, as on the wire.
  ProxyTarget(std::string url_, Headers headers_ = {}, std::int64_t timeout_seconds = 5,
              bool record_ = false)  // NOLINT
      : ProxyTarget(std::move(url_), std::move(headers_), std::chrono::seconds(timeout_seconds), record_) {}

  std::string url;                  // "http://127.0.0.1:9000/v1/thing" or "https://api.example.com/v1/thing"
  Headers headers;                  // set on the forwarded request, replacing incoming ones
  std::chrono::seconds timeout{5};  // for connecting and for the answer (whole seconds)
  bool record = false;
  // An https:// upstream's certificate is verified against the system's CAs, or against the
  // CA certificates (PEM) in `ca_file` when set. `insecure` skips verification altogether: every
  // answer then carries `x-mockhttp-insecure-upstream: certificate not verified`, so the choice
  // is never silent.
  std::string ca_file;
  bool insecure = false;

  // Throws DocumentError for an empty or non-http(s) URL, or a timeout below 1.
  void validate() const;
  nlohmann::json to_json() const;  // {"url", "headers", "timeout", "record"} (+ "ca_file", "insecure" when set)
  static ProxyTarget from_json(const nlohmann::json& document, const std::string& pointer = "");
};

}  // namespace mockhttp
