#include "suite/env_expansion.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <stdexcept>

#include "encoding/json_pointer.hpp"

namespace mockhttp::detail {

namespace {

bool name_character(char c, bool first) {
  return c == '_' || std::isalpha(static_cast<unsigned char>(c)) != 0 ||
         (!first && std::isdigit(static_cast<unsigned char>(c)) != 0);
}

std::string expand_text(const std::string& text, const std::map<std::string, std::string>& env,
                        const std::string& pointer, bool lenient = false) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "$${") == 0) {  // an escaped ${
      out += "${";
      i += 2;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out += text[i];
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string::npos)
      throw std::runtime_error(pointer + ": \"${\" without a closing \"}\" in \"" + text + "\"");
    const std::string inside = text.substr(i + 2, close - i - 2);
    const std::size_t fallback = inside.find(":-");
    const std::string name = inside.substr(0, fallback);
    bool valid = !name.empty();
    for (std::size_t k = 0; k < name.size() && valid; ++k) valid = name_character(name[k], k == 0);
    if (!valid)
      throw std::runtime_error(pointer + ": \"${" + inside + "}\" does not name a variable (letters, digits, _)");
    if (const auto found = env.find(name); found != env.end()) {
      out += found->second;
    } else if (fallback != std::string::npos) {
      out += inside.substr(fallback + 2);
    } else if (!lenient) {
      throw std::runtime_error(pointer + ": ${" + name +
                               "} is not set (set it in the environment or in --env-file, or "
                               "give a default: ${" +
                               name + ":-value})");
    }
    i = close;
  }
  return out;
}

}  // namespace

std::string expand_variables_in_text(const std::string& text, const std::map<std::string, std::string>& env,
                                     std::vector<int>& origin_line, bool lenient) {
  std::string out;
  out.reserve(text.size());
  origin_line.clear();
  std::size_t start = 0;
  for (int number = 1; start <= text.size(); ++number) {
    std::size_t end = text.find('\n', start);
    const bool last = end == std::string::npos;
    if (last) end = text.size();
    const std::string line = text.substr(start, end - start);
    const std::size_t first = line.find_first_not_of(" \t");
    const bool comment = first != std::string::npos && line[first] == '#';
    const std::string expanded = comment ? line : expand_text(line, env, "line " + std::to_string(number), lenient);
    out += expanded;
    // Every line the expanded text spreads over is reported at the line it was written on.
    const auto breaks = std::count(expanded.begin(), expanded.end(), '\n');
    for (long k = 0; k <= breaks; ++k) origin_line.push_back(number);
    if (last) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

nlohmann::json expand_variables(const nlohmann::json& document, const std::map<std::string, std::string>& env,
                                const std::string& pointer) {
  if (document.is_string()) return expand_text(document.get<std::string>(), env, pointer);
  if (document.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t i = 0; i < document.size(); ++i)
      out.push_back(expand_variables(document[i], env, pointer_append(pointer, i)));
    return out;
  }
  if (document.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, value] : document.items()) {
      const std::string inner = pointer_append(pointer, key);
      out[expand_text(key, env, inner)] = expand_variables(value, env, inner);
    }
    return out;
  }
  return document;
}

std::map<std::string, std::string> read_env_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  std::map<std::string, std::string> values;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    std::string entry = line.substr(start);
    if (entry.rfind("export ", 0) == 0) entry = entry.substr(7);
    const std::size_t equals = entry.find('=');
    std::string name = entry.substr(0, equals);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    bool valid = equals != std::string::npos && !name.empty();
    for (std::size_t k = 0; k < name.size() && valid; ++k) valid = name_character(name[k], k == 0);
    if (!valid) throw std::runtime_error(path + " line " + std::to_string(number) + ": not NAME=value");
    std::string value = entry.substr(equals + 1);
    const std::size_t first = value.find_first_not_of(" \t");
    value = first == std::string::npos ? "" : value.substr(first);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    } else if (const std::size_t comment = value.find(" #"); comment != std::string::npos) {
      value = value.substr(0, comment);
    }
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
    values[name] = value;
  }
  return values;
}

}  // namespace mockhttp::detail
