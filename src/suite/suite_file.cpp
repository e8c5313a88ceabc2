// Suite::load: a *.suite.yaml read, checked key by key, and merged into one SuiteCase per case.
#include <fnmatch.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include <re2/re2.h>

#include <mockhttp/errors.hpp>
#include <mockhttp/replay_rule.hpp>
#include <mockhttp/suite.hpp>

#include "encoding/json_pointer.hpp"
#include "suite/env_expansion.hpp"
#include "suite/json_path.hpp"
#include "suite/yaml_document.hpp"

extern char** environ;

namespace mockhttp {

namespace {

using Json = nlohmann::json;

// A status as written: a number, or text that is one (`status: "${CODE}"` once expanded).
std::optional<int> http_status(const Json& value) {
  long long number = 0;
  if (value.is_number_integer()) {
    number = value.get<long long>();
  } else if (value.is_string() && !value.get<std::string>().empty() && value.get<std::string>().size() <= 3 &&
             value.get<std::string>().find_first_not_of("0123456789") == std::string::npos) {
    number = std::stoll(value.get<std::string>());
  } else {
    return std::nullopt;
  }
  if (number < 100 || number > 599) return std::nullopt;
  return static_cast<int>(number);
}

// Reads one suite document; every problem names the file, the line and the JSON Pointer.
class SuiteReader {
 public:
  SuiteReader(std::string file, detail::YamlDocument document)
      : file_(std::move(file)), document_(std::move(document)) {}

  [[noreturn]] void refuse(const std::string& pointer, const std::string& problem) const {
    const int line = document_.line_of(pointer);
    throw DocumentError(file_ + "#" + pointer,
                        (line > 0 ? "line " + std::to_string(line) + ": " : std::string()) + problem);
  }

  const Json& root() const { return document_.value; }

  void only_keys(const Json& object, const std::string& pointer, std::initializer_list<const char*> known) const {
    if (!object.is_object()) refuse(pointer, "must be a mapping (key: value)");
    for (const auto& item : object.items()) {
      const std::string& key = item.key();
      if (key.rfind("x-", 0) == 0) continue;  // extensions are the author's
      if (std::none_of(known.begin(), known.end(), [&](const char* name) { return key == name; })) {
        std::string names;
        for (const char* name : known) names += (names.empty() ? "" : ", ") + std::string(name);
        refuse(detail::pointer_append(pointer, key), "unknown key \"" + key + "\" (known: " + names + ")");
      }
    }
  }

  std::string text(const Json& value, const std::string& pointer) const {
    if (!value.is_string()) refuse(pointer, "must be a string");
    return value.get<std::string>();
  }

  Headers headers(const Json& value, const std::string& pointer) const {
    if (!value.is_object()) refuse(pointer, "must be a mapping of header names to values");
    Headers out;
    for (const auto& [name, text_value] : value.items()) {
      const std::string inner = detail::pointer_append(pointer, name);
      if (text_value.is_string())
        out.emplace_back(name, text_value.get<std::string>());
      else if (text_value.is_number() || text_value.is_boolean())
        out.emplace_back(name, text_value.dump());
      else
        refuse(inner, "a header value must be a string");
    }
    return out;
  }

  SuiteRequestSpec request(const Json& value, const std::string& pointer) const {
    only_keys(value, pointer, {"source", "transform", "headers", "method", "path", "body", "url"});
    SuiteRequestSpec spec;
    if (value.contains("source") && text(value["source"], pointer + "/source") != "case.ingress") {
      refuse(pointer + "/source",
             "the request's source must be \"case.ingress\" (the inbound request the case captured)");
    }
    if (value.contains("transform")) spec.transform = text(value["transform"], pointer + "/transform");
    if (value.contains("headers")) spec.headers = headers(value["headers"], pointer + "/headers");
    if (value.contains("method")) spec.method = text(value["method"], pointer + "/method");
    if (value.contains("path")) {
      spec.target = text(value["path"], pointer + "/path");
      if (spec.target->empty() || (*spec.target)[0] != '/')
        refuse(pointer + "/path", "must start with / (a path and query)");
    }
    if (value.contains("body"))
      spec.body = value["body"].is_string() ? value["body"].get<std::string>() : value["body"].dump();
    if (value.contains("url")) spec.url = text(value["url"], pointer + "/url");
    return spec;
  }

