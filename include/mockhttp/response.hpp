#pragma once
// Response: what a stub answers. A value type; build it on any thread and hand it to a stub.
//
//   Response{}.status(201).header("location", "/users/7").json_body({{"id", 7}})
//   Response{}.template_body(R"({"id": "{{ request.path_params.id }}"})")
//   Response{}.body("...").trailer("grpc-status", "0")  // sent after the body (docs/stubs.md)
//
// A template body is rendered against each request (docs/templates.md); a plain body is sent
// as it is, `{{ }}` included.
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace mockhttp {

// Header lists keep order and repeated names, as on the wire.
using Headers = std::vector<std::pair<std::string, std::string>>;

class Response {
 public:
  Response() = default;
  explicit Response(int status) : status_(status) {}

  Response& status(int code);
  Response& header(std::string name, std::string value);
  // A trailer field, sent after the body: over HTTP/2 always, over HTTP/1.1 when the request
  // said `TE: trailers` (dropped otherwise, as RFC 9110 allows). Fields that must precede the
  // body (framing, routing, authentication, content format) are refused when the stub is
  // mounted; the list is in docs/stubs.md.
  Response& trailer(std::string name, std::string value);
  Response& body(std::string text);  // sent as-is; set a content-type header if it matters
  // Serialised compactly; adds `content-type: application/json` unless one is set.
  Response& json_body(const nlohmann::json& document);
  // Rendered per request: {{ request.query.name }}, {{ request.headers['x-id'] }}, ...
  Response& template_body(std::string text);

  int status() const { return status_; }
  const Headers& headers() const { return headers_; }
  const Headers& trailers() const { return trailers_; }
  const std::string& body() const { return body_; }  // the template, when is_template()
  bool is_template() const { return is_template_; }
  bool has_header(const std::string& name) const;  // case-insensitive

  // The wire form of assertive-mock-api's action.response: {status_code, headers, body} or
  // {status_code, headers, template_body}, and mockhttp's `trailers` beside headers (written
  // only when there are some). from_json takes exactly one of body and
  // template_body; an object or array body is sent as compact JSON with a JSON content type,
  // any other scalar JSON-encoded. Throws DocumentError naming the field.
  nlohmann::json to_json() const;
  static Response from_json(const nlohmann::json& document, const std::string& pointer = "");

 private:
  int status_ = 200;
  Headers headers_;
  Headers trailers_;
  std::string body_;
  bool is_template_ = false;
};

}  // namespace mockhttp
