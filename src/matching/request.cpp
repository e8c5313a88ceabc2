#include <algorithm>
// The Request matcher builder and its wire form.
#include <cctype>

#include <re2/re2.h>

#include <mockhttp/errors.hpp>
#include <mockhttp/request.hpp>

#include "criteria/criteria_node.hpp"
#include "encoding/json_pointer.hpp"
#include "encoding/unicode_text.hpp"
#include "matching/grpc_message_criteria.hpp"

namespace mockhttp {

using Json = nlohmann::json;
using detail::pointer_append;

namespace detail {

// A gRPC message's criteria: a plain object names the fields to match and ignores the others
// (a decoded message lists every field, zero values included, so equality would ask for all).
Criteria grpc_message_criteria(const Json& wire, const std::string& pointer) {
  if (!wire.is_object() || wire.empty()) return Criteria::from_json(wire, pointer);
  for (const auto& item : wire.items()) {
    if (item.key().rfind('$', 0) == 0) return Criteria::from_json(wire, pointer);
  }
  CriteriaMap fields;
  for (const auto& item : wire.items()) {
    fields.emplace(item.key(), Criteria::from_json(item.value(), pointer_append(pointer, item.key())));
  }
  return key_values(std::move(fields));
}

std::optional<Json> plain_object_of(const Criteria& criteria) {
  if (!criteria.is_literal() || !criteria.literal().is_object()) return std::nullopt;
  return criteria.literal();
}

Criteria message_text_criteria(Criteria criteria) {
  if (const auto fields = plain_object_of(criteria)) return as_json(grpc_message_criteria(*fields, ""));
  // Criteria on an object's fields can only mean the text's JSON.
  const Json wire = criteria.to_json();
  if (wire.is_object() && wire.size() == 1 &&
      (wire.begin().key() == "$key_values" || wire.begin().key() == "$exact_key_values")) {
    return as_json(std::move(criteria));
  }
  return criteria;
}

}  // namespace detail

namespace {

// Criteria on a whole object combined with per-key criteria, as one criteria.
std::optional<Criteria> combine(const std::optional<Criteria>& whole, const CriteriaMap& values) {
  if (values.empty()) return whole;
  if (!whole) return key_values(values);
  return all_of({*whole, key_values(values)});
}

// The form the Python client sends: plain values bare, criteria as `{"$op": ...}`.
Json wire_value(const Criteria& c) { return detail::node_of(c).pattern_json(); }

Json wire_map(const std::optional<Criteria>& whole, const CriteriaMap& values) {
  if (whole && values.empty()) return whole->to_json();
  Json out = Json::object();
  for (const auto& [name, criteria] : values) out[name] = wire_value(criteria);
  if (whole) return all_of({*whole, key_values(values)}).to_json();
  return out;
}

}  // namespace

Request& Request::method(Criteria method) {
  // Methods compare case-insensitively: a plain name is kept upper-case, as servers see it.
  if (method.is_literal() && method.literal().is_string()) {
    std::string name = method.literal().get<std::string>();
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    method = Criteria(name);
  }
  method_ = std::move(method);
  return *this;
}
Request& Request::path(std::string pattern) {
  path_pattern_ = std::move(pattern);
  path_criteria_.reset();
  return *this;
}
Request& Request::path(Criteria criteria) {
  // A criteria is what it says: path(eq("/a/{b}")) is literal equality; a template is a string,
  // path("/a/{b}").
  path_criteria_ = std::move(criteria);
  path_pattern_.reset();
  return *this;
}
Request& Request::header(const std::string& name, Criteria value) {
  header_values_.insert_or_assign(detail::ascii_lowercase(name), std::move(value));
  headers_ = combine(headers_whole_, header_values_);
  return *this;
}
Request& Request::headers(Criteria on_all_headers) {
  headers_whole_ = std::move(on_all_headers);
  headers_ = combine(headers_whole_, header_values_);
  return *this;
}
Request& Request::query(const std::string& name, Criteria value) {
  query_values_.insert_or_assign(name, std::move(value));
  query_ = combine(query_whole_, query_values_);
  return *this;
}
Request& Request::query(Criteria on_all_parameters) {
  query_whole_ = std::move(on_all_parameters);
  query_ = combine(query_whole_, query_values_);
  return *this;
}
Request& Request::client_certificate(Criteria subject) {
  client_certificate_ = std::move(subject);
  return *this;
}

Request& Request::protocol(Criteria protocol) {
  protocol_ = std::move(protocol);
  return *this;
}

Request& Request::websocket(Criteria direction) {
  websocket_ = std::move(direction);
  return *this;
}

Request websocket_received(Criteria payload) {
  return Request{}.websocket("received").body(detail::message_text_criteria(std::move(payload)));
}
Request websocket_sent(Criteria payload) {
  return Request{}.websocket("sent").body(detail::message_text_criteria(std::move(payload)));
}

Request& Request::host(Criteria host) {
  host_ = std::move(host);
  return *this;
}
Request& Request::body(Criteria body) {
  body_ = std::move(body);
  return *this;
}
Request& Request::body_equals_json(const Json& exact) { return body(mockhttp::as_json(Criteria(exact))); }

Json Request::to_json() const {
  Json out = Json::object();
  if (method_) out["method"] = wire_value(*method_);
  if (path_pattern_) out["path"] = *path_pattern_;
  if (path_criteria_) out["path"] = path_criteria_->to_json();
  if (headers_) out["headers"] = wire_map(headers_whole_, header_values_);
  if (query_) out["query"] = wire_map(query_whole_, query_values_);
  if (host_) out["host"] = wire_value(*host_);
  if (body_) out["body"] = wire_value(*body_);
  if (client_certificate_) out["client_certificate"] = wire_value(*client_certificate_);
  if (protocol_) out["protocol"] = wire_value(*protocol_);
  if (websocket_) out["websocket"] = wire_value(*websocket_);
  return out;
}

namespace {

// "pkg.Service/Method" or "/pkg.Service/Method" → "/pkg.Service/Method"; nullopt otherwise.
std::optional<std::string> grpc_method_path(const std::string& method) {
  static const RE2 kMethod("/?([A-Za-z_][A-Za-z0-9_.]*/[A-Za-z_][A-Za-z0-9_]*)");
  std::string name;
  if (!RE2::FullMatch(method, kMethod, &name)) return std::nullopt;
  return "/" + name;
}

// POST to the method's path (a literal pattern, so the path index finds it), application/grpc.
Request& add_grpc_call(Request& request, const std::string& method, const std::string& pointer) {
  const auto path = grpc_method_path(method);
  if (!path) {
    throw CriteriaError(pointer, "a gRPC method is \"package.Service/Method\", got " + Json(method).dump());
  }
  return request.method("POST").path(*path).header("content-type", starts_with("application/grpc"));
}

// {"method": "pkg.Service/Method", "message": <criteria>, "metadata": {name: <criteria>}}: the
// same matcher grpc_method() builds, so the wire and C++ stubs are one model.
void read_grpc_call(Request& request, const Json& value, const std::string& at) {
  if (!value.is_object()) throw CriteriaError(at, "grpc must be an object, got " + detail::type_name(value));
  for (const auto& item : value.items()) {
    if (item.key() != "method" && item.key() != "message" && item.key() != "metadata") {
      throw CriteriaError(pointer_append(at, item.key()),
                          "unknown field \"" + item.key() + "\" of grpc (known: method, message, metadata)");
    }
  }
  if (!value.contains("method") || !value.at("method").is_string()) {
    throw CriteriaError(pointer_append(at, "method"), "grpc.method is required: \"package.Service/Method\"");
  }
  add_grpc_call(request, value.at("method").get<std::string>(), pointer_append(at, "method"));
  if (value.contains("message") && !value.at("message").is_null()) {
    request.body(as_json(detail::grpc_message_criteria(value.at("message"), pointer_append(at, "message"))));
  }
  if (value.contains("metadata") && !value.at("metadata").is_null()) {
    const Json& metadata = value.at("metadata");
    const std::string metadata_at = pointer_append(at, "metadata");
    if (!metadata.is_object())
      throw CriteriaError(metadata_at, "grpc.metadata must be an object, got " + detail::type_name(metadata));
    for (const auto& entry : metadata.items()) {
      request.header(entry.key(), Criteria::from_json(entry.value(), pointer_append(metadata_at, entry.key())));
    }
  }
}

}  // namespace

Request grpc_method(const std::string& method) {
  Request request;
  return add_grpc_call(request, method, "");
}
Request grpc_method(const std::string& method, Criteria message) {
  if (const auto fields = detail::plain_object_of(message))
    return grpc_method(method).body(as_json(detail::grpc_message_criteria(*fields, "")));
  return grpc_method(method).body(as_json(std::move(message)));
}

Request Request::from_json(const Json& document, const std::string& pointer) {
  if (!document.is_object()) {
    throw CriteriaError(pointer, "a request matcher must be an object, got " + detail::type_name(document));
  }
  Request request;
  for (const auto& item : document.items()) {
    const std::string& field = item.key();
    const Json& value = item.value();
    const std::string at = pointer_append(pointer, field);
    if (value.is_null()) continue;  // the Python client's "not set"
    if (field == "method" || field == "host" || field == "client_certificate" || field == "protocol" ||
        field == "websocket") {
      if (!value.is_string() && !value.is_object()) {
        throw CriteriaError(at, field + " must be a string or a criteria object, got " + detail::type_name(value));
      }
      Criteria c = Criteria::from_json(value, at);
      if (field == "method") {
        request.method(std::move(c));
      } else if (field == "host") {
        request.host(std::move(c));
      } else if (field == "protocol") {
        request.protocol(std::move(c));
      } else if (field == "websocket") {
        request.websocket(std::move(c));
      } else {
        request.client_certificate(std::move(c));
      }
    } else if (field == "path") {
      if (value.is_string()) {
        request.path(value.get<std::string>());
      } else if (value.is_object()) {
        request.path_criteria_ = Criteria::from_json(value, at);
      } else {
        throw CriteriaError(at, "path must be a string pattern or a criteria object, got " + detail::type_name(value));
      }
    } else if (field == "headers" || field == "query") {
      if (!value.is_object()) {
        throw CriteriaError(at, field + " must be an object, got " + detail::type_name(value));
      }
      const bool is_operator = value.size() == 1 && value.begin().key().rfind('$', 0) == 0;
      if (is_operator) {
        Criteria whole = Criteria::from_json(value, at);
        field == "headers" ? request.headers(std::move(whole)) : request.query(std::move(whole));
      } else {
        for (const auto& entry : value.items()) {
          Criteria c = Criteria::from_json(entry.value(), pointer_append(at, entry.key()));
          field == "headers" ? request.header(entry.key(), std::move(c)) : request.query(entry.key(), std::move(c));
        }
      }
    } else if (field == "body") {
      request.body(Criteria::from_json(value, at));
    } else if (field == "grpc") {
      read_grpc_call(request, value, at);
    } else {
      throw CriteriaError(
          at, "unknown request field \"" + field +
                  "\" (known: method, path, headers, query, host, body, client_certificate, protocol, grpc, "
                  "websocket)");
    }
  }
  return request;
}

std::string Request::describe() const {
  std::string out;
  const auto add = [&](const char* field, const std::string& text) {
    out += (out.empty() ? "" : ", ") + std::string(field) + " " + text;
  };
  if (method_) add("method", method_->describe());
  if (path_pattern_) add("path", Json(*path_pattern_).dump());
  if (path_criteria_) add("path", path_criteria_->describe());
  if (headers_) add("headers", headers_->describe());
  if (query_) add("query", query_->describe());
  if (host_) add("host", host_->describe());
  if (body_) add("body", body_->describe());
  if (client_certificate_) add("client certificate", client_certificate_->describe());
  if (protocol_) add("protocol", protocol_->describe());
  if (websocket_) add("WebSocket message", websocket_->describe());
  return out.empty() ? "any request" : out;
}

}  // namespace mockhttp
