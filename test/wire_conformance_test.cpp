// The server judges admin payloads as the JSON Schemas do: every document of
// test/data/wire_documents.json is posted to its route; the valid ones are accepted, the
// invalid ones get a 422 naming a field, and nothing is created by them.
// (test/schema_conformance_test.py holds the schemas to the same verdicts.)
#include <gtest/gtest.h>

#include <fstream>

#include <mockhttp/mockhttp.hpp>

#include "support/control_server.hpp"
#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;

namespace {

Json fixtures() {
  std::ifstream file(std::string(MOCKHTTP_TEST_DATA_DIR) + "/wire_documents.json");
  return Json::parse(file);
}

class WireConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(WireConformance, TheServerAcceptsAndRejectsWhatTheSchemaDoes) {
  const Json documents = fixtures().at(GetParam());
  const std::string route = documents["route"];
  for (const Json& doc : documents["valid"]) {
    MockServer server(test::with_control_surfaces());
    const auto res = test::curl_request("POST", server.url() + route, doc.dump(), {"Content-Type: application/json"});
    EXPECT_TRUE(res.status == 200 || res.status == 201) << doc << " -> " << res.status << " " << res.body;
  }
  for (const Json& doc : documents["invalid"]) {
    MockServer server(test::with_control_surfaces());
    const auto res = test::curl_request("POST", server.url() + route, doc.dump(), {"Content-Type: application/json"});
    EXPECT_EQ(res.status, 422) << doc << " -> " << res.body;
    const Json body = Json::parse(res.body, nullptr, false);
    EXPECT_TRUE(body.contains("path") && body.contains("problem")) << res.body;
    EXPECT_TRUE(server.stubs().empty() && server.scopes().empty()) << doc;
  }
}

INSTANTIATE_TEST_SUITE_P(Schemas, WireConformance,
                         ::testing::Values("stub.schema.json", "assert.schema.json", "scope.schema.json"),
                         [](const auto& info) {
                           std::string name = info.param.substr(0, info.param.find('.'));
                           return name;
                         });

}  // namespace
