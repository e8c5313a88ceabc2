// $eq: plain values, and plain objects or arrays that hold criteria somewhere inside (which
// Python's assertive compares element by element, with the same key set).
#include "criteria/criteria_nodes.hpp"

namespace mockhttp::detail {

using nlohmann::json;

// nlohmann's equality already says 1 == 1.0 and true != 1, which is what mockhttp wants.
Outcome LiteralNode::evaluate(const json& subject) const {
  return subject == value_ ? Outcome::match() : expected(*this, subject);
}
json LiteralNode::to_json() const { return operator_json("$eq", {{"value", value_}}); }
std::string LiteralNode::describe() const { return preview(value_); }

Outcome ObjectPatternNode::evaluate(const json& subject) const {
  if (!subject.is_object()) return expected(*this, subject);
  for (const auto& [key, criteria] : fields_) {
    auto it = subject.find(key);
    if (it == subject.end()) return Outcome::mismatch("key \"" + key + "\" is missing");
    Outcome inner = detail::evaluate(criteria, *it);
    if (!inner.matched()) {
      inner.reason = "at key \"" + key + "\": " + inner.reason;
      return inner;
    }
  }
  for (const auto& item : subject.items()) {
    if (fields_.count(item.key()) == 0) {
      return Outcome::mismatch("unexpected key \"" + item.key() + "\"");
    }
  }
  return Outcome::match();
}
json ObjectPatternNode::pattern_json() const {
  json out = json::object();
  for (const auto& [key, criteria] : fields_) out[key] = node_of(criteria).pattern_json();
  return out;
}
json ObjectPatternNode::to_json() const { return operator_json("$eq", {{"value", pattern_json()}}); }
std::string ObjectPatternNode::describe() const {
  std::string out = "{";
  for (const auto& [key, criteria] : fields_) {
    if (out.size() > 1) out += ", ";
    out += "\"" + key + "\": " + criteria.describe();
  }
  return out + "}";
}

Outcome ArrayPatternNode::evaluate(const json& subject) const {
  if (!subject.is_array() || subject.size() != elements_.size()) return expected(*this, subject);
  for (std::size_t i = 0; i < elements_.size(); ++i) {
    Outcome inner = detail::evaluate(elements_[i], subject[i]);
    if (!inner.matched()) {
      inner.reason = "at index " + std::to_string(i) + ": " + inner.reason;
      return inner;
    }
  }
  return Outcome::match();
}
json ArrayPatternNode::pattern_json() const {
  json out = json::array();
  for (const auto& element : elements_) out.push_back(node_of(element).pattern_json());
  return out;
}
json ArrayPatternNode::to_json() const { return operator_json("$eq", {{"value", pattern_json()}}); }
std::string ArrayPatternNode::describe() const { return "[" + describe_items(elements_, ", ") + "]"; }

}  // namespace mockhttp::detail
