#include "control/json_body.hpp"

#include "encoding/bounded_json.hpp"

namespace mockhttp::detail {

JsonBody read_json_body(const std::string& body, EmptyBody empty) {
  if (body.empty()) {
    if (empty == EmptyBody::empty_object) return {nlohmann::json::object(), std::nullopt};
    return {nullptr, "a JSON body is required"};
  }
  try {
    return {parse_bounded_json(body), std::nullopt};
  } catch (const JsonTooDeep& e) {
    return {nullptr, e.what()};
  } catch (const nlohmann::json::parse_error& e) {
    return {nullptr, "the body is not valid JSON at byte " + std::to_string(e.byte) + ": " + e.what()};
  } catch (const nlohmann::json::exception& e) {
    // A number out of range, say: nlohmann reports it outside parse_error.
    return {nullptr, std::string("the body is not valid JSON: ") + e.what()};
  }
}

}  // namespace mockhttp::detail
