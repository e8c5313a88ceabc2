#pragma once
// Building RFC 6901 JSON Pointers for error messages: "/request/headers/x~1y".
#include <string>

namespace mockhttp::detail {

inline std::string pointer_append(const std::string& base, const std::string& token) {
  std::string escaped;
  for (char c : token) {
    if (c == '~')
      escaped += "~0";
    else if (c == '/')
      escaped += "~1";
    else
      escaped += c;
  }
  return base + "/" + escaped;
}

inline std::string pointer_append(const std::string& base, std::size_t index) {
  return base + "/" + std::to_string(index);
}

}  // namespace mockhttp::detail
