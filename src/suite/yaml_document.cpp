#include "suite/yaml_document.hpp"

#include <yaml-cpp/yaml.h>

#include "encoding/json_pointer.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

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

// Converts yaml-cpp's tree to JSON, counting every node it visits: an alias is converted again
// each time it is used, so the count is what the document expands to.
class Converter {
 public:
  explicit Converter(const std::vector<int>& origin_line) : origin_line_(origin_line) {}

  int reported_line(const YAML::Mark& mark) const {
    const int line = mark.line + 1;
    if (line >= 1 && static_cast<std::size_t>(line) <= origin_line_.size()) return origin_line_[line - 1];
    return line;
  }

  [[noreturn]] void refuse(const YAML::Mark& mark, const std::string& problem) const {
    throw std::runtime_error("line " + std::to_string(reported_line(mark)) + ": " + problem);
  }

  nlohmann::json convert(const YAML::Node& node, const std::string& pointer, std::map<std::string, int>& lines,
                         int depth) {
    if (depth > kDeepestYamlNesting)
      refuse(node.Mark(), "nested deeper than " + std::to_string(kDeepestYamlNesting) + " levels");
    if (++visited_ > kMostYamlNodes) {
      refuse(node.Mark(), "the document expands to more than " + std::to_string(kMostYamlNodes) +
                              " values once its aliases are repeated (an alias bomb?); refused");
    }
    lines[pointer] = reported_line(node.Mark());
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return nullptr;
      case YAML::NodeType::Scalar:
        return scalar(node);
      case YAML::NodeType::Sequence: {
        nlohmann::json array = nlohmann::json::array();
        std::size_t index = 0;
        for (const auto& item : node)
          array.push_back(convert(item, pointer_append(pointer, index++), lines, depth + 1));
        return array;
      }
      case YAML::NodeType::Map:
        return mapping(node, pointer, lines, depth);
    }
    return nullptr;
  }

 private:
  static bool is_merge_key(const YAML::Node& key) { return key.IsScalar() && key.Scalar() == "<<" && key.Tag() != "!"; }

  nlohmann::json mapping(const YAML::Node& node, const std::string& pointer, std::map<std::string, int>& lines,
                         int depth) {
    // The merged mappings are read first, so that the explicit keys read after them keep their
    // own lines; the merged keys' lines are where they were written (the anchor's mapping).
    std::vector<nlohmann::json> merged;
    for (const auto& item : node) {
      if (is_merge_key(item.first)) merge_sources(item.first, item.second, pointer, lines, depth, merged);
    }
    nlohmann::json object = nlohmann::json::object();
    for (const auto& item : node) {
      if (is_merge_key(item.first)) continue;
      if (!item.first.IsScalar()) refuse(item.first.Mark(), "a key must be a plain value");
      const std::string key = item.first.Scalar();
      object[key] = convert(item.second, pointer_append(pointer, key), lines, depth + 1);
    }
    // Explicit keys win; among the merged mappings, the first listed wins.
    for (const auto& source : merged) {
      for (const auto& entry : source.items()) {
        if (!object.contains(entry.key())) object[entry.key()] = entry.value();
      }
    }
    lines[pointer] = reported_line(node.Mark());
    return object;
  }

  void merge_sources(const YAML::Node& key, const YAML::Node& value, const std::string& pointer,
                     std::map<std::string, int>& lines, int depth, std::vector<nlohmann::json>& merged) {
    if (value.IsMap()) {
      merged.push_back(convert(value, pointer, lines, depth));
      return;
    }
    if (!value.IsSequence()) refuse(key.Mark(), "a merge key (<<) takes a mapping or a list of mappings (<<: *name)");
    for (const auto& source : value) {
      if (!source.IsMap())
        refuse(key.Mark(), "a merge key (<<) takes a list of mappings only; an item of it is not a mapping");
      merged.push_back(convert(source, pointer, lines, depth));
    }
  }

  const std::vector<int>& origin_line_;
  std::size_t visited_ = 0;
};

// Flow collections ([...] and {...}) nest without any indentation, so a short file can be
// deeper than the parser's recursion should go; this finds that before the parser does.
void refuse_deep_flow_nesting(const std::string& text, const std::vector<int>& origin_line) {
  int depth = 0, line = 1;
  char quote = 0;
  bool at_value_start = true;  // whether a [ or { here opens a collection rather than sitting in a scalar
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      at_value_start = true;
      if (depth == 0) quote = 0;
      continue;
    }
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
      continue;
    }
    if ((c == '"' || c == '\'') && at_value_start) {
      quote = c;
      continue;
    }
    if ((c == '[' || c == '{') && at_value_start) {
      if (++depth > kDeepestYamlNesting) {
        const int reported = static_cast<std::size_t>(line) <= origin_line.size() ? origin_line[line - 1] : line;
        throw std::runtime_error("line " + std::to_string(reported) + ": collections nested deeper than " +
                                 std::to_string(kDeepestYamlNesting) + " levels; refused");
      }
      continue;
    }
    if ((c == ']' || c == '}') && depth > 0) {
      --depth;
      at_value_start = false;
      continue;
    }
    if (c == ' ' || c == '\t') continue;
    at_value_start = c == ':' || c == ',' || c == '-' || c == '?';
  }
}

}  // namespace

int YamlDocument::line_of(std::string pointer) const {
  for (;;) {
    if (const auto it = lines.find(pointer); it != lines.end()) return it->second;
    if (pointer.empty()) return 0;
    pointer.erase(pointer.rfind('/'));
  }
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot be read: ") + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw std::runtime_error(std::string("cannot be read: ") + std::strerror(errno));
  return text.str();
}

YamlDocument parse_yaml_text(const std::string& text, const std::vector<int>& origin_line) {
  refuse_deep_flow_nesting(text, origin_line);
  Converter converter(origin_line);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    converter.refuse(e.mark, e.msg);
  }
  YamlDocument document;
  document.value = converter.convert(root, "", document.lines, 0);
  return document;
}

YamlDocument read_yaml_document(const std::string& path) { return parse_yaml_text(read_text_file(path)); }

}  // namespace mockhttp::detail
