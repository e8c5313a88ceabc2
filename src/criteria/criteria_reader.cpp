// Criteria::from_json: the `$`-keyed wire form into nodes. Stricter than Python's assertive
// on purpose: an unknown `$operator`, a missing or extra argument, or a value of the wrong type
// is an error naming its JSON Pointer, never a silent never-matching criteria.
#include <functional>
#include <map>
#include <set>

#include <mockhttp/errors.hpp>

#include "criteria/criteria_nodes.hpp"
#include "encoding/json_pointer.hpp"

namespace mockhttp {

using Json = nlohmann::json;
using namespace detail;

namespace {

Criteria read(const Json& document, const std::string& pointer);

// Checks that an operator's arguments form an object holding `required` keys and no others
// than `required` and `optional`.
const Json& arguments(const Json& args, const std::string& pointer, const std::string& op,
                      std::initializer_list<const char*> required, std::initializer_list<const char*> optional = {}) {
  if (!args.is_object()) {
    throw CriteriaError(pointer, op + " takes an object of arguments, got " + type_name(args));
  }
  for (const char* key : required) {
    if (!args.contains(key)) throw CriteriaError(pointer, op + " needs \"" + key + "\"");
  }
  for (const auto& item : args.items()) {
    bool known = false;
    for (const char* key : required) known = known || item.key() == key;
    for (const char* key : optional) known = known || item.key() == key;
    if (!known) {
      throw CriteriaError(
          pointer_append(pointer, item.key()),
          op + " has no argument " + preview(Json(item.key())));  // quoted in part: a key may be megabytes
    }
  }
  return args;
}

const Json& orderable(const Json& value, const std::string& pointer, const std::string& op) {
  if (!value.is_number() && !value.is_string()) {
    throw CriteriaError(pointer, op + " compares numbers or strings, got " + type_name(value));
  }
  return value;
}

std::vector<Criteria> read_items(const Json& items, const std::string& pointer, const std::string& op) {
  if (!items.is_array()) throw CriteriaError(pointer, op + " items must be an array, got " + type_name(items));
  std::vector<Criteria> out;
  for (std::size_t i = 0; i < items.size(); ++i) out.push_back(read(items[i], pointer_append(pointer, i)));
  return out;
}

CriteriaMap read_map(const Json& map, const std::string& pointer, const std::string& op) {
  if (!map.is_object()) throw CriteriaError(pointer, op + " key_values must be an object, got " + type_name(map));
  CriteriaMap out;
  for (const auto& item : map.items()) {
    out.emplace(item.key(), read(item.value(), pointer_append(pointer, item.key())));
  }
  return out;
}

using OperatorReader = std::function<Criteria(const Json& args, const std::string& pointer)>;

Criteria comparison(ComparisonNode::Op op, const std::string& name, const Json& args, const std::string& p) {
  arguments(args, p, name, {"value"});
  return make_criteria<ComparisonNode>(op, orderable(args["value"], pointer_append(p, "value"), name));
}

const std::map<std::string, OperatorReader>& operator_readers() {
  static const std::map<std::string, OperatorReader> readers = {
      {"$eq",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$eq", {"value"});
         return read(a["value"], pointer_append(p, "value"));
       }},
      {"$neq",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$neq", {"value"});
         return neq(read(a["value"], pointer_append(p, "value")));
       }},
      {"$gt", [](const Json& a, const std::string& p) { return comparison(ComparisonNode::Op::gt, "$gt", a, p); }},
      {"$gte", [](const Json& a, const std::string& p) { return comparison(ComparisonNode::Op::gte, "$gte", a, p); }},
      {"$lt", [](const Json& a, const std::string& p) { return comparison(ComparisonNode::Op::lt, "$lt", a, p); }},
      {"$lte", [](const Json& a, const std::string& p) { return comparison(ComparisonNode::Op::lte, "$lte", a, p); }},
      {"$between",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$between", {"lower", "upper"}, {"is_inclusive"});
         bool inclusive = true;
         if (a.contains("is_inclusive")) {
           if (!a["is_inclusive"].is_boolean()) {
             throw CriteriaError(pointer_append(p, "is_inclusive"), "$between is_inclusive must be a boolean");
           }
           inclusive = a["is_inclusive"].get<bool>();
         }
         return make_criteria<BetweenNode>(orderable(a["lower"], pointer_append(p, "lower"), "$between"),
                                           orderable(a["upper"], pointer_append(p, "upper"), "$between"), inclusive);
       }},
      {"$and",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$and", {"items"});
         return all_of(read_items(a["items"], pointer_append(p, "items"), "$and"));
       }},
      {"$or",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$or", {"items"});
         return any_of(read_items(a["items"], pointer_append(p, "items"), "$or"));
       }},
      {"$xor",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$xor", {"left", "right"});
         return exactly_one_of(read(a["left"], pointer_append(p, "left")),
                               read(a["right"], pointer_append(p, "right")));
       }},
      {"$not",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$not", {"value"});
         return is_not(read(a["value"], pointer_append(p, "value")));
       }},
      {"$json",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$json", {"inner_criteria"});
         return mockhttp::as_json(read(a["inner_criteria"], pointer_append(p, "inner_criteria")));
       }},
      {"$contains",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$contains", {"items"});
         return contains(read_items(a["items"], pointer_append(p, "items"), "$contains"));
       }},
      {"$contains_exactly",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$contains_exactly", {"items"});
         return contains_exactly(read_items(a["items"], pointer_append(p, "items"), "$contains_exactly"));
       }},
      {"$regex",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$regex", {"pattern"});
         const std::string at = pointer_append(p, "pattern");
         if (!a["pattern"].is_string()) throw CriteriaError(at, "$regex pattern must be a string");
         return make_criteria<RegexNode>(a["pattern"].get<std::string>(), at);
       }},
      {"$length",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$length", {"value"});
         return length(read(a["value"], pointer_append(p, "value")));
       }},
      {"$key_values",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$key_values", {"key_values"});
         return key_values(read_map(a["key_values"], pointer_append(p, "key_values"), "$key_values"));
       }},
      {"$exact_key_values",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$exact_key_values", {"key_values"});
         return exact_key_values(read_map(a["key_values"], pointer_append(p, "key_values"), "$exact_key_values"));
       }},
      {"$even",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$even", {});
         return even();
       }},
      {"$odd",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$odd", {});
         return odd();
       }},
      {"$starts_with",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$starts_with", {"value"});
         if (!a["value"].is_string()) {
           throw CriteriaError(pointer_append(p, "value"), "$starts_with value must be a string");
         }
         return starts_with(a["value"].get<std::string>());
       }},
      {"$ends_with",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$ends_with", {"value"});
         if (!a["value"].is_string()) {
           throw CriteriaError(pointer_append(p, "value"), "$ends_with value must be a string");
         }
         return ends_with(a["value"].get<std::string>());
       }},
      {"$exists",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$exists", {});
         return exists();
       }},
      {"$form",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$form", {"fields"});
         return form(read_map(a["fields"], pointer_append(p, "fields"), "$form"));
       }},
      {"$multipart",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$multipart", {"parts"});
         const std::string at = pointer_append(p, "parts");
         if (!a["parts"].is_object())
           throw CriteriaError(at, "$multipart parts must be an object of part names, got " + type_name(a["parts"]));
         std::map<std::string, MultipartPart> parts;
         for (const auto& item : a["parts"].items()) {
           const std::string part_at = pointer_append(at, item.key());
           const Json& fields = arguments(item.value(), part_at, "a $multipart part", {},
                                          {"filename", "content_type", "headers", "body"});
           MultipartPart part;
           if (fields.contains("filename"))
             part.filename(read(fields["filename"], pointer_append(part_at, "filename")));
           if (fields.contains("content_type"))
             part.content_type(read(fields["content_type"], pointer_append(part_at, "content_type")));
           if (fields.contains("body")) part.body(read(fields["body"], pointer_append(part_at, "body")));
           if (fields.contains("headers")) {
             for (auto& [name, criteria] :
                  read_map(fields["headers"], pointer_append(part_at, "headers"), "a $multipart part's headers")) {
               part.header(name, std::move(criteria));
             }
           }
           parts.emplace(item.key(), std::move(part));
         }
         return multipart(std::move(parts));
       }},
      {"$ignore_case",
       [](const Json& a, const std::string& p) {
         arguments(a, p, "$ignore_case", {"value"});
         if (!a["value"].is_string()) {
           throw CriteriaError(pointer_append(p, "value"), "$ignore_case value must be a string");
         }
         return ignore_case(a["value"].get<std::string>());
       }},
  };
  return readers;
}

