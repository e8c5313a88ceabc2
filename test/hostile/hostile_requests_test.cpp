// One request must never crash, hang or bloat the test process: deep JSON, numbers no double
// holds, malformed template lookups, oversized bodies and header lists, Range headers, lying
// Content-Lengths — each through a real socket, each answered with a clear error.
#include <gtest/gtest.h>

#include <string>

#include <mockhttp/control.hpp>
#include <mockhttp/mockhttp.hpp>

#include "support/curl_client.hpp"
#include "support/raw_http.hpp"

using namespace mockhttp;
using Json = nlohmann::json;
using mockhttp::test::curl_request;
using mockhttp::test::first_status;
using mockhttp::test::raw_exchange;

namespace hostile {

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(HostileJson, ABodyNested100000DeepIsANonMatchNamingTheLimit) {
  MockServer server;
  server.when_requested_with(Request{}.path("/deep").body(as_json(key_values({{"a", 1}})))).respond_with(200, "no");
  const auto res =
      curl_request("POST", server.url() + "/deep", nested_arrays(100000), {"Content-Type: application/json"});
  EXPECT_EQ(res.status, 404);
  EXPECT_NE(res.body.find("nested deeper than 512 levels"), std::string::npos) << res.body.substr(0, 2000);
  EXPECT_EQ(curl_request("GET", server.url() + "/still-serving").status, 404) << "the server lives on";
}

TEST(HostileJson, ATemplateReadingADeepBodyIsATemplateError) {
  MockServer server;
  server.when_requested_with(Request{}.path("/echo")).respond_with_template(200, "{{ request.body }}");
  const auto res =
      curl_request("POST", server.url() + "/echo", nested_arrays(100000), {"Content-Type: application/json"});
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(Json::parse(res.body)["error"], "TEMPLATE_RENDER_ERROR");
  EXPECT_NE(res.body.find("nested deeper than 512"), std::string::npos) << res.body;
}

TEST(HostileJson, AnAdminPayloadNestedTooDeepIsA422NamingTheLimit) {
  ServerOptions options;
  options.control_surfaces = {admin_api()};
  MockServer server(options);
  std::string criteria = R"({"$eq": {"value": 1}})";
  for (int i = 0; i < 10000; ++i) criteria = R"({"$not": {"value": )" + criteria + "}}";
  const auto res = curl_request(
      "POST", server.url() + "/__mock__/stubs",
      R"({"request": {"body": )" + criteria + R"(}, "action": {"response": {"status_code": 200, "body": "x"}}})",
      {"Content-Type: application/json"});
  EXPECT_EQ(res.status, 422);
  EXPECT_NE(res.body.find("nested deeper than 512 levels"), std::string::npos) << res.body;
  EXPECT_TRUE(server.stubs().empty());
}

TEST(HostileJson, DeepCriteriaWithinTheLimitAreCheckedWholeByTheReader) {
  ServerOptions options;
  options.control_surfaces = {admin_api()};
  MockServer server(options);
  const auto stub_with_body = [](const std::string& criteria) {
    return R"({"request": {"body": )" + criteria + R"(}, "action": {"response": {"status_code": 200, "body": "x"}}})";
  };
  std::string valid = R"({"$eq": {"value": 1}})", invalid = R"({"$bogus": {}})";
  std::string pointer = "/request/body";
  for (int i = 0; i < 200; ++i) {
    valid = R"({"$not": {"value": )" + valid + "}}";
    invalid = R"({"$not": {"value": )" + invalid + "}}";
    pointer += "/$not/value";
  }
  EXPECT_EQ(
      curl_request("POST", server.url() + "/__mock__/stubs", stub_with_body(valid), {"Content-Type: application/json"})
          .status,
      200);
  const auto refused = curl_request("POST", server.url() + "/__mock__/stubs", stub_with_body(invalid),
                                    {"Content-Type: application/json"});
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(Json::parse(refused.body)["path"], pointer + "/$bogus") << refused.body.substr(0, 500);
  EXPECT_EQ(server.stubs().size(), 1u);
}

TEST(HostileJson, ANumberNoDoubleHoldsIsANonMatchAndThePlainStubStillAnswers) {
  MockServer server;
  server.when_requested_with(Request{}.path("/n")).respond_with(200, "plain");
  server.when_requested_with(Request{}.path("/n").body(as_json(gt(0)))).respond_with(200, "json");
  const auto res = curl_request("POST", server.url() + "/n", "1e400", {"Content-Type: application/json"});
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "plain");
  EXPECT_FALSE(as_json(gt(0)).matches("1e400"));
  EXPECT_NE(as_json(gt(0)).evaluate("1e400").reason.find("not valid JSON"), std::string::npos);
}

