#pragma once
// Request: what a stub waits for, and what confirm_request() counts. Each field is optional;
// an unset field matches anything. Fields take plain values (equality) or Criteria.
//
//   Request{}.method("POST").path("/users/{id}")
//            .header("authorization", regex("^Bearer "))
//            .query("page", "2")
//            .body(as_json(key_values({{"amount", gt(0)}})));
//
// Paths: a string path is a pattern whose `{name}` segments match one segment each (same number
// of segments, literal segments case-sensitive, trailing slash ignored), in a stub and in
// confirm_request() alike. Pass a Criteria to match the path string any other way:
// regex("^/api/"), starts_with("/v1/"), or eq("/a/{b}") for literal equality (a criteria is
// never a template). Over the wire, POST /__mock__/assert keeps assertive-mock-api's meaning:
// its string path is literal.
// Header names are case-insensitive. Query values are strings (the last of repeated keys).
//
// Thread safety: a value type. Build it on one thread; once handed to the server it is copied.
#include <mockhttp/criteria.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace mockhttp {

class RequestFields;

class Request {
 public:
  Request& method(Criteria method);
  Request& path(const char* pattern) { return path(std::string(pattern)); }
  Request& path(std::string pattern);
  Request& path(Criteria criteria);
  Request& header(const std::string& name, Criteria value);  // adds one header to match
  Request& headers(Criteria on_all_headers);                 // criteria on the {lowercase name: value} object
  Request& query(const std::string& name, Criteria value);
  Request& query(Criteria on_all_parameters);
  Request& host(Criteria host);  // the Host header, lowercase, without the port
  // Over mTLS: the subject of the client's certificate ("CN=alice,O=mockhttp"); a request
  // without one has null here (docs/https.md).
  Request& client_certificate(Criteria subject);
  // The HTTP version the request came in: "HTTP/1.1" or "HTTP/2" (RecordedRequest::protocol).
  Request& protocol(Criteria protocol);
  // WebSocket messages in the journal (docs/websocket.md#verification): criteria on the
  // direction, "received" (from the client) or "sent". A matcher without it sees HTTP requests
  // only; with it, messages only (the body is then the message's text, or its bytes as base64).
  Request& websocket(Criteria direction);
  Request& body(Criteria body);                            // criteria on the raw body text
  Request& body_equals_json(const nlohmann::json& exact);  // the body parses as JSON equal to `exact`

  // The wire form of assertive-mock-api's request matcher ({"path", "method", "headers", ...}).
  nlohmann::json to_json() const;
  // Reads the wire form; throws CriteriaError with a JSON Pointer under `pointer`.
  static Request from_json(const nlohmann::json& document, const std::string& pointer = "");

  // One line, for reports: `POST /payment headers{authorization: matches regex "^Bearer "}`.
  std::string describe() const;

 private:
  friend class RequestFields;  // the matcher's view of the fields, inside the library

  std::optional<Criteria> method_;
  std::optional<std::string> path_pattern_;
  std::optional<Criteria> path_criteria_;
  // headers_ and query_ are derived: the whole-object criteria and the per-key ones, combined.
  std::optional<Criteria> headers_;
  std::optional<Criteria> headers_whole_;
  CriteriaMap header_values_;  // lowercase names
  std::optional<Criteria> query_;
  std::optional<Criteria> query_whole_;
  CriteriaMap query_values_;
  std::optional<Criteria> host_;
  std::optional<Criteria> body_;
  std::optional<Criteria> client_certificate_;
  std::optional<Criteria> protocol_;
  std::optional<Criteria> websocket_;
};

// A WebSocket message the client sent, or one the server sent, whose payload matches
// `payload` (a plain object names JSON fields of a text message, as key_values does under
// as_json); chain .path(...) for the connection's path.
//
//   server.confirm_request(websocket_received(key_values({{"op", "subscribe"}})), eq(1))
Request websocket_received(Criteria payload = exists());
Request websocket_sent(Criteria payload = exists());

// A gRPC call (docs/grpc.md): POST to the method's path with an application/grpc content type.
// `method` is "package.Service/Method" (a leading slash is taken too); `message`, when given,
// is criteria on the request message in protobuf's JSON mapping — on the JSON array of the
// messages received for a client-streaming method. A plain object names the fields to match and
// ignores the others, as key_values() does: a decoded message lists every field, zero values
// included. Metadata are headers: chain .header(...).
// Throws CriteriaError when `method` is not of that form.
//
//   grpc_method("helloworld.Greeter/SayHello", key_values({{"name", starts_with("w")}}))
Request grpc_method(const std::string& method);
Request grpc_method(const std::string& method, Criteria message);

}  // namespace mockhttp
