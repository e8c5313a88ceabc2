// The public Criteria value type and its C++ builders; each builds the same node the JSON
// reader builds, so both front ends share one implementation.
#include <mockhttp/criteria.hpp>
#include <mockhttp/errors.hpp>

#include "criteria/criteria_nodes.hpp"

namespace mockhttp {

using Json = nlohmann::json;
using namespace detail;

// An object or array is read as the wire reads it, so criteria nested in it (an operator object
// such as {"$gt": {"value": 2}}) are criteria here too: from_json(c.to_json()) behaves as c.
Criteria::Criteria(const Json& literal)
    : node_(literal.is_structured() ? from_json(literal).node_ : std::make_shared<const LiteralNode>(literal)) {}
Criteria::Criteria(std::shared_ptr<const CriteriaNode> node) : node_(std::move(node)) {}

Json Criteria::to_json() const { return node_->to_json(); }
std::string Criteria::describe() const { return node_->describe(); }
bool Criteria::is_literal() const { return node_->is_literal(); }
const Json& Criteria::literal() const { return node_->literal(); }

MatchResult Criteria::evaluate(const Json& subject) const {
  Outcome outcome = node_->evaluate(subject);
  return MatchResult{outcome.matched(), std::move(outcome.reason)};
}

namespace {
void require_orderable(const Json& value, const char* op) {
  if (!value.is_number() && !value.is_string()) {
    throw CriteriaError("", std::string(op) + " compares numbers or strings, not " + type_name(value));
  }
}
Criteria comparison(ComparisonNode::Op op, const char* name, const Json& value) {
  require_orderable(value, name);
  return make_criteria<ComparisonNode>(op, value);
}
}  // namespace

Criteria eq(const Json& value) { return Criteria(value); }
Criteria neq(Criteria value) { return make_criteria<NeqNode>(std::move(value)); }

Criteria gt(const Json& value) { return comparison(ComparisonNode::Op::gt, "gt", value); }
Criteria gte(const Json& value) { return comparison(ComparisonNode::Op::gte, "gte", value); }
Criteria lt(const Json& value) { return comparison(ComparisonNode::Op::lt, "lt", value); }
Criteria lte(const Json& value) { return comparison(ComparisonNode::Op::lte, "lte", value); }
Criteria between(const Json& lower, const Json& upper, bool inclusive) {
  require_orderable(lower, "between");
  require_orderable(upper, "between");
  return make_criteria<BetweenNode>(lower, upper, inclusive);
}

Criteria all_of(std::vector<Criteria> items) { return make_criteria<AllOfNode>(std::move(items)); }
Criteria any_of(std::vector<Criteria> items) { return make_criteria<AnyOfNode>(std::move(items)); }
Criteria exactly_one_of(Criteria left, Criteria right) {
  return make_criteria<XorNode>(std::move(left), std::move(right));
}
Criteria is_not(Criteria inner) { return make_criteria<NotNode>(std::move(inner)); }

Criteria as_json(Criteria inner) { return make_criteria<JsonNode>(std::move(inner)); }
Criteria regex(const std::string& pattern) { return make_criteria<RegexNode>(pattern, ""); }
Criteria ignore_case(const std::string& value) { return make_criteria<IgnoreCaseNode>(value); }
Criteria starts_with(const std::string& prefix) { return make_criteria<AffixNode>(AffixNode::Side::start, prefix); }
Criteria ends_with(const std::string& suffix) { return make_criteria<AffixNode>(AffixNode::Side::end, suffix); }
Criteria exists() { return make_criteria<ExistsNode>(); }

Criteria contains(std::vector<Criteria> items) { return make_criteria<ContainsNode>(std::move(items), false); }
Criteria contains_exactly(std::vector<Criteria> items) { return make_criteria<ContainsNode>(std::move(items), true); }
Criteria length(Criteria value) { return make_criteria<LengthNode>(std::move(value)); }
Criteria key_values(CriteriaMap key_values) { return make_criteria<KeyValuesNode>(std::move(key_values), false); }
Criteria exact_key_values(CriteriaMap key_values) { return make_criteria<KeyValuesNode>(std::move(key_values), true); }

Criteria even() { return make_criteria<ParityNode>(true); }
Criteria odd() { return make_criteria<ParityNode>(false); }

Criteria satisfies(std::string description, std::function<MatchResult(const Json&)> predicate) {
  return make_criteria<PredicateNode>(std::move(description), std::move(predicate));
}

const Json& CriteriaNode::literal() const {
  static const Json null_value;
  return null_value;
}

namespace detail {

const CriteriaNode& node_of(const Criteria& c) { return CriteriaAccess::node(c); }
Outcome evaluate(const Criteria& c, const Json& subject) { return CriteriaAccess::node(c).evaluate(subject); }

std::string preview(const Json& value) {
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  constexpr std::size_t kLimit = 160;
  if (text.size() > kLimit) text = text.substr(0, kLimit) + "...";
  return text;
}

std::string type_name(const Json& value) {
  if (value.is_number()) return "number";
  if (value.is_boolean()) return "boolean";
  return value.type_name();
}

Outcome expected(const CriteriaNode& what, const Json& subject) {
  return Outcome::mismatch("expected " + what.describe() + ", got " + preview(subject));
}

Json operator_json(const char* op, Json kwargs) { return Json{{op, std::move(kwargs)}}; }

Json items_json(const std::vector<Criteria>& items) {
  Json out = Json::array();
  for (const auto& item : items) out.push_back(item.to_json());
  return out;
}

std::string describe_items(const std::vector<Criteria>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item.describe();
  }
  return out;
}

}  // namespace detail
}  // namespace mockhttp
