// $gt $gte $lt $lte $between: ordering of two numbers, or of two strings by code point.
#include <optional>

#include "criteria/criteria_nodes.hpp"

namespace mockhttp::detail {

using nlohmann::json;

namespace {

// -1, 0 or 1; nullopt when the two cannot be ordered (Python raises TypeError there).
// long double holds every int64 and uint64 exactly, so integers compare without loss.
std::optional<int> compare(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) {
    const auto x = a.get<long double>();
    const auto y = b.get<long double>();
    return x < y ? -1 : (y < x ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    const int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return std::nullopt;
}

Outcome cannot_compare(const json& subject, const json& value) {
  return Outcome::inapplicable("cannot order " + type_name(subject) + " " + preview(subject) + " against " +
                               type_name(value) + " " + preview(value));
}

const char* symbol(ComparisonNode::Op op) {
  switch (op) {
    case ComparisonNode::Op::gt:
      return ">";
    case ComparisonNode::Op::gte:
      return ">=";
    case ComparisonNode::Op::lt:
      return "<";
    case ComparisonNode::Op::lte:
      return "<=";
  }
  return "?";
}

const char* wire_name(ComparisonNode::Op op) {
  switch (op) {
    case ComparisonNode::Op::gt:
      return "$gt";
    case ComparisonNode::Op::gte:
      return "$gte";
    case ComparisonNode::Op::lt:
      return "$lt";
    case ComparisonNode::Op::lte:
      return "$lte";
  }
  return "?";
}

}  // namespace

Outcome ComparisonNode::evaluate(const json& subject) const {
  const auto c = compare(subject, value_);
  if (!c) return cannot_compare(subject, value_);
  bool ok = false;
  switch (op_) {
    case Op::gt:
      ok = *c > 0;
      break;
    case Op::gte:
      ok = *c >= 0;
      break;
    case Op::lt:
      ok = *c < 0;
      break;
    case Op::lte:
      ok = *c <= 0;
      break;
  }
  return ok ? Outcome::match() : expected(*this, subject);
}
json ComparisonNode::to_json() const { return operator_json(wire_name(op_), {{"value", value_}}); }
std::string ComparisonNode::describe() const { return std::string(symbol(op_)) + " " + preview(value_); }

Outcome BetweenNode::evaluate(const json& subject) const {
  const auto low = compare(subject, lower_);
  if (!low) return cannot_compare(subject, lower_);
  const auto high = compare(subject, upper_);
  if (!high) return cannot_compare(subject, upper_);
  const bool ok = inclusive_ ? (*low >= 0 && *high <= 0) : (*low > 0 && *high < 0);
  return ok ? Outcome::match() : expected(*this, subject);
}
json BetweenNode::to_json() const {
  return operator_json("$between", {{"lower", lower_}, {"upper", upper_}, {"is_inclusive", inclusive_}});
}
std::string BetweenNode::describe() const {
  return "between " + preview(lower_) + " and " + preview(upper_) + (inclusive_ ? " (inclusive)" : " (exclusive)");
}

}  // namespace mockhttp::detail
