// Stub files: an init stubs file in assertive-mock-api's format (test/data/stubs) loads and serves, and
// a bad file mounts nothing and says where it is wrong.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <mockhttp/mockhttp.hpp>

#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;
using mockhttp::test::curl_request;

namespace {

const std::string kInitStubs = std::string(MOCKHTTP_TEST_DATA_DIR) + "/stubs/startup-stubs.json";

class StubFiles : public ::testing::Test {
 protected:
  MockServer server;
  std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("mockhttp-stubs-" + std::to_string(::getpid()) + "-" +
                                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override { std::filesystem::create_directories(folder); }
  void TearDown() override { std::filesystem::remove_all(folder); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(folder / name) << text;
    return (folder / name).string();
  }
  std::string error_of(const std::string& path) {
    try {
      server.load_stubs(path);
    } catch (const DocumentError& e) {
      return e.what();
    }
    return "loaded";
  }
};

TEST_F(StubFiles, AnInitStubsFileLoadsAndServes) {
  const auto loaded = server.load_stubs(kInitStubs);
  ASSERT_EQ(loaded.size(), 3u);
  EXPECT_EQ(Json::parse(curl_request("GET", server.url() + "/greeting").body), (Json{{"greeting", "hello"}}));
  EXPECT_EQ(Json::parse(curl_request("GET", server.url() + "/greeting/formal").body), (Json{{"greeting", "good day"}}));
  EXPECT_EQ(Json::parse(curl_request("GET", server.url() + "/orders/A-17").body),
            (Json{{"order", "A-17"}, {"state", "shipped"}}));
}

TEST_F(StubFiles, AListAFolderAndChosenIdsAllLoad) {
  write(
      "b.json",
      R"([{"id": " second ", "request": {"path": "/b"}, "action": {"response": {"status_code": 200, "body": "b"}}}])");
  write(
      "a.json",
      R"({"stubs": [{"stub_id": "first", "request": {"path": "/a"}, "action": {"response": {"status_code": 200, "body": "a"}}}]})");
  write("notes.txt", "not a stub file");
  const auto loaded = server.load_stubs(folder.string());
  ASSERT_EQ(loaded.size(), 2u);
  EXPECT_EQ(loaded[0].id(), "first") << "files load in name order";
  EXPECT_EQ(loaded[1].id(), "second") << "ids are trimmed";
  EXPECT_EQ(curl_request("GET", server.url() + "/b").body, "b");
}

TEST_F(StubFiles, ABadFileMountsNothingAndNamesFileAndField) {
  const std::string good =
      R"({"request": {"path": "/ok"}, "action": {"response": {"status_code": 200, "body": "ok"}}})";
  const auto bad_action =
      write("bad.json", "[" + good + R"(, {"request": {}, "action": {"response": {"status_code": 200}}}])");
  EXPECT_EQ(error_of(bad_action),
            "at " + bad_action + "#/1/action/response: Exactly one of body or template_body must be provided.");
  const auto scoped =
      write("scoped.json",
            R"({"stubs": [{"scope": "a", "request": {}, "action": {"response": {"status_code": 200, "body": "x"}}}]})");
  EXPECT_EQ(error_of(scoped),
            "at " + scoped + "#/stubs/0/scope: stubs loaded from a file cannot define scope (they are global)");
  const auto legacy =
      write("legacy.json", "[" + good.substr(0, good.size() - 1) + R"(, "chaos": {"connection_drop": {}}}])");
  EXPECT_NE(error_of(legacy).find("chaos.faults.connection_drop"), std::string::npos);
  const auto not_json = write("broken.json", "[{");
  EXPECT_NE(error_of(not_json).find("invalid JSON at byte"), std::string::npos);
  const auto wrong_shape = write("shape.json", R"({"stub": []})");
  EXPECT_EQ(error_of(wrong_shape),
            "at " + wrong_shape + "#: a stub file must be a list of stubs or an object with a 'stubs' list");
  const auto blank_id = write(
      "blank.json", R"([{"id": "  ", "request": {}, "action": {"response": {"status_code": 200, "body": "x"}}}])");
  EXPECT_EQ(error_of(blank_id), "at " + blank_id + "#/0/id: id must not be blank");
  EXPECT_EQ(error_of((folder / "missing.json").string()),
            "at " + (folder / "missing.json").string() + "#: cannot be read: No such file or directory");
  EXPECT_TRUE(server.stubs().empty()) << "nothing half-loaded";
}

TEST_F(StubFiles, ADuplicateIdAcrossFilesUnmountsEverything) {
  write("1.json",
        R"([{"id": "same", "request": {"path": "/1"}, "action": {"response": {"status_code": 200, "body": "1"}}}])");
  write("2.json",
        R"([{"id": "same", "request": {"path": "/2"}, "action": {"response": {"status_code": 200, "body": "2"}}}])");
  EXPECT_EQ(error_of(folder.string()), "at " + folder.string() + "#: a stub with id 'same' already exists");
  EXPECT_TRUE(server.stubs().empty());
}

}  // namespace
