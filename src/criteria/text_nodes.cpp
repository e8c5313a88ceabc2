// $json $regex $ignore_case: criteria on string subjects.
#include <re2/re2.h>

#include <mockhttp/errors.hpp>

#include "criteria/criteria_nodes.hpp"
#include "encoding/bounded_json.hpp"
#include "encoding/unicode_text.hpp"

namespace mockhttp::detail {

using nlohmann::json;

namespace {
Outcome needs_string(const char* op, const json& subject) {
  return Outcome::inapplicable(std::string(op) + " applies to a string, got " + type_name(subject) + " " +
                               preview(subject));
}
}  // namespace

Outcome JsonNode::evaluate(const json& subject) const {
  if (!subject.is_string()) return needs_string("$json", subject);
  json parsed;
  try {
    parsed = parse_bounded_json(subject.get_ref<const std::string&>());
  } catch (const JsonTooDeep& e) {
    return Outcome::inapplicable(std::string("not read: ") + e.what());
  } catch (const json::exception& e) {
    // parse_error, and out_of_range for a number no double holds (1e400).
    return Outcome::inapplicable("not valid JSON (" + std::string(e.what()) + ")");
  }
  Outcome inner = detail::evaluate(inner_, parsed);
  if (!inner.matched()) inner.reason = "parsed JSON: " + inner.reason;
  return inner;
}
json JsonNode::to_json() const { return operator_json("$json", {{"inner_criteria", inner_.to_json()}}); }
std::string JsonNode::describe() const { return "JSON matching " + inner_.describe(); }

RegexNode::RegexNode(std::string pattern, const std::string& pointer) : pattern_(std::move(pattern)) {
  RE2::Options options;
  options.set_log_errors(false);
  auto compiled = std::make_shared<const RE2>(pattern_, options);
  if (!compiled->ok()) {
    // Quoted in part: a 10 MB pattern must not come back as 10 MB (RE2's message quotes it too).
    const std::string size = pattern_.size() > 160 ? " (" + std::to_string(pattern_.size()) + " bytes)" : "";
    std::string why = compiled->error();
    if (why.size() > 200) {
      std::size_t cut = 200;
      while (cut > 0 && (static_cast<unsigned char>(why[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
      why = why.substr(0, cut) + "...";
    }
    throw CriteriaError(pointer, "RE2 cannot compile regex " + preview(pattern_) + size + ": " + why +
                                     " (backreferences and lookaround are not supported)");
  }
  compiled_ = std::move(compiled);
}
Outcome RegexNode::evaluate(const json& subject) const {
  if (!subject.is_string()) return needs_string("$regex", subject);
  const auto& text = subject.get_ref<const std::string&>();
  // Python's re.match: anchored at the start only.
  const bool ok = compiled_->Match(text, 0, text.size(), RE2::ANCHOR_START, nullptr, 0);
  return ok ? Outcome::match() : expected(*this, subject);
}
json RegexNode::to_json() const { return operator_json("$regex", {{"pattern", pattern_}}); }
std::string RegexNode::describe() const { return "matches regex " + json(pattern_).dump(); }

IgnoreCaseNode::IgnoreCaseNode(std::string value) : value_(std::move(value)), lowered_(lowercase(value_)) {}
Outcome IgnoreCaseNode::evaluate(const json& subject) const {
  if (!subject.is_string()) return needs_string("$ignore_case", subject);
  return lowercase(subject.get_ref<const std::string&>()) == lowered_ ? Outcome::match() : expected(*this, subject);
}
json IgnoreCaseNode::to_json() const { return operator_json("$ignore_case", {{"value", value_}}); }
std::string IgnoreCaseNode::describe() const {
  return json(value_).dump(-1, ' ', false, json::error_handler_t::replace) + " ignoring case";
}

Outcome AffixNode::evaluate(const json& subject) const {
  const char* name = side_ == Side::start ? "$starts_with" : "$ends_with";
  if (!subject.is_string()) return needs_string(name, subject);
  const std::string& text = subject.get_ref<const std::string&>();
  const bool found = text.size() >= value_.size() &&
                     text.compare(side_ == Side::start ? 0 : text.size() - value_.size(), value_.size(), value_) == 0;
  return found ? Outcome::match() : expected(*this, subject);
}
json AffixNode::to_json() const {
  return operator_json(side_ == Side::start ? "$starts_with" : "$ends_with", {{"value", value_}});
}
std::string AffixNode::describe() const {
  return std::string(side_ == Side::start ? "starts with " : "ends with ") +
         json(value_).dump(-1, ' ', false, json::error_handler_t::replace);
}

json ExistsNode::to_json() const { return operator_json("$exists", json::object()); }

}  // namespace mockhttp::detail
