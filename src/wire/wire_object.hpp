#pragma once
// Reading one JSON object of a wire document (a stub payload, its action, its chaos) field by
// field. Every failure is a DocumentError whose path is the JSON Pointer of the field, so the
// HTTP API and stub files report "at /action/response/status_code: ..." the same way.
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include <mockhttp/errors.hpp>

#include "criteria/criteria_node.hpp"
#include "encoding/json_pointer.hpp"

namespace mockhttp::detail {

class WireObject {
 public:
  // Throws unless `document` is an object whose keys are all in `known`.
  WireObject(const nlohmann::json& document, std::string pointer, std::initializer_list<const char*> known,
             const char* what)
      : document_(document), pointer_(std::move(pointer)) {
    if (!document.is_object()) fail_at(pointer_, std::string(what) + " must be an object, got " + type_name(document));
    for (const auto& item : document.items()) {
      bool listed = false;
      std::string names;
      for (const char* key : known) {
        listed = listed || item.key() == key;
        names += (names.empty() ? "" : ", ") + std::string(key);
      }
      if (!listed) fail(item.key(), "unknown field \"" + item.key() + "\" (known: " + names + ")");
    }
  }

  // Present and not null: JSON null means "not set", as the Python client sends it.
  bool has(const char* key) const { return document_.contains(key) && !document_.at(key).is_null(); }
  const nlohmann::json& at(const char* key) const { return document_.at(key); }
  std::string pointer(const char* key) const { return pointer_append(pointer_, key); }

  [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
    fail_at(pointer_append(pointer_, key), problem);
  }
  [[noreturn]] static void fail_at(const std::string& pointer, const std::string& problem) {
    throw DocumentError(pointer, problem);
  }

  std::string string(const char* key) const {
    if (!has(key)) fail(key, std::string(key) + " is required");
    return string_or(key, "");
  }
  std::string string_or(const char* key, std::string fallback) const {
    if (!has(key)) return fallback;
    if (!at(key).is_string()) fail(key, std::string(key) + " must be a string, got " + type_name(at(key)));
    return at(key).get<std::string>();
  }
  std::optional<std::string> optional_string(const char* key) const {
    if (!has(key)) return std::nullopt;
    return string_or(key, "");
  }
  std::int64_t integer_or(const char* key, std::int64_t fallback,
                          std::int64_t minimum = std::numeric_limits<std::int64_t>::min()) const {
    if (!has(key)) return fallback;
    const auto& value = at(key);
    if (!value.is_number_integer()) fail(key, std::string(key) + " must be an integer, got " + type_name(value));
    if (value.is_number_unsigned() && value.get<std::uint64_t>() > std::numeric_limits<std::int64_t>::max()) {
      fail(key, std::string(key) + " is too large");
    }
    const auto number = value.get<std::int64_t>();
    if (number < minimum) {
      fail(key, std::string(key) + " must be >= " + std::to_string(minimum) + ", got " + std::to_string(number));
    }
    return number;
  }
  std::int64_t integer(const char* key, std::int64_t minimum = std::numeric_limits<std::int64_t>::min()) const {
    if (!has(key)) fail(key, std::string(key) + " is required");
    return integer_or(key, 0, minimum);
  }
  double number_or(const char* key, double fallback) const {
    if (!has(key)) return fallback;
    if (!at(key).is_number()) fail(key, std::string(key) + " must be a number, got " + type_name(at(key)));
    return at(key).get<double>();
  }
  bool boolean_or(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    if (!at(key).is_boolean()) fail(key, std::string(key) + " must be true or false, got " + type_name(at(key)));
    return at(key).get<bool>();
  }
  // An object of string values, such as headers.
  std::vector<std::pair<std::string, std::string>> string_map_or_empty(const char* key) const {
    std::vector<std::pair<std::string, std::string>> out;
    if (!has(key)) return out;
    if (!at(key).is_object()) fail(key, std::string(key) + " must be an object, got " + type_name(at(key)));
    for (const auto& item : at(key).items()) {
      if (!item.value().is_string()) {
        fail_at(pointer_append(pointer(key), item.key()),
                "a header value must be a string, got " + type_name(item.value()));
      }
      out.emplace_back(item.key(), item.value().get<std::string>());
    }
    return out;
  }

 private:
  const nlohmann::json& document_;
  std::string pointer_;
};

}  // namespace mockhttp::detail
