// Suite::load: a *.suite.yaml read, checked key by key, and merged into one SuiteCase per case.
#include <glob.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include <mockhttp/errors.hpp>
#include <mockhttp/suite.hpp>

#include "encoding/json_pointer.hpp"
#include "suite/env_expansion.hpp"
#include "suite/json_path.hpp"
#include "suite/yaml_document.hpp"

extern char** environ;

namespace mockhttp {

namespace {

using Json = nlohmann::json;

std::optional<int> http_status(const Json& value) {
  if (!value.is_number_integer() || value.get<long long>() < 100 || value.get<long long>() > 599) return std::nullopt;
  return value.get<int>();
}

// Reads one suite document; every problem names the file, the line and the JSON Pointer.
class SuiteReader {
 public:
  SuiteReader(std::string file, detail::YamlDocument document) : file_(std::move(file)), document_(std::move(document)) {}

  [[noreturn]] void refuse(const std::string& pointer, const std::string& problem) const {
    const int line = document_.line_of(pointer);
    throw DocumentError(file_ + "#" + pointer, (line > 0 ? "line " + std::to_string(line) + ": " : std::string()) + problem);
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
      if (text_value.is_string()) out.emplace_back(name, text_value.get<std::string>());
      else if (text_value.is_number() || text_value.is_boolean()) out.emplace_back(name, text_value.dump());
      else refuse(inner, "a header value must be a string");
    }
    return out;
  }

  SuiteRequestSpec request(const Json& value, const std::string& pointer) const {
    only_keys(value, pointer, {"source", "transform", "headers"});
    SuiteRequestSpec spec;
    if (value.contains("source") && text(value["source"], pointer + "/source") != "case.ingress") {
      refuse(pointer + "/source", "the request's source must be \"case.ingress\" (the inbound request the case captured)");
    }
    if (value.contains("transform")) spec.transform = text(value["transform"], pointer + "/transform");
    if (value.contains("headers")) spec.headers = headers(value["headers"], pointer + "/headers");
    return spec;
  }

