#include "cli/case_commands.hpp"

#include <fstream>
#include <optional>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <mockhttp/mockhttp.hpp>

#include "wire/json_file.hpp"
#include "suite/yaml_document.hpp"
#include "control/schema_catalog.hpp"

namespace mockhttp::cli {

using Json = nlohmann::json;

namespace {

struct Problem {
  std::string pointer;
  std::string message;
};

// Reads a JSON file; on failure says why in `problems` and returns null.
Json read_json(const std::string& file, std::vector<Problem>& problems) {
  detail::JsonFile read = detail::read_json_file(file);
  if (!read.document) problems.push_back({"", read.problem});
  return read.document ? std::move(*read.document) : Json();
}

// Every problem of a case document: the case and trace schemas (valijson), then each rule and
// fixture as the replay reader sees it. Leaf problems only, each once.
std::vector<Problem> case_problems(const Json& document) {
  std::vector<Problem> problems;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& problem : detail::schema_problems("case.schema.json", document)) {
    if (problem.message.rfind("Failed to validate", 0) == 0) continue;  // a branch summary, not a cause
    if (seen.insert({problem.pointer, problem.message}).second) problems.push_back({problem.pointer, problem.message});
  }
  if (!problems.empty()) return problems;
  if (document.contains("rules") && document["rules"].is_array()) {
    for (std::size_t i = 0; i < document["rules"].size(); ++i) {
      try {
        ReplayRule::from_json(document["rules"][i], "/rules/" + std::to_string(i));
      } catch (const RuleError& e) {
        problems.push_back({e.pointer(), e.problem()});
      }
    }
  }
  try {
    ReplayCase::from_json(document);
  } catch (const CaseLoadError& e) {
    if (problems.empty()) problems.push_back({e.pointer(), e.problem()});
  }
  return problems;
}

int validate_cases(const std::vector<std::string>& files) {
  int invalid = 0;
  for (const auto& file : files) {
    std::vector<Problem> problems;
    const Json document = read_json(file, problems);
    if (problems.empty()) problems = case_problems(document);
    if (problems.empty()) {
      const ReplayCase loaded = ReplayCase::from_json(document, file);
      std::cout << file << ": valid (caseId " << loaded.case_id() << ", " << loaded.exchanges().size() << " span(s), "
                << loaded.rules().size() << " rule(s), " << loaded.fixtures().size() << " fixture(s))\n";
      continue;
    }
    ++invalid;
    std::cout << file << ": " << problems.size() << " problem(s)\n";
    for (const auto& p : problems)
      std::cout << "  " << (p.pointer.empty() ? "/" : p.pointer) << ": " << p.message << "\n";
  }
  if (files.size() > 1) std::cout << files.size() - invalid << " valid, " << invalid << " invalid\n";
  return invalid == 0 ? 0 : 1;
}

struct MergeOptions {
  std::string case_file, rules_file, out_file;
};

// Case rules plus the pack's; a pack rule with the id of a case rule replaces it in place.
int merge_rules(const MergeOptions& options) {
  std::vector<Problem> problems;
  Json document = read_json(options.case_file, problems);
  if (problems.empty()) problems = case_problems(document);
  if (!problems.empty()) {
    std::cerr << options.case_file << ": " << (problems.front().pointer.empty() ? "" : problems.front().pointer + ": ")
              << problems.front().message << "\n";
    return 1;
  }
  // A YAML pack keeps the line of every node, so that a rule's problem is reported at its line.
  Json pack;
  std::optional<detail::YamlDocument> yaml;
  if (detail::is_yaml_file(options.rules_file)) {
#ifdef MOCKHTTP_HAVE_YAML
    try {
      yaml = detail::read_yaml_document(options.rules_file);
      pack = yaml->value;
    } catch (const std::exception& e) {
      std::cerr << options.rules_file << ": " << e.what() << "\n";
      return 1;
    }
#else
    std::cerr << options.rules_file << ": this mockhttp was built without yaml-cpp; convert the pack to JSON\n";
    return 1;
#endif
  } else {
    pack = read_json(options.rules_file, problems);
    if (!problems.empty()) {
      std::cerr << options.rules_file << ": " << problems.front().message << "\n";
      return 1;
    }
  }
  const bool wrapped = pack.is_object() && pack.contains("rules");
  const Json rules = wrapped ? pack["rules"] : pack;
  if (!rules.is_array()) {
    std::cerr << options.rules_file << ": a rule pack is a list of rules or {\"version\": 1, \"rules\": [...]}\n";
    return 1;
  }
  Json merged = document.contains("rules") && document["rules"].is_array() ? document["rules"] : Json::array();
  for (std::size_t i = 0; i < rules.size(); ++i) {
    try {
      ReplayRule::from_json(rules[i], (wrapped ? "/rules/" : "/") + std::to_string(i));
    } catch (const RuleError& e) {
      std::cerr << options.rules_file;
      if (yaml) std::cerr << ":" << yaml->line_of(e.pointer());
      std::cerr << ": " << e.what() << "\n";
      return 1;
    }
    const std::string id = rules[i].value("id", rules[i].value("name", ""));
    auto same = std::find_if(merged.begin(), merged.end(),
                             [&](const Json& r) { return !id.empty() && r.value("id", r.value("name", "")) == id; });
    if (same != merged.end()) {
      *same = rules[i];
    } else {
      merged.push_back(rules[i]);
    }
  }
  document["rules"] = merged;
  std::ofstream out(options.out_file);
  out << document.dump(2) << "\n";
  if (!out) {
    std::cerr << options.out_file << ": cannot be written\n";
    return 1;
  }
  std::cout << options.out_file << ": " << merged.size() << " rule(s)\n";
  return 0;
}

}  // namespace

void add_case_commands(CLI::App& app, int& exit_code) {
  CLI::App* validate = app.add_subcommand("validate", "Check files against their schemas");
  validate->require_subcommand(1);
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* validate_case = validate->add_subcommand(
      "case", "Check Softprobe case files against the case, trace and rule schemas; every problem with its JSON path");
  validate_case->add_option("files", *files, "Case files (*.case.json)")->required();
  validate_case->callback([files, &exit_code] { exit_code = validate_cases(*files); });

  CLI::App* case_command = app.add_subcommand("case", "Edit case files");
  case_command->require_subcommand(1);
  auto merge = std::make_shared<MergeOptions>();
  CLI::App* merge_command =
      case_command->add_subcommand("merge-rules", "Add a JSON or YAML rule pack to a case's embedded rules");
  merge_command->add_option("--case", merge->case_file, "The case file")->required();
  merge_command
      ->add_option("--rules", merge->rules_file,
                   "A rule pack (JSON, or YAML as .yaml/.yml): [rules] or {\"version\": 1, \"rules\": [...]}")
      ->required();
  merge_command->add_option("--out", merge->out_file, "Where to write the merged case (may be --case)")->required();
  merge_command->callback([merge, &exit_code] { exit_code = merge_rules(*merge); });
}

}  // namespace mockhttp::cli
