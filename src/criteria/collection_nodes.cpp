// $contains $contains_exactly $length $key_values $exact_key_values. Strings are sequences of
// characters, arrays of elements, objects of keys, as Python iterates them.
#include <optional>

#include "criteria/criteria_nodes.hpp"
#include "encoding/unicode_text.hpp"

namespace mockhttp::detail {

using nlohmann::json;

namespace {

std::optional<std::vector<json>> elements_of(const json& subject) {
  std::vector<json> elements;
  if (subject.is_string()) {
    for (auto& c : split_characters(subject.get_ref<const std::string&>())) elements.emplace_back(c);
  } else if (subject.is_array()) {
    elements.assign(subject.begin(), subject.end());
  } else if (subject.is_object()) {
    for (const auto& item : subject.items()) elements.emplace_back(item.key());
  } else {
    return std::nullopt;
  }
  return elements;
}

Outcome needs_collection(const char* op, const json& subject) {
  return Outcome::inapplicable(std::string(op) + " applies to a string, array or object, got " + type_name(subject) +
                               " " + preview(subject));
}

json key_values_json(const CriteriaMap& key_values) {
  json out = json::object();
  for (const auto& [key, criteria] : key_values) out[key] = criteria.to_json();
  return out;
}

}  // namespace

Outcome ContainsNode::evaluate(const json& subject) const {
  const char* op = exactly_ ? "$contains_exactly" : "$contains";
  const auto elements = elements_of(subject);
  if (!elements) return needs_collection(op, subject);
  if (exactly_) {
    if (elements->size() != items_.size()) return expected(*this, subject);
    for (std::size_t i = 0; i < items_.size(); ++i) {
      Outcome outcome = detail::evaluate(items_[i], (*elements)[i]);
      if (outcome.kind == Outcome::Kind::inapplicable) return outcome;
      if (!outcome.matched()) {
        return Outcome::mismatch("at position " + std::to_string(i) + ": " + outcome.reason);
      }
    }
    return Outcome::match();
  }
  for (const auto& item : items_) {
    bool found = false;
    for (const auto& element : *elements) {
      Outcome outcome = detail::evaluate(item, element);
      if (outcome.kind == Outcome::Kind::inapplicable) return outcome;
      if (outcome.matched()) {
        found = true;
        break;
      }
    }
    if (!found) {
      return Outcome::mismatch("no element is " + item.describe() + " in " + preview(subject));
    }
  }
  return Outcome::match();
}
json ContainsNode::to_json() const {
  return operator_json(exactly_ ? "$contains_exactly" : "$contains", {{"items", items_json(items_)}});
}
std::string ContainsNode::describe() const {
  return std::string(exactly_ ? "contains exactly [" : "contains [") + describe_items(items_, ", ") + "]";
}

Outcome LengthNode::evaluate(const json& subject) const {
  std::size_t size = 0;
  if (subject.is_string()) {
    size = split_characters(subject.get_ref<const std::string&>()).size();
  } else if (subject.is_array() || subject.is_object()) {
    size = subject.size();
  } else {
    return needs_collection("$length", subject);
  }
  Outcome outcome = detail::evaluate(value_, json(size));
  if (!outcome.matched()) outcome.reason = "length: " + outcome.reason;
  return outcome;
}
json LengthNode::to_json() const { return operator_json("$length", {{"value", value_.to_json()}}); }
std::string LengthNode::describe() const { return "length " + value_.describe(); }

Outcome KeyValuesNode::evaluate(const json& subject) const {
  const char* op = exact_ ? "$exact_key_values" : "$key_values";
  if (!subject.is_object()) {
    return Outcome::inapplicable(std::string(op) + " applies to an object, got " + type_name(subject) + " " +
                                 preview(subject));
  }
  for (const auto& [key, criteria] : key_values_) {
    const auto it = subject.find(key);
    if (it == subject.end()) return Outcome::mismatch("\"" + key + "\" is missing");
    Outcome outcome = detail::evaluate(criteria, *it);
    if (!outcome.matched()) {
      outcome.reason = "\"" + key + "\": " + outcome.reason;
      return outcome;
    }
  }
  if (exact_ && subject.size() != key_values_.size()) {
    std::string extra;
    for (const auto& item : subject.items()) {
      if (key_values_.count(item.key()) == 0) extra += (extra.empty() ? "\"" : ", \"") + item.key() + "\"";
    }
    return Outcome::mismatch("unexpected keys " + extra);
  }
  return Outcome::match();
}
json KeyValuesNode::to_json() const {
  return operator_json(exact_ ? "$exact_key_values" : "$key_values", {{"key_values", key_values_json(key_values_)}});
}
std::string KeyValuesNode::describe() const {
  std::string out = exact_ ? "exactly {" : "{";
  bool first = true;
  for (const auto& [key, criteria] : key_values_) {
    out += (first ? "" : ", ") + ("\"" + key + "\": " + criteria.describe());
    first = false;
  }
  return out + (exact_ ? "}" : ", ...}");
}

}  // namespace mockhttp::detail
