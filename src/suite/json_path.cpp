#include "suite/json_path.hpp"

#include <cctype>
#include <stdexcept>

namespace mockhttp::detail {

namespace {

bool plain_key_character(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-'; }

[[noreturn]] void refuse_path(const std::string& path, std::size_t at, const std::string& what) {
  throw std::runtime_error("\"" + path + "\" is not a JSONPath this reads: " + what + " at character " +
                           std::to_string(at + 1) + " (use $.name, $['name'], $.list[0], $.list[*].name, $..name)");
}

// What happens to a selected value: removed (an ignore path), or replaced (a redaction).
struct Action {
  const nlohmann::json* replacement = nullptr;  // null: remove
};

void visit_at(nlohmann::json& node, const std::vector<JsonPathStep>& path, std::size_t step, Action action);

// Applies path[step] to `node`'s children: the last step acts, the others descend.
void select_children(nlohmann::json& node, const std::vector<JsonPathStep>& path, std::size_t step, Action action) {
  const JsonPathStep& here = path[step];
  const bool last = step + 1 == path.size();
  if (here.kind == JsonPathStep::Kind::key && node.is_object()) {
    const auto found = node.find(here.key);
    if (found == node.end()) return;
    if (!last)
      visit_at(*found, path, step + 1, action);
    else if (action.replacement)
      *found = *action.replacement;
    else
      node.erase(found);
  } else if (here.kind == JsonPathStep::Kind::index && node.is_array()) {
    if (here.index >= node.size()) return;
    if (!last)
      visit_at(node[here.index], path, step + 1, action);
    else if (action.replacement)
      node[here.index] = *action.replacement;
    else
      node.erase(here.index);
  } else if (here.kind == JsonPathStep::Kind::any && node.is_structured()) {
    if (!last) {
      for (auto& child : node) visit_at(child, path, step + 1, action);
    } else if (action.replacement) {
      for (auto& child : node) child = *action.replacement;
    } else {
      node = node.is_object() ? nlohmann::json::object() : nlohmann::json::array();
    }
  }
}

void visit_at(nlohmann::json& node, const std::vector<JsonPathStep>& path, std::size_t step, Action action) {
  if (step >= path.size()) return;
  if (path[step].descendant && node.is_structured()) {
    for (auto& child : node) visit_at(child, path, step, action);  // deeper first: the match may be below
  }
  select_children(node, path, step, action);
}

}  // namespace

std::vector<JsonPathStep> parse_json_path(const std::string& path) {
  if (path.empty() || path[0] != '$') refuse_path(path, 0, "it does not start with $");
  std::vector<JsonPathStep> steps;
  std::size_t i = 1;
  while (i < path.size()) {
    JsonPathStep step;
    if (path.compare(i, 2, "..") == 0) {
      step.descendant = true;
      i += 2;
    } else if (path[i] == '.') {
      ++i;
    } else if (path[i] != '[') {
      refuse_path(path, i, "expected . or [");
    }
    if (i < path.size() && path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string::npos) refuse_path(path, i, "[ without ]");
      const std::string inside = path.substr(i + 1, close - i - 1);
      if (inside == "*") {
        step.kind = JsonPathStep::Kind::any;
      } else if (inside.size() >= 2 && (inside.front() == '\'' || inside.front() == '"') &&
                 inside.back() == inside.front()) {
        step.key = inside.substr(1, inside.size() - 2);
      } else if (!inside.empty() && inside.find_first_not_of("0123456789") == std::string::npos && inside.size() < 10) {
        step.kind = JsonPathStep::Kind::index;
        step.index = std::stoul(inside);
      } else {
        refuse_path(path, i, "[" + inside + "] is not [N], [*] or ['name']");
      }
      i = close + 1;
    } else if (i < path.size() && path[i] == '*') {
      step.kind = JsonPathStep::Kind::any;
      ++i;
    } else {
      const std::size_t start = i;
      while (i < path.size() && plain_key_character(path[i])) ++i;
      if (i == start) refuse_path(path, i, "a name is missing");
      step.key = path.substr(start, i - start);
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

void remove_selected(nlohmann::json& document, const std::vector<JsonPathStep>& path) {
  if (path.empty()) {
    document = nullptr;  // "$": the whole body is ignored
    return;
  }
  visit_at(document, path, 0, Action{});
}

void replace_selected(nlohmann::json& document, const std::vector<JsonPathStep>& path,
                      const nlohmann::json& replacement) {
  if (path.empty()) {
    document = replacement;
    return;
  }
  visit_at(document, path, 0, Action{&replacement});
}

std::string json_path_child(const std::string& parent, const std::string& key) {
  bool plain = !key.empty();
  for (char c : key) plain = plain && plain_key_character(c);
  if (plain) return parent + "." + key;
  std::string quoted;
  for (char c : key) quoted += c == '\'' ? std::string("\\'") : std::string(1, c);
  return parent + "['" + quoted + "']";
}

std::string json_path_child(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

}  // namespace mockhttp::detail
