// $and $or $xor $not $neq. Evaluation order and short-circuits follow Python's, so a criteria
// that cannot apply stops the evaluation exactly where Python would have raised.
#include "criteria/criteria_nodes.hpp"

namespace mockhttp::detail {

using nlohmann::json;

Outcome AllOfNode::evaluate(const json& subject) const {
  for (const auto& item : items_) {
    Outcome outcome = detail::evaluate(item, subject);
    if (!outcome.matched()) return outcome;
  }
  return Outcome::match();
}
json AllOfNode::to_json() const { return operator_json("$and", {{"items", items_json(items_)}}); }
std::string AllOfNode::describe() const {
  return items_.empty() ? "anything" : "(" + describe_items(items_, " and ") + ")";
}

Outcome AnyOfNode::evaluate(const json& subject) const {
  for (const auto& item : items_) {
    Outcome outcome = detail::evaluate(item, subject);
    if (outcome.kind != Outcome::Kind::mismatch) return outcome;
  }
  return expected(*this, subject);
}
json AnyOfNode::to_json() const { return operator_json("$or", {{"items", items_json(items_)}}); }
std::string AnyOfNode::describe() const {
  return items_.empty() ? "nothing (an empty $or)" : "(" + describe_items(items_, " or ") + ")";
}

Outcome XorNode::evaluate(const json& subject) const {
  const Outcome left = detail::evaluate(left_, subject);
  if (left.kind == Outcome::Kind::inapplicable) return left;
  const Outcome right = detail::evaluate(right_, subject);
  if (right.kind == Outcome::Kind::inapplicable) return right;
  return left.matched() != right.matched() ? Outcome::match() : expected(*this, subject);
}
json XorNode::to_json() const {
  return operator_json("$xor", {{"left", left_.to_json()}, {"right", right_.to_json()}});
}
std::string XorNode::describe() const { return "(" + left_.describe() + " xor " + right_.describe() + ")"; }

Outcome NotNode::evaluate(const json& subject) const {
  const Outcome inner = detail::evaluate(inner_, subject);
  switch (inner.kind) {
    case Outcome::Kind::inapplicable:
      return inner;
    case Outcome::Kind::match:
      return expected(*this, subject);
    case Outcome::Kind::mismatch:
      return Outcome::match();
  }
  return inner;
}
json NotNode::to_json() const { return operator_json("$not", {{"value", inner_.to_json()}}); }
std::string NotNode::describe() const { return "not " + inner_.describe(); }

Outcome NeqNode::evaluate(const json& subject) const {
  return detail::evaluate(value_, subject).matched() ? expected(*this, subject) : Outcome::match();
}
json NeqNode::to_json() const { return operator_json("$neq", {{"value", node_of(value_).pattern_json()}}); }
std::string NeqNode::describe() const { return "!= " + value_.describe(); }

}  // namespace mockhttp::detail
