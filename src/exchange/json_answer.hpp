#pragma once
// Small pieces every JSON route shares: answering with a JSON document, reading a query
// parameter and a route's member segment ("/__mock__/stubs/{id}").
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include <mockhttp/recorded_request.hpp>

#include "exchange/delivery_plan.hpp"

namespace mockhttp::detail {

// `indent` -1 is compact; reports meant for people reading curl output use 2. Text that is not
// UTF-8 is replaced, so one odd byte never turns an answer into a 500.
inline void send_json(DeliveryPlan& answer, int status, const nlohmann::json& body, int indent = -1) {
  answer.status = status;
  answer.body = body.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
  answer.framing = DeliveryPlan::Framing::whole;
  answer.set_header("Content-Type", "application/json");
}

inline DeliveryPlan json_answer(int status, const nlohmann::json& body, int indent = -1) {
  DeliveryPlan answer;
  send_json(answer, status, body, indent);
  return answer;
}

// A whole body of the given type.
inline void send_text(DeliveryPlan& answer, int status, std::string body, const std::string& content_type) {
  answer.status = status;
  answer.body = std::move(body);
  answer.framing = DeliveryPlan::Framing::whole;
  answer.set_header("Content-Type", content_type);
}

// A query parameter's value, "" when the request has none.
inline std::string query_value(const RecordedRequest& request, const std::string& name) {
  const auto found = request.query.find(name);
  return found == request.query.end() ? std::string() : found->second;
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
