#pragma once
// Criteria: the assertive matchers. One value type, built in C++ with the functions below or
// read from the `$`-keyed JSON form that assertive-mock-api sends on the wire, and written back
// to that same form with to_json(). Plain values (strings, numbers, nlohmann::json) convert to
// an equality criteria, so `header("x-env", "test")` and `header("x-env", eq("test"))` agree.
//
// Semantics follow Python's assertive library (docs/criteria.md lists each operator), with the
// deliberate differences of docs/criteria.md#differences: a criteria that cannot apply to its
// subject (a regex on a number, $json on a body that is not JSON) is a non-match with a reason,
// never an exception; `true == 1` is false; regexes are RE2 and anchored at the start.
//
// Thread safety: a Criteria is immutable after construction; copies share state and every
// const member may be called from any number of threads at once.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <vector>

namespace mockhttp {

class CriteriaNode;    // one operator's implementation, inside the library
class CriteriaAccess;  // the library's way to a criteria's node

// The outcome of applying a criteria to a subject: `reason` explains a non-match.
struct MatchResult {
  bool matched = false;
  std::string reason;
  explicit operator bool() const noexcept { return matched; }
};

class Criteria;
Criteria all_of(std::vector<Criteria> items);
Criteria any_of(std::vector<Criteria> items);
Criteria exactly_one_of(Criteria left, Criteria right);
Criteria is_not(Criteria inner);

class Criteria {
 public:
  // Equality with a JSON value (numbers compare by value, so 1 == 1.0; true != 1). An object or
  // array is read as the wire reads it: an operator object inside it ({"$gt": {"value": 2}}, or
  // a Criteria converted to JSON) is criteria for that key or element, so
  // Criteria(json{{"a", gt(2).to_json()}, {"b", "x"}}) matches {"a": 5, "b": "x"}. Throws
  // CriteriaError for an operator object the wire would refuse (an unknown `$` key).
  Criteria(const nlohmann::json& literal);  // NOLINT(google-explicit-constructor)
  template <typename T, typename = std::enable_if_t<!std::is_same_v<std::decay_t<T>, Criteria> &&
                                                    !std::is_same_v<std::decay_t<T>, nlohmann::json> &&
                                                    std::is_constructible_v<nlohmann::json, T>>>
  Criteria(T&& literal)  // NOLINT(google-explicit-constructor)
      : Criteria(nlohmann::json(std::forward<T>(literal))) {}

  // Reads the wire form. Throws CriteriaError naming the JSON Pointer below `pointer`.
  static Criteria from_json(const nlohmann::json& document, const std::string& pointer = "");

  // The wire form; from_json(c.to_json()) behaves as c. Criteria made from a C++ predicate
  // (satisfies(), gmock matchers) write `{"$predicate": {"description": ...}}`, which
  // from_json refuses: a function cannot travel over the wire.
  nlohmann::json to_json() const;

  // A short human description, e.g. `> 3` or `matches regex "^Bearer "`.
  std::string describe() const;

  MatchResult evaluate(const nlohmann::json& subject) const;
  bool matches(const nlohmann::json& subject) const { return evaluate(subject).matched; }

  // True for plain-value equality; `literal()` is then the value compared against when the
  // literal holds no nested criteria (otherwise it is null).
  bool is_literal() const;
  const nlohmann::json& literal() const;

  // `a && b`, `a || b`, `a ^ b` (exactly one), `!a`. Hidden friends, so that they apply only
  // when one side already is a Criteria: `gt(1) || 20` works, `!some_bool` is untouched.
  friend Criteria operator&&(Criteria a, Criteria b) { return all_of({std::move(a), std::move(b)}); }
  friend Criteria operator||(Criteria a, Criteria b) { return any_of({std::move(a), std::move(b)}); }
  friend Criteria operator^(Criteria a, Criteria b) { return exactly_one_of(std::move(a), std::move(b)); }
  friend Criteria operator!(Criteria a) { return is_not(std::move(a)); }

