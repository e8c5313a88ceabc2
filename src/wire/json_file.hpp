#pragma once
// Reading a JSON file whole, for stub files, case files and the CLI: the document, or why
// there is none (the file cannot be read, or a syntax error and its byte).
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "encoding/bounded_json.hpp"

namespace mockhttp::detail {

struct JsonFile {
  std::optional<nlohmann::json> document;
  std::string problem;   // "cannot be read", "invalid JSON at byte 12: ..."
  std::size_t byte = 0;  // of a syntax error
};

inline JsonFile read_json_file(const std::string& path) {
  errno = 0;
  std::ifstream in(path);
  if (!in)
    return {std::nullopt, std::string("cannot be read: ") + (errno != 0 ? std::strerror(errno) : "unknown reason"), 0};
  std::stringstream text;
  text << in.rdbuf();
  try {
    return {parse_bounded_json(text.str()), "", 0};
  } catch (const JsonTooDeep& e) {
    return {std::nullopt, e.what(), e.byte()};
  } catch (const nlohmann::json::parse_error& e) {
    return {std::nullopt, "invalid JSON at byte " + std::to_string(e.byte) + ": " + e.what(), e.byte};
  } catch (const nlohmann::json::exception& e) {
    return {std::nullopt, std::string("invalid JSON: ") + e.what(), 0};
  }
}

}  // namespace mockhttp::detail
