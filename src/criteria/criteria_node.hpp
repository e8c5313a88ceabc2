#pragma once
// The internal node every criteria operator implements. Nodes are immutable and shared.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include <mockhttp/criteria.hpp>

namespace mockhttp {
namespace detail {
struct Outcome;
}

class CriteriaNode {
 public:
  virtual ~CriteriaNode() = default;
  virtual detail::Outcome evaluate(const nlohmann::json& subject) const = 0;
  // The `{"$op": {...}}` wire form.
  virtual nlohmann::json to_json() const = 0;
  // The form inside a plain object or array pattern: literals write their bare value.
  virtual nlohmann::json pattern_json() const { return to_json(); }
  virtual std::string describe() const = 0;
  virtual bool is_literal() const { return false; }
  // For pure literals, the value; null otherwise.
  virtual const nlohmann::json& literal() const;
};

class CriteriaAccess {
 public:
  static Criteria make(std::shared_ptr<const CriteriaNode> node) { return Criteria(std::move(node)); }
  static const CriteriaNode& node(const Criteria& criteria) { return *criteria.node_; }
  // A multipart part's criteria, each null when not set.
  static const Criteria* filename(const MultipartPart& part) { return part.filename_.get(); }
  static const Criteria* content_type(const MultipartPart& part) { return part.content_type_.get(); }
  static const Criteria* body(const MultipartPart& part) { return part.body_.get(); }
  static const CriteriaMap& headers(const MultipartPart& part) { return part.headers_; }
};

}  // namespace mockhttp

namespace mockhttp::detail {

// Python's assertive raises TypeError when an operator cannot apply to its subject; mockhttp
// keeps that third state so that $not and $or treat it as Python does, and turns it into a
// non-match (with the reason) only at the top.
struct Outcome {
  enum class Kind { match, mismatch, inapplicable };
  Kind kind = Kind::match;
  std::string reason;

  static Outcome match() { return {}; }
  static Outcome mismatch(std::string why) { return {Kind::mismatch, std::move(why)}; }
  static Outcome inapplicable(std::string why) { return {Kind::inapplicable, std::move(why)}; }
  bool matched() const { return kind == Kind::match; }
};

const CriteriaNode& node_of(const Criteria& c);
Outcome evaluate(const Criteria& c, const nlohmann::json& subject);

// A compact, bounded rendering of a subject for reasons: `"GET"`, `42`, `{"a":1}`.
std::string preview(const nlohmann::json& value);
// "string", "number", "object", ... as a user would say it.
std::string type_name(const nlohmann::json& value);
// The standard mismatch: `expected <what>, got <subject>`.
Outcome expected(const CriteriaNode& what, const nlohmann::json& subject);

template <typename Node, typename... Args>
Criteria make_criteria(Args&&... args) {
  return CriteriaAccess::make(std::make_shared<const Node>(std::forward<Args>(args)...));
}

}  // namespace mockhttp::detail
