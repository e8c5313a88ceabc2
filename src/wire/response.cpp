#include <mockhttp/response.hpp>

#include "encoding/bounded_json.hpp"
#include "encoding/unicode_text.hpp"
#include "exchange/trailer_fields.hpp"
#include "wire/wire_object.hpp"

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
Response& Response::trailer(std::string name, std::string value) {
  trailers_.emplace_back(std::move(name), std::move(value));
  return *this;
}
Response& Response::body(std::string text) {
  body_ = std::move(text);
  is_template_ = false;
  return *this;
}
Response& Response::json_body(const Json& document) {
  // dump() recurses once per level: a document deeper than a stack is refused, not dumped.
  if (detail::json_depth(document) > detail::kMaxJsonDepth) {
    throw DocumentError("/body", "the JSON body is nested deeper than " + std::to_string(detail::kMaxJsonDepth) +
                                     " levels; mockhttp writes documents up to that depth");
  }
  body(document.dump(-1, ' ', false, Json::error_handler_t::replace));
  if (!has_header("content-type")) header("Content-Type", "application/json");
  return *this;
}
Response& Response::template_body(std::string text) {
  body_ = std::move(text);
  is_template_ = true;
  return *this;
}

bool Response::has_header(const std::string& name) const {
  for (const auto& [key, value] : headers_) {
    if (detail::ascii_equals_ignoring_case(key, name)) return true;
  }
  return false;
}

Json Response::to_json() const {
  Json headers = Json::object();
  for (const auto& [name, value] : headers_) headers[name] = value;
  Json out = {{"status_code", status_}, {"headers", headers}, {is_template_ ? "template_body" : "body", body_}};
  if (!trailers_.empty()) {
    Json trailers = Json::object();
    for (const auto& [name, value] : trailers_) trailers[name] = value;
    out["trailers"] = trailers;
  }
  return out;
}

Response Response::from_json(const Json& document, const std::string& pointer) {
  const detail::WireObject fields(document, pointer, {"status_code", "headers", "trailers", "body", "template_body"},
                                  "action.response");
  Response response(static_cast<int>(fields.integer("status_code", 100)));
  if (response.status() > 999)
    fields.fail("status_code", "status_code must be <= 999, got " + std::to_string(response.status()));
  for (auto& [name, value] : fields.string_map_or_empty("headers")) response.header(name, value);
  for (auto& [name, value] : fields.string_map_or_empty("trailers")) {
    if (auto problem = detail::why_not_a_trailer(name, value)) {
      detail::WireObject::fail_at(detail::pointer_append(fields.pointer("trailers"), name), *problem);
    }
    response.trailer(name, value);
  }
  if (fields.has("body") == fields.has("template_body")) {
    detail::WireObject::fail_at(pointer, "Exactly one of body or template_body must be provided.");
  }
  if (fields.has("template_body")) {
    response.template_body(fields.string("template_body"));
  } else if (fields.at("body").is_string()) {
    response.body(fields.at("body").get<std::string>());
  } else if (fields.at("body").is_structured()) {
    response.json_body(fields.at("body"));
  } else {
    // assertive-mock-api sends numbers and booleans as an empty body; they are JSON here.
    response.body(fields.at("body").dump());
  }
  return response;
}

}  // namespace mockhttp