TEST(HostileJson, AnEmptyOrHugeIndexInATemplateIsATemplateError) {
  MockServer server;
  server.when_requested_with(Request{}.path("/t")).respond_with_template(200, "{{ request.body[''] }}");
  server.when_requested_with(Request{}.path("/u"))
      .respond_with_template(200, "{{ request.body.99999999999999999999 }}");
  for (const char* path : {"/t", "/u"}) {
    const auto res = curl_request("POST", server.url() + path, "[1, 2]", {"Content-Type: application/json"});
    EXPECT_EQ(res.status, 500) << path;
    EXPECT_EQ(Json::parse(res.body)["error"], "TEMPLATE_RENDER_ERROR") << res.body;
  }
}

TEST(HostileJson, DocumentsBuiltTooDeepInCppAreRefusedNotDumped) {
  // Built in place: a copy of it would recurse 100,000 frames deep, in the test as anywhere.
  Json deep = Json::array();
  Json* innermost = &deep;
  for (int i = 0; i < 100000; ++i) {
    innermost->push_back(Json::array());
    innermost = &innermost->back();
  }
  MockServer server;
  EXPECT_THROW(server.when_requested_with(Request{}.path("/x")).respond_with_json(200, deep), DocumentError);
  ReplaySession session = server.start_session();
  Json replay_case = {{"version", "1"}, {"caseId", "deep"}, {"traces", Json::array()}, {"fixtures", Json::array()}};
  replay_case["fixtures"].push_back({{"name", "deep"}});
  replay_case["fixtures"][0]["value"] = std::move(deep);
  try {
    session.load_case(replay_case);
    FAIL() << "loaded";
  } catch (const CaseLoadError& e) {
    EXPECT_NE(e.problem().find("nested deeper than 512"), std::string::npos) << e.what();
  }
}

TEST(HostileSizes, ABodyOverTheLimitIsA413AndNothingIsKept) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  MockServer server(options);
  server.when_requested_with(Request{}.path("/up")).respond_with(200, "ok");
  EXPECT_EQ(curl_request("POST", server.url() + "/up", std::string(4096, 'x'), {"Content-Type: text/plain"}).status,
            413);
  EXPECT_EQ(curl_request("POST", server.url() + "/up", std::string(512, 'x'), {"Content-Type: text/plain"}).status,
            200);
  EXPECT_EQ(server.requests().size(), 1u) << "the refused body was not journaled";
}

TEST(HostileSizes, TooManyHeaderFieldsAreA431) {
  ServerOptions options;
  options.max_header_count = 20;
  MockServer server(options);
  server.when_requested_with(Request{}.path("/h")).respond_with(200, "ok");
  std::vector<std::string> headers;
  for (int i = 0; i < 50; ++i) headers.push_back("X-Filler-" + std::to_string(i) + ": y");
  const auto res = curl_request("GET", server.url() + "/h", "", headers);
  EXPECT_EQ(res.status, 431);
  EXPECT_NE(res.body.find("ServerOptions::max_header_count"), std::string::npos) << res.body;
  EXPECT_EQ(curl_request("GET", server.url() + "/h").status, 200);
}

TEST(HostileSizes, ListingsAndReportsShowALargeBodysHeadAndItsSize) {
  MockServer server;
  const std::string big(200000, 'b');
  const auto miss =
      curl_request("POST", server.url() + "/nothing-here", big, {"Content-Type: application/octet-stream"});
  EXPECT_EQ(miss.status, 404);
  EXPECT_LT(miss.body.size(), 100000u) << "the 404 report does not embed the whole body";
  const Json listed = server.requests().at(0).to_json();
  EXPECT_EQ(listed["body_truncated"], true);
  EXPECT_EQ(listed["body_size"], 200000);
  EXPECT_EQ(listed["body"].get<std::string>().size(), RecordedRequest::kBodyShownInListings);
  EXPECT_EQ(server.requests().at(0).body.size(), 200000u) << "the journal itself keeps the body for criteria";
}

TEST(HostileSizes, TheJournalKeepsItsByteBoundDroppingTheOldest) {
  ServerOptions options;
  options.journal_max_bytes = 10000;
  MockServer server(options);
  for (int i = 0; i < 5; ++i) {
    curl_request("POST", server.url() + "/j" + std::to_string(i), std::string(4000, 'j'), {"Content-Type: text/plain"});
  }
  const auto journal = server.requests();
  ASSERT_EQ(journal.size(), 2u);
  EXPECT_EQ(journal.back().path, "/j4");
  EXPECT_EQ(server.dropped_requests(), 3u);
}

