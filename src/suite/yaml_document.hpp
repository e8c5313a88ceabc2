#pragma once
// A YAML document (a suite, a rule pack for `mockhttp case merge-rules`) read into the JSON the
// readers take, with the line of every node so that a problem found later (at a JSON Pointer)
// is reported at its line in the file. The suite library and the executable read YAML; the
// engine never does.
// Thread safety: value types and a pure function.
#include <map>
#include <stdexcept>
#include <string>

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
YamlDocument read_yaml_document(const std::string& path);

// Whether `path` names a YAML file (.yaml or .yml).
inline bool is_yaml_file(const std::string& path) {
  const auto ends_with = [&](const std::string& suffix) {
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with(".yaml") || ends_with(".yml");
}

}  // namespace mockhttp::detail
