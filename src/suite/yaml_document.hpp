#pragma once
// A YAML document (a suite, a rule pack for `mockhttp case merge-rules`) read into the JSON the
// readers take, with the line of every node so that a problem found later (at a JSON Pointer)
// is reported at its line in the file. The suite library and the executable read YAML; the
// engine never does.
// Thread safety: value types and a pure function.
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mockhttp::detail {

struct YamlDocument {
  nlohmann::json value;
  std::map<std::string, int> lines;  // JSON Pointer -> 1-based line

  // The line of `pointer`, or of its nearest ancestor that has one (0 when none does).
  int line_of(std::string pointer) const;
};

// Throws std::runtime_error "line N: <problem>" for a file that cannot be read or parsed, or
// that uses what JSON cannot hold (a key that is not a scalar, an alias cycle).
//
// Anchors and aliases are read, and `<<` merge keys (a mapping, or a list of mappings, whose
// keys are added where the mapping has none of its own: explicit keys win, then the first
// mapping listed). What a document may cost is bounded, so that a few hundred bytes cannot ask
// for gigabytes: at most kMostYamlNodes nodes after aliases are expanded, and collections
// nested at most kDeepestYamlNesting deep (checked on the text too, before the parser recurses).
YamlDocument read_yaml_document(const std::string& path);

// The same, from text; `origin_line` (when not empty) maps each line of `text` (1-based, at
// index line - 1) to the line reported, for text that was rewritten before it was read.
YamlDocument parse_yaml_text(const std::string& text, const std::vector<int>& origin_line = {});

// The file's bytes; throws std::runtime_error "cannot be read: <the OS's reason>".
std::string read_text_file(const std::string& path);

constexpr std::size_t kMostYamlNodes = 1000000;
constexpr int kDeepestYamlNesting = 256;

// Whether `path` names a YAML file (.yaml or .yml).
inline bool is_yaml_file(const std::string& path) {
  const auto ends_with = [&](const std::string& suffix) {
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with(".yaml") || ends_with(".yml");
}

}  // namespace mockhttp::detail
