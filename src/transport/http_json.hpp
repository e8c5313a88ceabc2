#pragma once
// Small pieces every JSON route shares: writing a JSON answer, and reading a route's member
// segment ("/__mock__/stubs/{id}").
#include <optional>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace mockhttp::detail {

// `indent` -1 is compact; reports meant for people reading curl output use 2.
inline void send_json(httplib::Response& response, int status, const nlohmann::json& body, int indent = -1) {
  response.status = status;
  response.set_content(body.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

// "/__mock__/stubs/abc" -> "abc" when `path` is `collection` + "/" + exactly one segment.
inline std::optional<std::string> member_of(const std::string& path, const std::string& collection) {
  const std::string prefix = collection + "/";
  if (path.rfind(prefix, 0) != 0 || path.size() == prefix.size()) return std::nullopt;
  std::string member = path.substr(prefix.size());
  if (member.find('/') != std::string::npos) return std::nullopt;
  return member;
}

}  // namespace mockhttp::detail