  // Criteria is a value type: copies share one immutable node.
 private:
  friend class CriteriaAccess;
  explicit Criteria(std::shared_ptr<const CriteriaNode> node);

  std::shared_ptr<const CriteriaNode> node_;
};

using CriteriaMap = std::map<std::string, Criteria>;

// Comparison. Ordering applies to two numbers or two strings (by code point).
Criteria eq(const nlohmann::json& value);
Criteria neq(Criteria value);
Criteria gt(const nlohmann::json& value);
Criteria gte(const nlohmann::json& value);
Criteria lt(const nlohmann::json& value);
Criteria lte(const nlohmann::json& value);
Criteria between(const nlohmann::json& lower, const nlohmann::json& upper, bool inclusive = true);

// Logic. An empty all_of matches; an empty any_of does not.
Criteria all_of(std::vector<Criteria> items);
Criteria any_of(std::vector<Criteria> items);
Criteria exactly_one_of(Criteria left, Criteria right);  // $xor
Criteria is_not(Criteria inner);

// Text. `as_json` ($json) parses a string subject as JSON and applies `inner` to the result (a plain
// value in `inner` means exact equality of the parsed document).
Criteria as_json(Criteria inner);
Criteria regex(const std::string& pattern);  // RE2 syntax, anchored at the start only
Criteria ignore_case(const std::string& value);
Criteria starts_with(const std::string& prefix);  // $starts_with, case-sensitive
Criteria ends_with(const std::string& suffix);    // $ends_with, case-sensitive
// $exists: matches any subject; in key_values({{"k", exists()}}) it means "key k is present".
Criteria exists();

// Collections: strings (by character), arrays (by element), objects (by key).
Criteria contains(std::vector<Criteria> items);
Criteria contains_exactly(std::vector<Criteria> items);
Criteria length(Criteria value);
Criteria key_values(CriteriaMap key_values);        // the listed keys match; others allowed
Criteria exact_key_values(CriteriaMap key_values);  // the listed keys match; no others

// Numbers, with Python's modulo: -3 is odd, 4.0 is even, 3.5 is neither.
Criteria even();
Criteria odd();

// Form bodies. `form` ($form) reads an application/x-www-form-urlencoded body and applies each
// criteria to the decoded field of that name (other fields are allowed; a repeated field is an
// array of its values). A body that is not form-encoded is a non-match with the reason.
//   Request{}.body(form({{"grant_type", "client_credentials"}, {"scope", contains({"read"})}}))
Criteria form(CriteriaMap fields);

// One part of a multipart/form-data body, for multipart(): each set criteria must hold.
class MultipartPart {
 public:
  MultipartPart& filename(Criteria criteria);      // Content-Disposition's filename (null when absent)
  MultipartPart& content_type(Criteria criteria);  // the part's Content-Type (null when absent)
  MultipartPart& header(const std::string& name, Criteria criteria);  // any part header, by name
  MultipartPart& body(Criteria criteria);                             // the part's bytes, e.g. as_json(...)

  nlohmann::json to_json() const;  // {"filename", "content_type", "headers", "body"}
  std::string describe() const;

 private:
  friend class CriteriaAccess;
  std::shared_ptr<Criteria> filename_, content_type_, body_;
  CriteriaMap headers_;  // lower-case names
};

// `multipart` ($multipart): the body is multipart/form-data (its boundary read from its first
// line) and has a part of each listed name satisfying its criteria; other parts are allowed.
//   Request{}.body(multipart({{"metadata", MultipartPart{}.body(as_json(key_values({{"id", 7}})))},
//                             {"file", MultipartPart{}.filename(ends_with(".png"))}}))
Criteria multipart(std::map<std::string, MultipartPart> parts);

// An in-process predicate. `description` is what reports and to_json() show.
Criteria satisfies(std::string description, std::function<MatchResult(const nlohmann::json& subject)> predicate);

}  // namespace mockhttp