  SuiteMock mock(const Json& value, const std::string& pointer) const {
    only_keys(value, pointer, {"name", "match", "source", "response", "hook"});
    SuiteMock mock;
    if (!value.contains("name")) refuse(pointer, "a mock needs a name (overrides replace mocks by name)");
    mock.name = text(value["name"], pointer + "/name");
    if (mock.name.empty()) refuse(pointer + "/name", "must not be empty");
    if (!value.contains("match")) refuse(pointer, "mock \"" + mock.name + "\" needs a match (a rule's when: host, path, ...)");
    if (!value["match"].is_object()) refuse(pointer + "/match", "must be a mapping (direction, host, hostSuffix, method, path, pathPrefix, ...)");
    mock.match = value["match"];
    const std::string source = value.contains("source") ? text(value["source"], pointer + "/source") : "case";
    if (source != "case" && source != "inline") refuse(pointer + "/source", "must be \"case\" or \"inline\", got \"" + source + "\"");
    mock.from_case = source == "case";
    if (value.contains("hook")) mock.hook = text(value["hook"], pointer + "/hook");
    if (!mock.from_case) {
      if (!value.contains("response")) refuse(pointer, "an inline mock needs a response");
      mock.response = response(value["response"], pointer + "/response");
    } else if (value.contains("response")) {
      refuse(pointer + "/response", "a mock whose source is \"case\" takes its response from the case (use source: inline)");
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
    if (value.contains("body")) out.body = value["body"].is_string() ? value["body"].get<std::string>() : value["body"].dump();
    return out;
  }

  std::vector<SuiteMock> mocks(const Json& value, const std::string& pointer) const {
    if (!value.is_array()) refuse(pointer, "must be a list of mocks");
    std::vector<SuiteMock> out;
    for (std::size_t i = 0; i < value.size(); ++i) {
      SuiteMock next = mock(value[i], detail::pointer_append(pointer, i));
      const auto same = std::find_if(out.begin(), out.end(), [&](const SuiteMock& m) { return m.name == next.name; });
      if (same != out.end()) refuse(detail::pointer_append(pointer, i) + "/name", "two mocks are named \"" + next.name + "\"");
      out.push_back(std::move(next));
    }
    return out;
  }

  SuiteAssertions assertions(const Json& value, const std::string& pointer) const {
    only_keys(value, pointer, {"status", "headers", "body"});
    SuiteAssertions out;
    if (value.contains("status")) {
      out.status = http_status(value["status"]);
      if (!out.status && value["status"] != "case") {
        refuse(pointer + "/status", "must be an HTTP status (100-599) or \"case\" (the captured one)");
      }
    }
    if (value.contains("headers")) {
      only_keys(value["headers"], pointer + "/headers", {"include"});
      if (value["headers"].contains("include")) out.headers_include = headers(value["headers"]["include"], pointer + "/headers/include");
    }
    if (value.contains("body")) {
      const Json& body = value["body"];
      const std::string at = pointer + "/body";
      only_keys(body, at, {"mode", "ignore", "expected", "custom"});
      if (body.contains("mode")) {
        const std::string mode = text(body["mode"], at + "/mode");
        if (mode == "json-subset") out.body_mode = SuiteAssertions::BodyMode::json_subset;
        else if (mode == "exact") out.body_mode = SuiteAssertions::BodyMode::exact;
        else if (mode == "none") out.body_mode = SuiteAssertions::BodyMode::none;
        else refuse(at + "/mode", "must be \"json-subset\", \"exact\" or \"none\", got \"" + mode + "\"");
      }
      if (body.contains("ignore")) {
        if (!body["ignore"].is_array()) refuse(at + "/ignore", "must be a list of JSONPaths");
        for (std::size_t i = 0; i < body["ignore"].size(); ++i) {
          const std::string path = text(body["ignore"][i], detail::pointer_append(at + "/ignore", i));
          try {
            (void)detail::parse_json_path(path);
          } catch (const std::runtime_error& e) {
            refuse(detail::pointer_append(at + "/ignore", i), e.what());
          }
          out.ignore.push_back(path);
        }
      }
      if (body.contains("expected")) out.expected = body["expected"];
      if (body.contains("custom")) out.custom = text(body["custom"], at + "/custom");
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
  const std::filesystem::path joined = !path.empty() && path[0] == '/' ? std::filesystem::path(path) : std::filesystem::path(folder) / path;
  return joined.lexically_normal().string();
}

std::vector<std::string> glob_files(const std::string& pattern) {
  glob_t found{};
  std::vector<std::string> paths;
  if (::glob(pattern.c_str(), 0, nullptr, &found) == 0) {
    for (std::size_t i = 0; i < found.gl_pathc; ++i) paths.emplace_back(found.gl_pathv[i]);
  }
  ::globfree(&found);
  return paths;  // glob sorts them
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

Suite Suite::load(const std::string& path, const SuiteEnv& env) {
  detail::YamlDocument document;
  try {
    document = detail::read_yaml_document(path);  // a .json suite too: JSON is YAML
  } catch (const std::runtime_error& e) {
    throw DocumentError(path, e.what());
  }
  try {
    document.value = detail::expand_variables(document.value, env);
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    const std::size_t colon = message.find(": ");
    const std::string pointer = message.substr(0, colon);
    const int line = document.line_of(pointer);
    throw DocumentError(path + "#" + pointer, (line > 0 ? "line " + std::to_string(line) + ": " : std::string()) +
                                                  message.substr(colon + 2));
  }
  const SuiteReader reader(path, document);
  const Json& root = reader.root();
  reader.only_keys(root, "", {"name", "cases", "defaults", "policy"});
  Suite suite;
  suite.path_ = path;
  suite.env_ = env;
  suite.name_ = root.contains("name") ? reader.text(root["name"], "/name") : file_name_stem(path);
  if (root.contains("name") && suite.name_.empty()) reader.refuse("/name", "must not be empty");

  SuiteRequestSpec default_request;
  std::vector<SuiteMock> default_mocks;
  SuiteAssertions default_assertions;
  std::optional<Json> default_policy;
  if (root.contains("defaults")) {
    const Json& defaults = root["defaults"];
    reader.only_keys(defaults, "/defaults", {"request", "mocks", "assertions"});
    if (defaults.contains("request")) default_request = reader.request(defaults["request"], "/defaults/request");
    if (defaults.contains("mocks")) default_mocks = reader.mocks(defaults["mocks"], "/defaults/mocks");
    if (defaults.contains("assertions")) default_assertions = reader.assertions(defaults["assertions"], "/defaults/assertions");
  }
  if (root.contains("policy")) {
    if (!root["policy"].is_object()) reader.refuse("/policy", "must be a session policy (externalHttp, defaultOnMiss, allowHosts, ...)");
    default_policy = root["policy"];
  }

  if (!root.contains("cases")) reader.refuse("", "a suite needs cases: a glob, a list of globs, or a list of {path, name, overrides}");
  const Json cases = root["cases"].is_string() ? Json::array({root["cases"]}) : root["cases"];
  if (!cases.is_array() || cases.empty()) reader.refuse("/cases", "must be a glob, or a non-empty list of globs or {path, name, overrides}");
  const std::string folder = folder_of(path);
  std::set<std::string> names;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string pointer = root["cases"].is_string() ? "/cases" : detail::pointer_append("/cases", i);
    const Json& entry = cases[i];
    std::vector<std::string> files;
    std::string given_name;
    SuiteCase base;
    base.request = default_request;
    base.mocks = default_mocks;
    base.assertions = default_assertions;
    base.policy = default_policy;
    if (entry.is_string()) {
      files = glob_files(resolved(folder, entry.get<std::string>()));
      if (files.empty()) reader.refuse(pointer, "\"" + entry.get<std::string>() + "\" matches no file (relative to " + folder + ")");
    } else if (entry.is_object()) {
      reader.only_keys(entry, pointer, {"path", "name", "overrides"});
      if (!entry.contains("path")) reader.refuse(pointer, "a case needs a path (its .case.json file)");
      files = {resolved(folder, reader.text(entry["path"], pointer + "/path"))};
      if (entry.contains("name")) given_name = reader.text(entry["name"], pointer + "/name");
      if (entry.contains("overrides")) {
        const Json& overrides = entry["overrides"];
        const std::string at = pointer + "/overrides";
        reader.only_keys(overrides, at, {"request", "mocks", "assertions", "policy"});
        // request, assertions and policy replace the defaults' whole; mocks merge by name.
        if (overrides.contains("request")) base.request = reader.request(overrides["request"], at + "/request");
        if (overrides.contains("assertions")) base.assertions = reader.assertions(overrides["assertions"], at + "/assertions");
        if (overrides.contains("policy")) {
          if (!overrides["policy"].is_object()) reader.refuse(at + "/policy", "must be a session policy");
          base.policy = overrides["policy"];
        }
        if (overrides.contains("mocks")) {
          for (SuiteMock& mock : reader.mocks(overrides["mocks"], at + "/mocks")) {
            const auto same = std::find_if(base.mocks.begin(), base.mocks.end(), [&](const SuiteMock& m) { return m.name == mock.name; });
            if (same != base.mocks.end()) *same = std::move(mock);
            else base.mocks.push_back(std::move(mock));
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
      test_case.name = !given_name.empty() ? given_name : !loaded->case_id().empty() ? loaded->case_id() : file_name_stem(file);
      if (!names.insert(test_case.name).second) {
        reader.refuse(pointer, "two cases are named \"" + test_case.name + "\" (" + file + "); give one a name:");
      }
      test_case.loaded = std::move(loaded);
      suite.cases_.push_back(std::move(test_case));
    }
  }
  return suite;
}

}  // namespace mockhttp