  SuiteMock mock(const Json& value, const std::string& pointer) const {
    only_keys(value, pointer, {"name", "match", "source", "response", "hook", "priority", "consume", "latencyMs"});
    SuiteMock mock;
    if (!value.contains("name")) refuse(pointer, "a mock needs a name (overrides replace mocks by name)");
    mock.name = text(value["name"], pointer + "/name");
    if (mock.name.empty()) refuse(pointer + "/name", "must not be empty");
    if (!value.contains("match"))
      refuse(pointer, "mock \"" + mock.name + "\" needs a match (a rule's when: host, path, ...)");
    if (!value["match"].is_object())
      refuse(pointer + "/match", "must be a mapping (direction, host, hostSuffix, method, path, pathPrefix, ...)");
    mock.match = value["match"];
    // Without a source, a mock that gives a response is inline (as Softprobe reads it).
    const std::string source = value.contains("source")     ? text(value["source"], pointer + "/source")
                               : value.contains("response") ? "inline"
                                                            : "case";
    if (source != "case" && source != "inline")
      refuse(pointer + "/source", "must be \"case\" or \"inline\", got \"" + source + "\"");
    mock.from_case = source == "case";
    if (value.contains("hook")) mock.hook = text(value["hook"], pointer + "/hook");
    if (value.contains("priority")) {
      if (!value["priority"].is_number_integer()) refuse(pointer + "/priority", "must be a whole number (higher wins)");
      mock.priority = value["priority"].get<std::int64_t>();
    }
    if (value.contains("consume")) {
      const std::string consume = text(value["consume"], pointer + "/consume");
      if (consume != "once" && consume != "many")
        refuse(pointer + "/consume", "must be \"once\" or \"many\", got \"" + consume + "\"");
      mock.consume_once = consume == "once";
    }
    if (value.contains("latencyMs")) {
      if (!value["latencyMs"].is_number_integer() || value["latencyMs"].get<std::int64_t>() < 0) {
        refuse(pointer + "/latencyMs", "must be a whole number of milliseconds, 0 or more");
      }
      mock.latency = std::chrono::milliseconds(value["latencyMs"].get<std::int64_t>());
    }
    if (!mock.from_case) {
      if (!value.contains("response")) refuse(pointer, "an inline mock needs a response");
      mock.response = response(value["response"], pointer + "/response");
    } else if (value.contains("response")) {
      refuse(pointer + "/response",
             "a mock whose source is \"case\" takes its response from the case (use source: inline)");
    }
    return mock;
  }

  CapturedResponse response(const Json& value, const std::string& pointer) const {
    only_keys(value, pointer, {"status", "headers", "body"});
    CapturedResponse out;
    if (value.contains("status")) {
      const auto status = http_status(value["status"]);
      if (!status) refuse(pointer + "/status", "must be an HTTP status from 100 to 599");
      out.status = *status;
    }
    if (value.contains("headers")) out.headers = headers(value["headers"], pointer + "/headers");
    if (value.contains("body"))
      out.body = value["body"].is_string() ? value["body"].get<std::string>() : value["body"].dump();
    return out;
  }

  std::vector<SuiteMock> mocks(const Json& value, const std::string& pointer) const {
    if (!value.is_array()) refuse(pointer, "must be a list of mocks");
    std::vector<SuiteMock> out;
    for (std::size_t i = 0; i < value.size(); ++i) {
      SuiteMock next = mock(value[i], detail::pointer_append(pointer, i));
      const auto same = std::find_if(out.begin(), out.end(), [&](const SuiteMock& m) { return m.name == next.name; });
      if (same != out.end())
        refuse(detail::pointer_append(pointer, i) + "/name", "two mocks are named \"" + next.name + "\"");
      out.push_back(std::move(next));
    }
    return out;
  }

