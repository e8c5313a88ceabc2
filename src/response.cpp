#include <mockhttp/response.hpp>

#include "criteria/unicode_text.hpp"

namespace mockhttp {

using Json = nlohmann::json;

Response& Response::status(int code) {
  status_ = code;
  return *this;
}
Response& Response::header(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}
Response& Response::body(std::string text) {
  body_ = std::move(text);
  return *this;
}
Response& Response::json_body(const Json& document) {
  body_ = document.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (!has_header("content-type")) header("Content-Type", "application/json");
  return *this;
}

bool Response::has_header(const std::string& name) const {
  const std::string wanted = detail::ascii_lowercase(name);
  for (const auto& [key, value] : headers_) {
    if (detail::ascii_lowercase(key) == wanted) return true;
  }
  return false;
}

Json Response::to_json() const {
  Json headers = Json::object();
  for (const auto& [name, value] : headers_) headers[name] = value;
  return {{"status_code", status_}, {"headers", headers}, {"body", body_}};
}

}  // namespace mockhttp
