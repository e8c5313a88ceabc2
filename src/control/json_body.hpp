#pragma once
// A control call's JSON body, read the one way every control surface reads it: parsed with the
// nesting bound of encoding/bounded_json.hpp, and any failure turned into one sentence the
// surface writes in its own error shape (the admin API's 422, Softprobe's 400).
// Thread safety: a pure function.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace mockhttp::detail {

// What an empty body stands for.
enum class EmptyBody {
  required,      // a problem: "a JSON body is required"
  empty_object,  // {} (Softprobe's calls take an empty body for no options)
};

struct JsonBody {
  nlohmann::json document;             // when there is no problem
  std::optional<std::string> problem;  // what is wrong with the body, as a sentence
  explicit operator bool() const { return !problem; }
};

JsonBody read_json_body(const std::string& body, EmptyBody empty);

}  // namespace mockhttp::detail