  SuiteAssertions assertions(const Json& value, const std::string& pointer) const {
    only_keys(value, pointer, {"status", "headers", "body", "custom-headers"});
    SuiteAssertions out;
    if (value.contains("status")) status(value["status"], pointer + "/status", out);
    if (value.contains("headers")) {
      const std::string at = pointer + "/headers";
      only_keys(value["headers"], at, {"include", "ignore", "custom"});
      if (value["headers"].contains("include")) {
        out.headers_include = headers(value["headers"]["include"], at + "/include");
        for (const auto& [name, pattern] : out.headers_include) {
          const RE2 compiled(pattern, RE2::Quiet);
          if (!compiled.ok())
            refuse(detail::pointer_append(at + "/include", name),
                   "not a regular expression (RE2): " + compiled.error());
        }
      }
      if (value["headers"].contains("ignore")) out.headers_ignore = names(value["headers"]["ignore"], at + "/ignore");
      if (value["headers"].contains("custom")) out.headers_custom = text(value["headers"]["custom"], at + "/custom");
    }
    if (value.contains("custom-headers")) {
      if (!out.headers_custom.empty())
        refuse(pointer + "/custom-headers", "give the headers hook once: headers.custom or custom-headers");
      out.headers_custom = text(value["custom-headers"], pointer + "/custom-headers");
    }
    if (value.contains("body")) {
      const Json& body = value["body"];
      const std::string at = pointer + "/body";
      only_keys(body, at, {"mode", "ignore", "expected", "custom", "redactions"});
      if (body.contains("mode")) {
        const std::string mode = text(body["mode"], at + "/mode");
        if (mode == "json-subset")
          out.body_mode = SuiteAssertions::BodyMode::json_subset;
        else if (mode == "exact")
          out.body_mode = SuiteAssertions::BodyMode::exact;
        else if (mode == "ignore" || mode == "none")
          out.body_mode = SuiteAssertions::BodyMode::none;
        else if (mode == "string")
          out.body_mode = SuiteAssertions::BodyMode::string;
        else
          refuse(at + "/mode", "must be \"json-subset\", \"exact\", \"string\" or \"ignore\", got \"" + mode + "\"");
      }
      if (body.contains("ignore")) {
        const auto paths = names(body["ignore"], at + "/ignore");
        for (std::size_t i = 0; i < paths.size(); ++i) json_path(paths[i], detail::pointer_append(at + "/ignore", i));
        out.ignore = paths;
      }
      if (body.contains("redactions")) {
        if (!body["redactions"].is_array()) refuse(at + "/redactions", "must be a list of {path, replacement}");
        for (std::size_t i = 0; i < body["redactions"].size(); ++i) {
          const std::string item = detail::pointer_append(at + "/redactions", i);
          const Json& entry = body["redactions"][i];
          only_keys(entry, item, {"path", "replacement"});
          if (!entry.contains("path")) refuse(item, "a redaction needs a path (a JSONPath)");
          SuiteRedaction redaction;
          redaction.path = text(entry["path"], item + "/path");
          json_path(redaction.path, item + "/path");
          if (entry.contains("replacement")) redaction.replacement = entry["replacement"];
          out.redactions.push_back(std::move(redaction));
        }
      }
      if (body.contains("expected")) out.expected = body["expected"];
      if (body.contains("custom")) out.custom = text(body["custom"], at + "/custom");
    }
    return out;
  }

  // status: 200 | "${CODE}" | [200, 201] | {min: 200, max: 299} | case
  void status(const Json& value, const std::string& pointer, SuiteAssertions& out) const {
    if (value.is_array()) {
      if (value.empty()) refuse(pointer, "a list of statuses must not be empty");
      for (std::size_t i = 0; i < value.size(); ++i) {
        const auto one = http_status(value[i]);
        if (!one) refuse(detail::pointer_append(pointer, i), "must be an HTTP status (100-599)");
        out.status_one_of.push_back(*one);
      }
    } else if (value.is_object()) {
      only_keys(value, pointer, {"min", "max"});
      if (value.empty()) refuse(pointer, "a status range needs min, max or both");
      if (value.contains("min") && !(out.status_min = http_status(value["min"])))
        refuse(pointer + "/min", "must be an HTTP status (100-599)");
      if (value.contains("max") && !(out.status_max = http_status(value["max"])))
        refuse(pointer + "/max", "must be an HTTP status (100-599)");
      if (out.status_min && out.status_max && *out.status_min > *out.status_max) refuse(pointer, "min is above max");
    } else {
      out.status = http_status(value);
      if (!out.status && value != "case") {
        refuse(pointer,
               "must be an HTTP status (100-599) or \"case\" (the captured one), a list of statuses, or {min, max}");
      }
    }
  }

  std::vector<std::string> names(const Json& value, const std::string& pointer) const {
    if (!value.is_array()) refuse(pointer, "must be a list");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < value.size(); ++i) out.push_back(text(value[i], detail::pointer_append(pointer, i)));
    return out;
  }

  void json_path(const std::string& path, const std::string& pointer) const {
    try {
      (void)detail::parse_json_path(path);
    } catch (const std::runtime_error& e) {
      refuse(pointer, e.what());
    }
  }

