#pragma once
// The matcher's view of a Request: which fields are set, and to what. Request keeps them
// private so that its public surface is the builder and the wire form only.
// Thread safety: reads a value type.
#include <optional>
#include <string>

#include <mockhttp/request.hpp>

namespace mockhttp {

class RequestFields {
 public:
  static const std::optional<Criteria>& method(const Request& r) { return r.method_; }
  static const std::optional<std::string>& path_pattern(const Request& r) { return r.path_pattern_; }
  static const std::optional<Criteria>& path(const Request& r) { return r.path_criteria_; }
  static const std::optional<Criteria>& headers(const Request& r) { return r.headers_; }
  static const std::optional<Criteria>& query(const Request& r) { return r.query_; }
  // The per-name criteria of header(name, ...) and query(name, ...), before they are combined.
  static const CriteriaMap& header_values(const Request& r) { return r.header_values_; }
  static const CriteriaMap& query_values(const Request& r) { return r.query_values_; }
  static const std::optional<Criteria>& host(const Request& r) { return r.host_; }
  static const std::optional<Criteria>& body(const Request& r) { return r.body_; }
  static const std::optional<Criteria>& client_certificate(const Request& r) { return r.client_certificate_; }
  static const std::optional<Criteria>& protocol(const Request& r) { return r.protocol_; }
  static const std::optional<Criteria>& websocket(const Request& r) { return r.websocket_; }
};

}  // namespace mockhttp
