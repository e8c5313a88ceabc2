// $form and $multipart: criteria on the fields of an HTML form body.
#include <algorithm>

#include <mockhttp/errors.hpp>

#include "criteria/criteria_nodes.hpp"
#include "encoding/form_body.hpp"
#include "encoding/unicode_text.hpp"

namespace mockhttp {

using nlohmann::json;
using namespace detail;

MultipartPart& MultipartPart::filename(Criteria criteria) {
  filename_ = std::make_shared<Criteria>(std::move(criteria));
  return *this;
}
MultipartPart& MultipartPart::content_type(Criteria criteria) {
  content_type_ = std::make_shared<Criteria>(std::move(criteria));
  return *this;
}
MultipartPart& MultipartPart::header(const std::string& name, Criteria criteria) {
  headers_.insert_or_assign(ascii_lowercase(name), std::move(criteria));
  return *this;
}
MultipartPart& MultipartPart::body(Criteria criteria) {
  body_ = std::make_shared<Criteria>(std::move(criteria));
  return *this;
}

json MultipartPart::to_json() const {
  json out = json::object();
  if (filename_) out["filename"] = filename_->to_json();
  if (content_type_) out["content_type"] = content_type_->to_json();
  if (!headers_.empty()) {
    json headers = json::object();
    for (const auto& [name, criteria] : headers_) headers[name] = criteria.to_json();
    out["headers"] = headers;
  }
  if (body_) out["body"] = body_->to_json();
  return out;
}

std::string MultipartPart::describe() const {
  std::string out;
  const auto add = [&](const std::string& what) { out += (out.empty() ? "" : ", ") + what; };
  if (filename_) add("filename " + filename_->describe());
  if (content_type_) add("content type " + content_type_->describe());
  for (const auto& [name, criteria] : headers_) add("header " + name + " " + criteria.describe());
  if (body_) add("body " + body_->describe());
  return "{" + (out.empty() ? std::string("any") : out) + "}";
}

Criteria form(CriteriaMap fields) { return make_criteria<FormNode>(std::move(fields)); }
Criteria multipart(std::map<std::string, MultipartPart> parts) {
  return make_criteria<MultipartNode>(std::move(parts));
}

namespace detail {

namespace {
Outcome needs_text(const char* op, const json& subject) {
  return Outcome::inapplicable(std::string(op) + " applies to a body (a string), got " + type_name(subject) + " " +
                               preview(subject));
}

// The fields as criteria see them: {name: value}, a repeated name as an array of its values.
json fields_object(const FormFields& fields) {
  json out = json::object();
  for (const auto& [name, value] : fields) {
    const auto it = out.find(name);
    if (it == out.end()) {
      out[name] = value;
    } else if (it->is_array()) {
      it->push_back(value);
    } else {
      *it = json::array({*it, value});
    }
  }
  return out;
}

Outcome on_part(const char* what, const std::string& part, const Criteria& criteria, const json& subject) {
  Outcome outcome = detail::evaluate(criteria, subject);
  if (!outcome.matched()) outcome.reason = "part \"" + part + "\" " + what + ": " + outcome.reason;
  return outcome;
}
}  // namespace

FormNode::FormNode(CriteriaMap fields) : fields_(fields), on_fields_(key_values(std::move(fields))) {}

Outcome FormNode::evaluate(const json& subject) const {
  if (!subject.is_string()) return needs_text("$form", subject);
  std::string why;
  const auto fields = parse_form_urlencoded(subject.get_ref<const std::string&>(), why);
  if (!fields) return Outcome::inapplicable(why);
  Outcome outcome = detail::evaluate(on_fields_, fields_object(*fields));
  if (!outcome.matched()) outcome.reason = "form field " + outcome.reason;
  return outcome;
}
json FormNode::to_json() const {
  json fields = json::object();
  for (const auto& [name, criteria] : fields_) fields[name] = criteria.to_json();
  return operator_json("$form", {{"fields", fields}});
}
std::string FormNode::describe() const { return "form " + on_fields_.describe(); }

Outcome MultipartNode::evaluate(const json& subject) const {
  if (!subject.is_string()) return needs_text("$multipart", subject);
  std::string why;
  const auto parts = parse_multipart(subject.get_ref<const std::string&>(), why);
  if (!parts) return Outcome::inapplicable(why);
  for (const auto& [name, expected] : parts_) {
    const ReceivedPart* part = nullptr;
    for (const auto& candidate : *parts) {
      if (candidate.name == name) {
        part = &candidate;
        break;
      }
    }
    if (!part) {
      std::string names;
      for (const auto& candidate : *parts)
        names +=
            (names.empty() ? "" : ", ") + json(candidate.name).dump(-1, ' ', false, json::error_handler_t::replace);
      return Outcome::mismatch("part \"" + name + "\" is missing (parts: " + (names.empty() ? "none" : names) + ")");
    }
    const auto optional_text = [](const std::optional<std::string>& text) {
      return text ? json(*text) : json(nullptr);
    };
    if (const Criteria* filename = CriteriaAccess::filename(expected)) {
      Outcome outcome = on_part("filename", name, *filename, optional_text(part->filename));
      if (!outcome.matched()) return outcome;
    }
    if (const Criteria* content_type = CriteriaAccess::content_type(expected)) {
      Outcome outcome = on_part("content type", name, *content_type, optional_text(part->content_type));
      if (!outcome.matched()) return outcome;
    }
    for (const auto& [name_of_header, criteria] : CriteriaAccess::headers(expected)) {
      const std::string& header = name_of_header;  // a structured binding cannot be captured in C++17
      const auto it = std::find_if(part->headers.begin(), part->headers.end(),
                                   [&](const auto& item) { return item.first == header; });
      if (it == part->headers.end()) return Outcome::mismatch("part \"" + name + "\" has no header " + header);
      Outcome outcome = on_part(("header " + header).c_str(), name, criteria, json(it->second));
      if (!outcome.matched()) return outcome;
    }
    if (const Criteria* body = CriteriaAccess::body(expected)) {
      Outcome outcome = on_part("body", name, *body, json(part->body));
      if (!outcome.matched()) return outcome;
    }
  }
  return Outcome::match();
}
json MultipartNode::to_json() const {
  json parts = json::object();
  for (const auto& [name, part] : parts_) parts[name] = part.to_json();
  return operator_json("$multipart", {{"parts", parts}});
}
std::string MultipartNode::describe() const {
  std::string out = "multipart with parts {";
  bool first = true;
  for (const auto& [name, part] : parts_) {
    out += (first ? "\"" : ", \"") + name + "\": " + part.describe();
    first = false;
  }
  return out + "}";
}

}  // namespace detail
}  // namespace mockhttp