std::string known_operators() {
  std::string out;
  for (const auto& [name, reader] : operator_readers()) out += (out.empty() ? "" : " ") + name;
  return out;
}

Criteria read_operator(const Json& document, const std::string& pointer) {
  const std::string& name = document.begin().key();
  const Json& args = document.begin().value();
  const std::string at = pointer_append(pointer, name);
  if (name == "$predicate") {
    throw CriteriaError(at, "$predicate criteria are C++ functions and cannot be read from JSON");
  }
  const auto& readers = operator_readers();
  const auto reader = readers.find(name);
  if (reader == readers.end()) {
    throw CriteriaError(at, "unknown criteria operator " + preview(Json(name)) + " (known: " + known_operators() + ")");
  }
  return reader->second(args, at);
}

// True when `read` turned `source` into plain equality with `source` itself, i.e. no
// criteria hides anywhere inside it.
bool is_plain_value(const Criteria& read_back, const Json& source) {
  return read_back.is_literal() && read_back.literal() == source;
}

Criteria read(const Json& document, const std::string& pointer) {
  if (document.is_object()) {
    for (const auto& item : document.items()) {
      if (!item.key().empty() && item.key()[0] == '$') {
        if (document.size() != 1) {
          throw CriteriaError(pointer,
                              "an operator object must hold exactly one key, found " + std::to_string(document.size()));
        }
        return read_operator(document, pointer);
      }
    }
    CriteriaMap fields;
    bool nested = false;
    for (const auto& item : document.items()) {
      Criteria field = read(item.value(), pointer_append(pointer, item.key()));
      nested = nested || !is_plain_value(field, item.value());
      fields.emplace(item.key(), std::move(field));
    }
    if (!nested) return make_criteria<LiteralNode>(document);
    return make_criteria<ObjectPatternNode>(std::move(fields));
  }
  if (document.is_array()) {
    std::vector<Criteria> elements;
    bool nested = false;
    for (std::size_t i = 0; i < document.size(); ++i) {
      Criteria element = read(document[i], pointer_append(pointer, i));
      nested = nested || !is_plain_value(element, document[i]);
      elements.push_back(std::move(element));
    }
    if (!nested) return make_criteria<LiteralNode>(document);
    return make_criteria<ArrayPatternNode>(std::move(elements));
  }
  return make_criteria<LiteralNode>(document);
}

}  // namespace

Criteria Criteria::from_json(const Json& document, const std::string& pointer) { return read(document, pointer); }

}  // namespace mockhttp
