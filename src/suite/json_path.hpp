#pragma once
// The JSONPath a suite's `ignore` list names, in the subset assertions need: $ then .name,
// ['name'], [N], [*], .* and ..name (any depth). No filters or slices: an ignore list names
// fields, it does not query.
// Thread safety: value types and pure functions.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mockhttp::detail {

struct JsonPathStep {
  enum class Kind { key, index, any } kind = Kind::key;
  bool descendant = false;  // ..name: at any depth below
  std::string key;
  std::size_t index = 0;
};

// Throws std::runtime_error naming the character where `path` stops being one.
std::vector<JsonPathStep> parse_json_path(const std::string& path);

// Removes every value `path` selects from `document` (nothing when it selects none).
void remove_selected(nlohmann::json& document, const std::vector<JsonPathStep>& path);

// Replaces every value `path` selects with `replacement` (a redaction; nothing when it selects none).
void replace_selected(nlohmann::json& document, const std::vector<JsonPathStep>& path,
                      const nlohmann::json& replacement);

// The path of a child, as a report shows it: $.items[0].price, $['a b'].
std::string json_path_child(const std::string& parent, const std::string& key);
std::string json_path_child(const std::string& parent, std::size_t index);

}  // namespace mockhttp::detail
