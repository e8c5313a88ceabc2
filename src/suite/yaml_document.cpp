#include "suite/yaml_document.hpp"

#include <yaml-cpp/yaml.h>

#include "encoding/json_pointer.hpp"

#include <cerrno>
#include <cstdlib>

namespace mockhttp::detail {

namespace {

// A plain (unquoted) scalar is typed as YAML 1.2's core schema types it: null, booleans,
// integers, floats; anything else, and every quoted scalar, is a string.
nlohmann::json scalar(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return text;  // quoted
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  char* end = nullptr;
  errno = 0;
  const long long integer = std::strtoll(text.c_str(), &end, 10);
  if (end != text.c_str() && *end == '\0' && errno == 0) return integer;
  errno = 0;
  const double number = std::strtod(text.c_str(), &end);
  const bool looks_numeric = text.find_first_not_of("0123456789+-.eE") == std::string::npos;
  if (looks_numeric && end != text.c_str() && *end == '\0' && errno == 0) return number;
  return text;
}

nlohmann::json convert(const YAML::Node& node, const std::string& pointer, std::map<std::string, int>& lines,
                       int depth) {
  if (depth > 512) throw std::runtime_error("line " + std::to_string(node.Mark().line + 1) + ": nested deeper than 512");
  lines[pointer] = node.Mark().line + 1;
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return scalar(node);
    case YAML::NodeType::Sequence: {
      nlohmann::json array = nlohmann::json::array();
      std::size_t index = 0;
      for (const auto& item : node) array.push_back(convert(item, pointer_append(pointer, index++), lines, depth + 1));
      return array;
    }
    case YAML::NodeType::Map: {
      nlohmann::json object = nlohmann::json::object();
      for (const auto& item : node) {
        if (!item.first.IsScalar()) {
          throw std::runtime_error("line " + std::to_string(item.first.Mark().line + 1) + ": a key must be a plain value");
        }
        const std::string key = item.first.Scalar();
        object[key] = convert(item.second, pointer_append(pointer, key), lines, depth + 1);
      }
      return object;
    }
  }
  return nullptr;
}

}  // namespace

int YamlDocument::line_of(std::string pointer) const {
  for (;;) {
    if (const auto it = lines.find(pointer); it != lines.end()) return it->second;
    if (pointer.empty()) return 0;
    pointer.erase(pointer.rfind('/'));
  }
}

YamlDocument read_yaml_document(const std::string& path) {
  YamlDocument document;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw std::runtime_error("cannot be read");
  } catch (const YAML::ParserException& e) {
    throw std::runtime_error("line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  document.value = convert(root, "", document.lines, 0);
  return document;
}

}  // namespace mockhttp::detail
