// MockServer::load_stubs: stub files, as assertive-mock-api's init stubs file.
#include <algorithm>
#include <filesystem>

#include <mockhttp/errors.hpp>
#include <mockhttp/mock_server.hpp>

#include "wire/json_file.hpp"
#include "core/engine.hpp"

namespace mockhttp {

using Json = nlohmann::json;

namespace {

struct FileStub {
  StubDefinition definition;
  std::optional<std::string> id;
};

// The path names the file and the place inside it, as a URI fragment: "stubs.json#/stubs/0".
DocumentError in_file(const std::string& file, const std::string& pointer, const std::string& problem) {
  return DocumentError(file + "#" + pointer, problem);
}

std::vector<FileStub> read_stub_file(const std::string& file) {
  const detail::JsonFile read = detail::read_json_file(file);
  if (!read.document) throw in_file(file, "", read.problem);
  const Json& document = *read.document;
  const bool listed = document.is_object() && document.contains("stubs");
  const Json& entries = listed ? document["stubs"] : document;
  const std::string base = listed ? "/stubs" : "";
  if (!entries.is_array())
    throw in_file(file, base, "a stub file must be a list of stubs or an object with a 'stubs' list");
  std::vector<FileStub> stubs;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string at = base + "/" + std::to_string(i);
    if (entries[i].is_object() && entries[i].contains("scope")) {
      throw in_file(file, at + "/scope", "stubs loaded from a file cannot define scope (they are global)");
    }
    try {
      FileStub stub{StubDefinition::from_json(entries[i], at), std::nullopt};
      stub.definition.validate();
      for (const char* key : {"id", "stub_id"}) {
        if (entries[i].contains(key) && entries[i][key].is_string()) {
          std::string id = entries[i][key].get<std::string>();
          id.erase(0, id.find_first_not_of(" \t\r\n"));
          id.erase(id.find_last_not_of(" \t\r\n") + 1);
          if (id.empty()) throw DocumentError(at + "/" + key, std::string(key) + " must not be blank");
          stub.id = id;
        }
      }
      stubs.push_back(std::move(stub));
    } catch (const DocumentError& e) {
      throw in_file(file, e.pointer(), e.problem());
    } catch (const StubError& e) {
      throw in_file(file, at, e.what());
    }
  }
  return stubs;
}

std::vector<std::string> stub_files_in(const std::string& file_or_folder) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_directory(file_or_folder, error)) return {file_or_folder};
  std::vector<std::string> files;
  for (fs::directory_iterator entry(file_or_folder, error), end; !error && entry != end; entry.increment(error)) {
    if (entry->is_regular_file() && entry->path().extension() == ".json") files.push_back(entry->path().string());
  }
  if (error) throw in_file(file_or_folder, "", "the folder cannot be listed: " + error.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

void MockServer::check_stub_files(const std::string& file_or_folder) {
  for (const auto& file : stub_files_in(file_or_folder)) (void)read_stub_file(file);
}

std::vector<StubRef> MockServer::load_stubs(const std::string& file_or_folder) {
  std::vector<FileStub> all;
  for (const auto& file : stub_files_in(file_or_folder)) {
    auto stubs = read_stub_file(file);
    std::move(stubs.begin(), stubs.end(), std::back_inserter(all));
  }
  std::vector<StubRef> mounted;
  try {
    for (auto& stub : all) {
      mounted.push_back(StubRef(engine_->mount(std::move(stub.definition), StubPlacement{}, stub.id), engine_));
    }
  } catch (const StubError& e) {
    for (const auto& stub : mounted) stub.remove();  // all or nothing
    throw DocumentError(file_or_folder + "#", e.what());
  }
  return mounted;
}

}  // namespace mockhttp
