#pragma once
// The operator nodes, one class per operator family; each family lives in its own .cpp file.
#include <map>
#include <string>
#include <vector>

#include "criteria/criteria_node.hpp"

namespace re2 {
class RE2;
}

namespace mockhttp::detail {

// --- literal_nodes.cpp: plain values, and plain objects/arrays with criteria inside ($eq)
class LiteralNode final : public CriteriaNode {
 public:
  explicit LiteralNode(nlohmann::json value) : value_(std::move(value)) {}
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  nlohmann::json pattern_json() const override { return value_; }
  std::string describe() const override;
  bool is_literal() const override { return true; }
  const nlohmann::json& literal() const override { return value_; }

 private:
  nlohmann::json value_;
};

class ObjectPatternNode final : public CriteriaNode {
 public:
  explicit ObjectPatternNode(CriteriaMap fields) : fields_(std::move(fields)) {}
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  nlohmann::json pattern_json() const override;
  std::string describe() const override;
  bool is_literal() const override { return true; }

 private:
  CriteriaMap fields_;
};

class ArrayPatternNode final : public CriteriaNode {
 public:
  explicit ArrayPatternNode(std::vector<Criteria> elements) : elements_(std::move(elements)) {}
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  nlohmann::json pattern_json() const override;
  std::string describe() const override;
  bool is_literal() const override { return true; }

 private:
  std::vector<Criteria> elements_;
};

// --- comparison_nodes.cpp: $gt $gte $lt $lte $between
class ComparisonNode final : public CriteriaNode {
 public:
  enum class Op { gt, gte, lt, lte };
  ComparisonNode(Op op, nlohmann::json value) : op_(op), value_(std::move(value)) {}
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  std::string describe() const override;

 private:
  Op op_;
  nlohmann::json value_;
};

class BetweenNode final : public CriteriaNode {
 public:
  BetweenNode(nlohmann::json lower, nlohmann::json upper, bool inclusive)
      : lower_(std::move(lower)), upper_(std::move(upper)), inclusive_(inclusive) {}
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  std::string describe() const override;

 private:
  nlohmann::json lower_, upper_;
  bool inclusive_;
};

// --- logic_nodes.cpp: $and $or $xor $not $neq
class AllOfNode final : public CriteriaNode {
 public:
  explicit AllOfNode(std::vector<Criteria> items) : items_(std::move(items)) {}
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  std::string describe() const override;

 private:
  std::vector<Criteria> items_;
};

class AnyOfNode final : public CriteriaNode {
 public:
  explicit AnyOfNode(std::vector<Criteria> items) : items_(std::move(items)) {}
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  std::string describe() const override;

 private:
  std::vector<Criteria> items_;
};

class XorNode final : public CriteriaNode {
 public:
  XorNode(Criteria left, Criteria right) : left_(std::move(left)), right_(std::move(right)) {}
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  std::string describe() const override;

 private:
  Criteria left_, right_;
};

class NotNode final : public CriteriaNode {
 public:
  explicit NotNode(Criteria inner) : inner_(std::move(inner)) {}
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  std::string describe() const override;

 private:
  Criteria inner_;
};

class NeqNode final : public CriteriaNode {
 public:
  explicit NeqNode(Criteria value) : value_(std::move(value)) {}
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  std::string describe() const override;

 private:
  Criteria value_;
};

// --- text_nodes.cpp: $json $regex $ignore_case
class JsonNode final : public CriteriaNode {
 public:
  explicit JsonNode(Criteria inner) : inner_(std::move(inner)) {}
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  std::string describe() const override;

 private:
  Criteria inner_;
};

class RegexNode final : public CriteriaNode {
 public:
  // Throws CriteriaError(pointer, ...) when RE2 cannot compile the pattern.
  RegexNode(std::string pattern, const std::string& pointer);
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  std::string describe() const override;

 private:
  std::string pattern_;
  std::shared_ptr<const re2::RE2> compiled_;
};

class IgnoreCaseNode final : public CriteriaNode {
 public:
  explicit IgnoreCaseNode(std::string value);
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  std::string describe() const override;

 private:
  std::string value_;
  std::string lowered_;
};

// $starts_with and $ends_with: a string subject begins or ends with `value` (case-sensitive).
class AffixNode final : public CriteriaNode {
 public:
  enum class Side { start, end };
  AffixNode(Side side, std::string value) : side_(side), value_(std::move(value)) {}
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  std::string describe() const override;

 private:
  Side side_;
  std::string value_;
};

// $exists: any subject that is there at all; inside $key_values, "the key is present".
class ExistsNode final : public CriteriaNode {
 public:
  Outcome evaluate(const nlohmann::json&) const override { return Outcome::match(); }
  nlohmann::json to_json() const override;
  std::string describe() const override { return "present"; }
};

// --- collection_nodes.cpp: $contains $contains_exactly $length $key_values $exact_key_values
class ContainsNode final : public CriteriaNode {
 public:
  ContainsNode(std::vector<Criteria> items, bool exactly) : items_(std::move(items)), exactly_(exactly) {}
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  std::string describe() const override;

 private:
  std::vector<Criteria> items_;
  bool exactly_;
};

class LengthNode final : public CriteriaNode {
 public:
  explicit LengthNode(Criteria value) : value_(std::move(value)) {}
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  std::string describe() const override;

 private:
  Criteria value_;
};

class KeyValuesNode final : public CriteriaNode {
 public:
  KeyValuesNode(CriteriaMap key_values, bool exact) : key_values_(std::move(key_values)), exact_(exact) {}
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  std::string describe() const override;

 private:
  CriteriaMap key_values_;
  bool exact_;
};

// --- number_nodes.cpp: $even $odd, and in-process predicates
class ParityNode final : public CriteriaNode {
 public:
  explicit ParityNode(bool even) : even_(even) {}
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  std::string describe() const override;

 private:
  bool even_;
};

class PredicateNode final : public CriteriaNode {
 public:
  PredicateNode(std::string description, std::function<MatchResult(const nlohmann::json&)> predicate)
      : description_(std::move(description)), predicate_(std::move(predicate)) {}
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  std::string describe() const override { return description_; }

 private:
  std::string description_;
  std::function<MatchResult(const nlohmann::json&)> predicate_;
};

// --- form_nodes.cpp: $form $multipart, criteria on a form body
class FormNode final : public CriteriaNode {
 public:
  explicit FormNode(CriteriaMap fields);
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  std::string describe() const override;

 private:
  CriteriaMap fields_;
  Criteria on_fields_;  // key_values(fields_), applied to the decoded fields
};

class MultipartNode final : public CriteriaNode {
 public:
  explicit MultipartNode(std::map<std::string, MultipartPart> parts) : parts_(std::move(parts)) {}
  Outcome evaluate(const nlohmann::json& subject) const override;
  nlohmann::json to_json() const override;
  std::string describe() const override;

 private:
  std::map<std::string, MultipartPart> parts_;
};

// Wire helpers shared by the nodes: `{"$op": {kwargs}}` and a list of item wire forms.
nlohmann::json operator_json(const char* op, nlohmann::json kwargs);
nlohmann::json items_json(const std::vector<Criteria>& items);
std::string describe_items(const std::vector<Criteria>& items, const char* separator);

}  // namespace mockhttp::detail
