#pragma once
// ReplayCase: a Softprobe case file (*.case.json) — captured traffic as OTLP JSON traces,
// case-embedded rules and fixtures — and the HTTP exchanges read from its spans.
//
//   ReplayCase c = ReplayCase::load_from_file("cases/checkout-happy-path.case.json");
//   CapturedExchange hit = c.find(CasePredicate::outbound().with_method("POST")
//                                      .with_host_suffix("stripe.com").with_path_prefix("/v1/payment_intents"));
//
// Span attributes map to exchanges as docs/replay.md says (`url.host`, `url.path`,
// `http.request.method`, `http.request.header.<name>`, `http.response.status_code`, ...);
// every attribute is kept in `attributes`, known or not.
// Thread safety: value types; a loaded case is immutable and may be read from any thread.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <mockhttp/replay_rule.hpp>
#include <mockhttp/response.hpp>

namespace mockhttp {

struct CapturedRequest {
  std::string method;  // upper-case; "" when the span did not say
  std::string host;    // url.host, lower-case, without the port
  std::string path;    // url.path
  Headers headers;     // http.request.header.<name>, without HTTP/2 pseudo-headers
  std::string body;
};

struct CapturedResponse {
  int status = 200;
  Headers headers;  // http.response.header.<name>, without pseudo-headers
  std::string body;

  // The body parsed as JSON; throws DocumentError when it is not JSON.
  nlohmann::json body_as_json() const;
  // A copy whose body is `document`, compact, e.g. after editing body_as_json().
  CapturedResponse with_json_body(const nlohmann::json& document) const;
  // As a stub response (the headers that describe one hop, such as content-length, dropped).
  Response to_response() const;
};

struct CapturedExchange {
  std::string trace_id;
  std::string span_id;
  std::string direction;  // sp.traffic.direction: "inbound" or "outbound"
  std::string service;    // sp.service.name, else the resource's service.name
  std::string span_type;  // sp.span.type: "inject" or "extract"
  CapturedRequest request;
  CapturedResponse response;
  std::uint64_t start_unix_nano = 0, end_unix_nano = 0;  // the span's times; 0 when it had none
  nlohmann::json attributes = nlohmann::json::object();  // every span attribute, by key, typed value decoded
};

// What find() looks for; unset fields match anything. Method and host compare
// case-insensitively; headers must all be present with these values.
struct CasePredicate {
  std::optional<std::string> direction;
  std::optional<std::string> method;
  std::optional<std::string> host;
  std::optional<std::string> host_suffix;
  std::optional<std::string> path;
  std::optional<std::string> path_prefix;
  std::map<std::string, std::string> headers;

  // Chaining, for C++17 (C++20 may use designated initializers on the fields above).
  static CasePredicate outbound() { return CasePredicate{}.with_direction("outbound"); }
  static CasePredicate inbound() { return CasePredicate{}.with_direction("inbound"); }
  CasePredicate& with_direction(std::string value) {
    direction = std::move(value);
    return *this;
  }
  CasePredicate& with_method(std::string value) {
    method = std::move(value);
    return *this;
  }
  CasePredicate& with_host(std::string value) {
    host = std::move(value);
    return *this;
  }
  CasePredicate& with_host_suffix(std::string value) {
    host_suffix = std::move(value);
    return *this;
  }
  CasePredicate& with_path(std::string value) {
    path = std::move(value);
    return *this;
  }
  CasePredicate& with_path_prefix(std::string value) {
    path_prefix = std::move(value);
    return *this;
  }
  CasePredicate& with_header(const std::string& name, std::string value) {
    headers[name] = std::move(value);
    return *this;
  }

  bool matches(const CapturedExchange& exchange) const;
  std::string describe() const;
};

struct CaseFixture {
  std::string name;
  nlohmann::json value;
};

class ReplayCase {
 public:
  // Throws CaseLoadError with the file, the byte of a JSON syntax error or the JSON Pointer of
  // an invalid value, and the reason. Validated against schemas/softprobe/case.schema.json
  // (and the trace and rule schemas) first.
  static ReplayCase load_from_file(const std::string& path);
  static ReplayCase from_json(const nlohmann::json& document, const std::string& source = "");

  const std::string& version() const { return version_; }
  const std::string& case_id() const { return case_id_; }
  const std::string& suite() const { return suite_; }
  const std::string& mode() const { return mode_; }
  const std::string& created_at() const { return created_at_; }
  const std::vector<CapturedExchange>& exchanges() const { return exchanges_; }
  const std::vector<ReplayRule>& rules() const { return rules_; }
  const std::vector<CaseFixture>& fixtures() const { return fixtures_; }
  const nlohmann::json& document() const { return document_; }

  // Exactly one exchange, else CaseLookupError listing the span ids that matched.
  const CapturedExchange& find(const CasePredicate& predicate) const;
  std::vector<CapturedExchange> find_all(const CasePredicate& predicate) const;

 private:
  std::string version_, case_id_, suite_, mode_, created_at_;
  std::vector<CapturedExchange> exchanges_;
  std::vector<ReplayRule> rules_;
  std::vector<CaseFixture> fixtures_;
  nlohmann::json document_;
};

}  // namespace mockhttp