TEST(HostileHttp, ARangeHeaderDoesNotCutAStubsAnswer) {
  MockServer server;
  server.when_requested_with(Request{}.path("/r")).respond_with(200, "0123456789");
  const auto one = curl_request("GET", server.url() + "/r", "", {"Range: bytes=1-1"});
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.body, "0123456789");
  std::string many = "Range: bytes=0-0";
  for (int i = 1; i < 2000; ++i) many += "," + std::to_string(i % 10) + "-" + std::to_string(i % 10);
  const auto multi = curl_request("GET", server.url() + "/r", "", {many});
  EXPECT_EQ(multi.status, 200);
  EXPECT_EQ(multi.body, "0123456789");
}

TEST(HostileHttp, TwoDifferentContentLengthsAreA400) {
  MockServer server;
  server.when_requested_with(Request{}.path("/c")).respond_with(200, "ok");
  const auto answer =
      raw_exchange(server.port(), "POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\nabcde");
  EXPECT_EQ(first_status(answer), 400) << answer;
  EXPECT_NE(answer.find("two different Content-Length headers"), std::string::npos) << answer;
  EXPECT_TRUE(server.requests().empty()) << "nothing reached the stubs";
}

TEST(HostileHttp, ANonNumericContentLengthIsA400) {
  MockServer server;
  server.when_requested_with(Request{}.path("/c")).respond_with(200, "ok");
  const auto answer =
      raw_exchange(server.port(), "POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n0123456789");
  EXPECT_EQ(first_status(answer), 400) << answer;
  EXPECT_NE(answer.find("is not a number"), std::string::npos) << answer;
  EXPECT_TRUE(server.requests().empty());
}

TEST(HostileHttp, APostPutOrPatchWithoutContentLengthHasAnEmptyBody) {
  // `curl -X POST url` sends no Content-Length; RFC 9112 says the body is empty.
  ServerOptions options;
  options.control_surfaces = all_control_surfaces();
  MockServer server(options);
  server.when_requested_with(Request{}.path("/ping")).respond_with(200, "pong");
  for (const std::string method : {"POST", "PUT", "PATCH"}) {
    const auto answer =
        raw_exchange(server.port(), method + " /ping HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(first_status(answer), 200) << method << ": " << answer;
    EXPECT_NE(answer.find("pong"), std::string::npos) << answer;
  }
  ASSERT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(server.requests().back().method, "PATCH");
  EXPECT_EQ(server.requests().back().body, "");
  // The control API's body-less calls: /__mock__/reset clears the journal.
  const auto reset =
      raw_exchange(server.port(), "POST /__mock__/reset HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(first_status(reset), 200) << reset;
  EXPECT_TRUE(server.requests().empty());
}

// An unknown operator or argument is named in part: a megabyte key is not repeated whole in the
// problem (the JSON Pointer, which must lead to it, still holds it).
TEST(HostileJson, AHugeUnknownOperatorOrArgumentIsQuotedInPart) {
  const std::string huge(1024 * 1024, 'k');
  const auto problem_of = [](const Json& document) {
    try {
      (void)Criteria::from_json(document);
    } catch (const CriteriaError& e) {
      return e.problem();
    }
    return std::string("(accepted)");
  };
  const std::string unknown_operator = problem_of(Json{{"$" + huge, 1}});
  EXPECT_LT(unknown_operator.size(), 2048u);
  EXPECT_NE(unknown_operator.find("unknown criteria operator \"$kkk"), std::string::npos)
      << unknown_operator.substr(0, 300);
  const std::string unknown_argument = problem_of(Json{{"$regex", {{"pattern", "a"}, {huge, 1}}}});
  EXPECT_LT(unknown_argument.size(), 2048u);
  EXPECT_NE(unknown_argument.find("$regex has no argument \"kkk"), std::string::npos)
      << unknown_argument.substr(0, 300);
}

// Issue 25, point 2: cpp-httplib 0.11 reads a PRI request's body whole before finding no route
// for it, chunked or inflating, with no bound; it is refused before a byte of its body is read.
TEST(HostileSizes, APriRequestsChunkedBodyIsNotReadAndIsA405) {
  ServerOptions options;
  options.max_body_bytes = 1u << 20;
  MockServer server(options);
  std::string chunks;
  const std::string chunk = "10000\r\n" + std::string(0x10000, 'p') + "\r\n";
  for (int i = 0; i < 64; ++i) chunks += chunk;  // 4 MiB, four times the limit
  const std::string answer = raw_exchange(
      server.port(), "PRI /x HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + "0\r\n\r\n");
  EXPECT_EQ(first_status(answer), 405) << answer.substr(0, 300);
  EXPECT_NE(answer.find("METHOD_NOT_ALLOWED"), std::string::npos) << answer.substr(0, 300);
  EXPECT_TRUE(server.requests().empty());
  EXPECT_EQ(curl_request("GET", server.url() + "/still").status, 404) << "and the server serves on";
}

}  // namespace hostile
