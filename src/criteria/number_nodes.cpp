// $even $odd with Python's modulo (the result takes the divisor's sign: -3 % 2 == 1), and
// in-process predicates.
#include <cmath>

#include "criteria/criteria_nodes.hpp"

namespace mockhttp::detail {

using nlohmann::json;

Outcome ParityNode::evaluate(const json& subject) const {
  if (!subject.is_number()) {
    return Outcome::inapplicable(std::string(even_ ? "$even" : "$odd") + " applies to a number, got " +
                                 type_name(subject) + " " + preview(subject));
  }
  double remainder = 0;
  if (subject.is_number_unsigned()) {
    remainder = static_cast<double>(subject.get<std::uint64_t>() % 2);
  } else if (subject.is_number_integer()) {
    const std::int64_t r = subject.get<std::int64_t>() % 2;
    remainder = static_cast<double>(r < 0 ? r + 2 : r);
  } else {
    remainder = std::fmod(subject.get<double>(), 2.0);
    if (remainder < 0) remainder += 2.0;
  }
  const bool ok = even_ ? remainder == 0.0 : remainder == 1.0;
  return ok ? Outcome::match() : expected(*this, subject);
}
json ParityNode::to_json() const { return operator_json(even_ ? "$even" : "$odd", json::object()); }
std::string ParityNode::describe() const { return even_ ? "an even number" : "an odd number"; }

Outcome PredicateNode::evaluate(const json& subject) const {
  MatchResult result = predicate_(subject);
  if (result.matched) return Outcome::match();
  if (result.reason.empty()) return expected(*this, subject);
  return Outcome::mismatch(std::move(result.reason));
}
json PredicateNode::to_json() const { return operator_json("$predicate", {{"description", description_}}); }

}  // namespace mockhttp::detail
