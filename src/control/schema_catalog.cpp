#include "control/schema_catalog.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "encoding/json_pointer.hpp"
#include "control/embedded_files.hpp"

namespace mockhttp::detail {

using nlohmann::json;

namespace {

// Walks schema positions only, so a *property* named "pattern" (the $regex operator's) stays.
void drop_regex_keywords(json& schema) {
  if (!schema.is_object()) return;
  for (const char* keyword : {"pattern", "patternProperties", "propertyNames", "format"}) schema.erase(keyword);
  for (auto& item : schema.items()) {
    const std::string& key = item.key();
    json& value = item.value();
    if ((key == "properties" || key == "$defs" || key == "definitions") && value.is_object()) {
      for (auto& member : value.items()) drop_regex_keywords(member.value());
    } else if ((key == "anyOf" || key == "oneOf" || key == "allOf" || key == "prefixItems") && value.is_array()) {
      for (auto& branch : value) drop_regex_keywords(branch);
    } else if (key == "items" || key == "not" || key == "additionalProperties" || key == "contains" || key == "if" ||
               key == "then" || key == "else") {
      drop_regex_keywords(value);
    }
  }
}

std::string file_name_of(const std::string& uri) {
  const std::string without_fragment = uri.substr(0, uri.find('#'));
  const auto slash = without_fragment.rfind('/');
  return slash == std::string::npos ? without_fragment : without_fragment.substr(slash + 1);
}

class Catalog {
 public:
  static Catalog& instance() {
    static Catalog catalog;
    return catalog;
  }

  const valijson::Schema& schema(const std::string& file) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = compiled_.find(file);
    if (it != compiled_.end()) return *it->second;
    auto compiled = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter root(document(file));
    parser.populateSchema(
        root, *compiled, [this](const std::string& uri) -> const json* { return &document(file_name_of(uri)); },
        [](const json*) {});
    return *compiled_.emplace(file, std::move(compiled)).first->second;
  }

 private:
  // Parsed once and kept: the compiled schemas refer into them.
  const json& document(const std::string& file) {
    auto it = documents_.find(file);
    if (it != documents_.end()) return it->second;
    const auto& sources = embedded_schemas();
    const auto source = sources.find(file);
    if (source == sources.end()) throw std::logic_error("no schema named " + file + " is compiled in");
    json parsed = json::parse(source->second);
    drop_regex_keywords(parsed);
    return documents_.emplace(file, std::move(parsed)).first->second;
  }

  std::mutex mutex_;
  std::map<std::string, json> documents_;
  std::map<std::string, std::unique_ptr<valijson::Schema>> compiled_;
};

std::string pointer_of(const std::vector<std::string>& context) {
  // valijson's context is "<root>", then "[name]" or "[3]" per step.
  std::string pointer;
  for (std::size_t i = 1; i < context.size(); ++i) {
    const std::string& step = context[i];
    pointer = pointer_append(pointer, step.size() >= 2 ? step.substr(1, step.size() - 2) : step);
  }
  return pointer;
}

bool is_branch_summary(const std::string& message) { return message.rfind("Failed to validate", 0) == 0; }

}  // namespace

std::vector<SchemaProblem> schema_problems(const std::string& schema_file, const json& document) {
  const valijson::Schema& schema = Catalog::instance().schema(schema_file);
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(document);
  std::vector<std::pair<std::size_t, SchemaProblem>> found;
  if (!validator.validate(schema, target, &results)) {
    valijson::ValidationResults::Error error;
    while (results.popError(error))
      found.push_back({error.context.size(), {pointer_of(error.context), error.description}});
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<SchemaProblem> problems;
  for (auto& [depth, problem] : found) problems.push_back(std::move(problem));
  return problems;
}

std::optional<SchemaProblem> first_schema_problem(const std::string& schema_file, const json& document) {
  const auto problems = schema_problems(schema_file, document);
  if (problems.empty()) return std::nullopt;
  for (const auto& problem : problems) {
    if (!is_branch_summary(problem.message)) return problem;
  }
  return problems.front();
}

}  // namespace mockhttp::detail