  // A session policy as Softprobe writes it; its externalAllowlist is the engine's allowHosts.
  Json policy(const Json& value, const std::string& pointer) const {
    if (!value.is_object())
      refuse(pointer, "must be a session policy (externalHttp, externalAllowlist, defaultOnMiss, ...)");
    Json out = value;
    if (out.contains("externalAllowlist")) {
      const auto hosts = names(out["externalAllowlist"], pointer + "/externalAllowlist");
      Json allowed = out.value("allowHosts", Json::array());
      for (const auto& host : hosts) allowed.push_back(host);
      out["allowHosts"] = allowed;
      out.erase("externalAllowlist");
    }
    try {
      (void)ReplayPolicy::from_json(out);
    } catch (const Error& e) {
      refuse(pointer, e.what());
    }
    return out;
  }

 private:
  std::string file_;
  detail::YamlDocument document_;
};

std::string folder_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string resolved(const std::string& folder, const std::string& path) {
  const std::filesystem::path joined =
      !path.empty() && path[0] == '/' ? std::filesystem::path(path) : std::filesystem::path(folder) / path;
  return joined.lexically_normal().string();
}

// A suite's case glob, walked here rather than by glob(3): a directory link inside a wildcard
// step is not followed (a link to "." once made `cases/*/*/*/*.json` visit billions of paths, 500 s
// and 3.9 GB), and the walk gives up past kGlobEntriesVisited entries, saying so in `problem`.
// `*`, `?` and `[...]` match within one path segment, as in a shell; names starting with '.'
// only when the pattern segment does.
constexpr std::size_t kGlobEntriesVisited = 100000;

bool has_wildcard(const std::string& segment) { return segment.find_first_of("*?[") != std::string::npos; }

std::vector<std::string> glob_files(const std::string& pattern, std::string& problem) {
  namespace fs = std::filesystem;
  std::vector<std::string> segments;
  std::size_t start = pattern.empty() || pattern[0] != '/' ? 0 : 1;
  while (start <= pattern.size()) {
    const std::size_t end = std::min(pattern.find('/', start), pattern.size());
    if (end > start) segments.push_back(pattern.substr(start, end - start));
    start = end + 1;
  }
  std::vector<fs::path> level{pattern.empty() || pattern[0] != '/' ? fs::path(".") : fs::path("/")};
  std::size_t visited = 0;
  for (std::size_t i = 0; i < segments.size() && !level.empty(); ++i) {
    const bool last = i + 1 == segments.size();
    std::vector<fs::path> next;
    for (const auto& folder : level) {
      std::error_code error;
      if (!has_wildcard(segments[i])) {
        const fs::path candidate = folder / segments[i];
        if (last ? fs::is_regular_file(candidate, error) : fs::is_directory(candidate, error))
          next.push_back(candidate);
        continue;
      }
      for (fs::directory_iterator entry(folder, error), done; !error && entry != done; entry.increment(error)) {
        if (++visited > kGlobEntriesVisited) {
          problem = "the glob visits more than " + std::to_string(kGlobEntriesVisited) + " entries; narrow it";
          return {};
        }
        const std::string name = entry->path().filename().string();
        if (::fnmatch(segments[i].c_str(), name.c_str(), FNM_PERIOD) != 0) continue;
        std::error_code kind_error;
        if (last) {
          if (entry->is_regular_file(kind_error)) next.push_back(entry->path());
        } else if (!entry->is_symlink(kind_error) && entry->is_directory(kind_error)) {
          next.push_back(entry->path());  // a directory link is not followed: it may loop
        }
      }
    }
    level = std::move(next);
  }
  std::vector<std::string> paths;
  for (const auto& path : level) {
    std::string text = path.lexically_normal().string();
    if (text.rfind("./", 0) == 0 && (pattern.empty() || pattern.rfind("./", 0) != 0)) text.erase(0, 2);
    paths.push_back(std::move(text));
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::string file_name_stem(const std::string& path) {
  std::string name = path.substr(path.rfind('/') + 1);
  for (const char* suffix : {".case.json", ".json"}) {
    const std::string tail = suffix;
    if (name.size() > tail.size() && name.compare(name.size() - tail.size(), tail.size(), tail) == 0) {
      return name.substr(0, name.size() - tail.size());
    }
  }
  return name;
}

}  // namespace

SuiteEnv Suite::process_environment(const std::string& env_file) {
  SuiteEnv env;
  if (!env_file.empty()) {
    try {
      env = detail::read_env_file(env_file);
    } catch (const std::runtime_error& e) {
      throw DocumentError(env_file, e.what());
    }
  }
  for (char** entry = environ; entry && *entry; ++entry) {
    const std::string text = *entry;
    const std::size_t equals = text.find('=');
    if (equals != std::string::npos && equals > 0) env[text.substr(0, equals)] = text.substr(equals + 1);
  }
  return env;
}

Suite Suite::load(const std::string& path) { return load(path, process_environment()); }

namespace {

// The suite's env: block, read from a first, lenient expansion of the text (a variable the block
// sets may be used above it), under the values `given` has: environment > --env-file > env:.
SuiteEnv environment_with_suite_block(const std::string& text, const SuiteEnv& given) {
  SuiteEnv env = given;
  detail::YamlDocument first;
  try {
    std::vector<int> origin;
    first = detail::parse_yaml_text(detail::expand_variables_in_text(text, given, origin, true), origin);
  } catch (const std::runtime_error&) {
    return env;  // the strict reading reports what is wrong, at its line
  }
  if (!first.value.is_object() || !first.value.contains("env") || !first.value["env"].is_object()) return env;
  for (const auto& item : first.value["env"].items()) {
    const Json& value = item.value();
    if (value.is_string())
      env.emplace(item.key(), value.get<std::string>());
    else if (value.is_number() || value.is_boolean())
      env.emplace(item.key(), value.dump());
  }
  return env;
}

}  // namespace

Suite Suite::load(const std::string& path, const SuiteEnv& given_env) {
  detail::YamlDocument document;
  SuiteEnv env;
  try {
    const std::string text = detail::read_text_file(path);  // a .json suite too: JSON is YAML
    env = environment_with_suite_block(text, given_env);
    std::vector<int> origin;
    const std::string expanded = detail::expand_variables_in_text(text, env, origin);
    document = detail::parse_yaml_text(expanded, origin);
  } catch (const std::runtime_error& e) {
    throw DocumentError(path, e.what());
  }
  const SuiteReader reader(path, document);
  const Json& root = reader.root();
  reader.only_keys(root, "",
                   {"name", "version", "cases", "defaults", "policy", "env", "request", "mocks", "assertions"});
  if (root.contains("version") && root["version"] != 1 && root["version"] != "1") {
    reader.refuse("/version", "this reads suite version 1, the file says " + root["version"].dump());
  }
  if (root.contains("env")) {
    if (!root["env"].is_object()) reader.refuse("/env", "must be a mapping of NAME: value");
    for (const auto& item : root["env"].items()) {
      if (item.value().is_object() || item.value().is_array()) {
        reader.refuse(detail::pointer_append("/env", item.key()),
                      "a variable's value must be text, a number or a boolean");
      }
    }
  }
  Suite suite;
  suite.path_ = path;
  suite.env_ = env;
  suite.name_ = root.contains("name") ? reader.text(root["name"], "/name") : file_name_stem(path);
  if (root.contains("name") && suite.name_.empty()) reader.refuse("/name", "must not be empty");

  SuiteRequestSpec default_request;
  std::vector<SuiteMock> default_mocks;
  SuiteAssertions default_assertions;
  std::optional<Json> default_policy;
  Json defaults = root.contains("defaults") ? root["defaults"] : Json::object();
  if (root.contains("defaults")) reader.only_keys(defaults, "/defaults", {"request", "mocks", "assertions", "policy"});
  // request, mocks and assertions at the top level are the defaults' (Softprobe's shortcut);
  // one place per key, so a suite never has two answers to what a default is.
  std::map<std::string, std::string> at;  // key -> where it was written
  for (const char* key : {"request", "mocks", "assertions", "policy"}) {
    const bool top = root.contains(key), under = defaults.contains(key);
    if (top && under)
      reader.refuse(std::string("/") + key, std::string("is given twice: at the top level and under defaults"));
    at[key] = top ? std::string("/") + key : std::string("/defaults/") + key;
    if (top) defaults[key] = root[key];
  }
  if (defaults.contains("request")) default_request = reader.request(defaults["request"], at["request"]);
  if (defaults.contains("mocks")) default_mocks = reader.mocks(defaults["mocks"], at["mocks"]);
  if (defaults.contains("assertions")) default_assertions = reader.assertions(defaults["assertions"], at["assertions"]);
  if (defaults.contains("policy")) default_policy = reader.policy(defaults["policy"], at["policy"]);

  if (!root.contains("cases"))
    reader.refuse("", "a suite needs cases: a glob, a list of globs, or a list of {path, name, overrides}");
  const Json cases = root["cases"].is_string() ? Json::array({root["cases"]}) : root["cases"];
  if (!cases.is_array() || cases.empty())
    reader.refuse("/cases", "must be a glob, or a non-empty list of globs or {path, name, overrides}");
  const std::string folder = folder_of(path);
  std::set<std::string> names;
  std::vector<bool> chosen_only;  // per case: its entry said only: true
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string pointer = root["cases"].is_string() ? "/cases" : detail::pointer_append("/cases", i);
    const Json& entry = cases[i];
    std::vector<std::string> files;
    std::string given_name;
    bool skip = false, only = false;
    SuiteCase base;
    base.request = default_request;
    base.mocks = default_mocks;
    base.assertions = default_assertions;
    base.policy = default_policy;
    if (entry.is_string()) {
      std::string problem;
      files = glob_files(resolved(folder, entry.get<std::string>()), problem);
      if (!problem.empty()) reader.refuse(pointer, "\"" + entry.get<std::string>() + "\": " + problem);
      if (files.empty())
        reader.refuse(pointer, "\"" + entry.get<std::string>() + "\" matches no file (relative to " + folder + ")");
    } else if (entry.is_object()) {
      reader.only_keys(entry, pointer, {"path", "name", "overrides", "skip", "only"});
      for (const char* flag : {"skip", "only"}) {
        if (entry.contains(flag) && !entry[flag].is_boolean())
          reader.refuse(pointer + "/" + flag, "must be true or false");
      }
      skip = entry.value("skip", false);
      only = entry.value("only", false);
      if (!entry.contains("path")) reader.refuse(pointer, "a case needs a path (its .case.json file)");
      files = {resolved(folder, reader.text(entry["path"], pointer + "/path"))};
      if (entry.contains("name")) given_name = reader.text(entry["name"], pointer + "/name");
      if (entry.contains("overrides")) {
        const Json& overrides = entry["overrides"];
        const std::string at = pointer + "/overrides";
        reader.only_keys(overrides, at, {"request", "mocks", "assertions", "policy"});
        // request, assertions and policy replace the defaults' whole; mocks merge by name.
        if (overrides.contains("request")) base.request = reader.request(overrides["request"], at + "/request");
        if (overrides.contains("assertions"))
          base.assertions = reader.assertions(overrides["assertions"], at + "/assertions");
        if (overrides.contains("policy")) base.policy = reader.policy(overrides["policy"], at + "/policy");
        if (overrides.contains("mocks")) {
          for (SuiteMock& mock : reader.mocks(overrides["mocks"], at + "/mocks")) {
            const auto same = std::find_if(base.mocks.begin(), base.mocks.end(),
                                           [&](const SuiteMock& m) { return m.name == mock.name; });
            if (same != base.mocks.end())
              *same = std::move(mock);
            else
              base.mocks.push_back(std::move(mock));
          }
        }
      }
    } else {
      reader.refuse(pointer, "must be a glob or {path, name, overrides}");
    }
    for (const auto& file : files) {
      SuiteCase test_case = base;
      test_case.path = file;
      std::shared_ptr<const ReplayCase> loaded;
      try {
        loaded = std::make_shared<const ReplayCase>(ReplayCase::load_from_file(file));
      } catch (const Error& e) {
        reader.refuse(pointer, std::string("the case cannot be used: ") + e.what());
      }
      test_case.name = !given_name.empty()          ? given_name
                       : !loaded->case_id().empty() ? loaded->case_id()
                                                    : file_name_stem(file);
      if (!names.insert(test_case.name).second) {
        reader.refuse(pointer, "two cases are named \"" + test_case.name + "\" (" + file + "); give one a name:");
      }
      test_case.loaded = std::move(loaded);
      test_case.skip = skip;
      if (skip) test_case.skip_reason = "skip: true in the suite";
      suite.cases_.push_back(std::move(test_case));
      chosen_only.push_back(only);
    }
  }
  // only: true on any entry leaves every entry without it out.
  if (std::find(chosen_only.begin(), chosen_only.end(), true) != chosen_only.end()) {
    for (std::size_t i = 0; i < suite.cases_.size(); ++i) {
      if (suite.cases_[i].skip || chosen_only[i]) continue;
      suite.cases_[i].skip = true;
      suite.cases_[i].skip_reason = "another case of the suite has only: true";
    }
  }
  return suite;
}

}  // namespace mockhttp
