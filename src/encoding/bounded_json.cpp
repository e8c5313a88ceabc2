#include "encoding/bounded_json.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace mockhttp::detail {

std::optional<std::size_t> first_byte_too_deep(const std::string& text, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character is never a quote that ends the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return i + 1;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

nlohmann::json parse_bounded_json(const std::string& text, std::size_t limit) {
  if (const auto byte = first_byte_too_deep(text, limit)) throw JsonTooDeep(limit, *byte);
  return nlohmann::json::parse(text);
}

std::size_t json_depth(const nlohmann::json& document) {
  std::size_t deepest = 0;
  std::vector<std::pair<const nlohmann::json*, std::size_t>> pending{{&document, 0}};
  while (!pending.empty()) {
    const auto [value, depth] = pending.back();
    pending.pop_back();
    if (!value->is_structured()) continue;
    deepest = std::max(deepest, depth + 1);
    for (const auto& child : *value) pending.emplace_back(&child, depth + 1);
  }
  return deepest;
}

}  // namespace mockhttp::detail
