// Softprobe suites in C++: the suite file's reading and merging, ${VAR}s, the JSONPath ignore
// list and the body comparison, and run_suite against a small application over real sockets.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <mockhttp/mockhttp.hpp>
#include <mockhttp/suite.hpp>

#include "suite/body_comparison.hpp"
#include "suite/env_expansion.hpp"
#include "suite/json_path.hpp"

using namespace mockhttp;
using Json = nlohmann::json;

namespace {

std::string suite_folder() {
  static const std::string folder = [] {
    const std::string path = ::testing::TempDir() + "mockhttp_suite_test";
    std::filesystem::create_directories(path + "/cases");
    return path;
  }();
  return folder;
}

std::string write_text(const std::string& name, const std::string& text) {
  const std::string path = suite_folder() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

Json attribute(const std::string& key, const Json& value) {
  return {{"key", key}, {"value", value.is_number() ? Json{{"intValue", std::to_string(value.get<int>())}} : Json{{"stringValue", value}}}};
}

Json span_of(const std::string& direction, const std::string& host, const std::string& path, int status, const std::string& body) {
  return {{"traceId", "4bf92f3577b34da6a3ce929d0e0e4736"},
          {"spanId", direction == "inbound" ? "00f067aa0ba902b7" : "1a2b3c4d5e6f7081"},
          {"name", "GET " + path},
          {"attributes", Json::array({attribute("sp.traffic.direction", direction), attribute("sp.span.type", "extract"),
                                      attribute("url.host", host), attribute("url.path", path),
                                      attribute("http.request.method", "GET"), attribute("http.response.status_code", status),
                                      attribute("http.response.body", body)})}};
}

// A capture of GET /quote?sku=SKU answered {"sku", "price"}, the price from prices.example.test.
std::string write_quote_case(const std::string& case_id, int price) {
  const std::string answer = Json{{"sku", case_id}, {"price", price}}.dump();
  const Json document = {
      {"version", "1.0.0"},
      {"caseId", case_id},
      {"traces", Json::array({{{"resourceSpans",
                                Json::array({{{"scopeSpans",
                                               Json::array({{{"spans", Json::array({span_of("inbound", "shop.test", "/quote", 200, answer),
                                                                                    span_of("outbound", "prices.example.test",
                                                                                            "/v1/price", 200,
                                                                                            Json{{"price", price}}.dump())})}}})}}})}}})}};
  return write_text("cases/" + case_id + ".case.json", document.dump(2));
}

// The application: GET /quote asks the price service through its proxy, passing the session on.
class QuoteApp {
 public:
  explicit QuoteApp(int proxy_port) {
    server_.Get("/quote", [proxy_port](const httplib::Request& request, httplib::Response& response) {
      httplib::Client prices("http://prices.example.test");
      prices.set_proxy("127.0.0.1", proxy_port);
      httplib::Headers headers;
      if (request.has_header("x-softprobe-session-id")) {
        headers.emplace("x-softprobe-session-id", request.get_header_value("x-softprobe-session-id"));
      }
      const auto price = prices.Get("/v1/price", headers);
      if (!price || price->status != 200) {
        response.status = 502;
        response.set_content(Json{{"error", price ? price->body : "no answer"}}.dump(), "application/json");
        return;
      }
      response.set_content(Json{{"sku", request.get_param_value("sku")}, {"price", Json::parse(price->body)["price"]}}.dump(),
                           "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~QuoteApp() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

std::string quote_suite(const std::string& name, const std::string& cases_yaml) {
  return write_text(name + ".suite.yaml", "name: " + name + "\ncases:\n" + cases_yaml +
                                              "defaults:\n"
                                              "  mocks:\n"
                                              "    - {name: prices, match: {host: prices.example.test, path: /v1/price}}\n"
                                              "policy: {externalHttp: strict}\n");
}

template <typename Call>
std::string document_error_of(Call call) {
  try {
    call();
  } catch (const DocumentError& e) {
    return e.what();
  }
  return "(no DocumentError)";
}

bool says(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(SuiteJsonPath, IgnorePathsRemoveWhatTheyName) {
  Json body = {{"id", 7}, {"a b", 1}, {"items", {{{"id", 1}, {"n", "x"}}, {{"id", 2}, {"n", "y"}}}}, {"meta", {{"ts", 5}, {"deep", {{"ts", 6}}}}}};
  for (const char* path : {"$.id", "$['a b']", "$.items[*].id", "$..ts", "$.items[1].n"}) {
    detail::remove_selected(body, detail::parse_json_path(path));
  }
  EXPECT_EQ(body, (Json{{"items", {{{"n", "x"}}, Json::object()}}, {"meta", {{"deep", Json::object()}}}}));
  for (const char* bad : {"id", "$.", "$[x]", "$.a[", "$!"}) {
    try {
      (void)detail::parse_json_path(bad);
      ADD_FAILURE() << bad << " was read";
    } catch (const std::runtime_error& e) {
      EXPECT_TRUE(says(e.what(), "is not a JSONPath this reads")) << e.what();
    }
  }
}

TEST(SuiteBodies, JsonSubsetAllowsMoreKeysExactDoesNotAndEachIssueHasItsPath) {
  const Json expected = {{"order", "o1"}, {"lines", {{{"sku", "a"}, {"qty", 2}}}}};
  const Json actual = {{"order", "o1"}, {"lines", {{{"sku", "a"}, {"qty", 3}, {"note", "x"}}}}, {"extra", true}};
  auto subset = detail::compare_bodies(expected, actual, false, {});
  ASSERT_EQ(subset.size(), 1u);
  EXPECT_EQ(subset[0].path, "$.lines[0].qty");
  EXPECT_EQ(subset[0].expected, "2");
  EXPECT_EQ(subset[0].actual, "3");
  EXPECT_TRUE(detail::compare_bodies(expected, actual, false, {"$.lines[*].qty"}).empty());
  const auto exact = detail::compare_bodies(expected, actual, true, {"$.lines[*].qty"});
  ASSERT_EQ(exact.size(), 2u);
  EXPECT_EQ(exact[0].path, "$.lines[0].note");
  EXPECT_EQ(exact[0].expected, "(absent)");
  EXPECT_EQ(exact[1].path, "$.extra");
  const auto missing = detail::compare_bodies({{"total", 5}}, Json::object(), false, {});
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].actual, "(absent)");
  const auto lengths = detail::compare_bodies(Json::array({1, 2}), Json::array({1}), false, {});
  ASSERT_EQ(lengths.size(), 1u);
  EXPECT_TRUE(says(lengths[0].expected, "(2 items)")) << lengths[0].expected;
  EXPECT_EQ(detail::body_as_json("not json"), Json("not json"));
  EXPECT_TRUE(detail::compare_bodies(detail::body_as_json("ok"), detail::body_as_json("ok"), true, {}).empty());
}

TEST(SuiteVariables, ExpandDefaultsEscapesAndNameTheMissingOne) {
  const std::map<std::string, std::string> env = {{"HOST", "api.test"}};
  const Json expanded = detail::expand_variables({{"url", "https://${HOST}/x"}, {"d", "${PORT:-8080}"}, {"lit", "$${HOST}"}}, env);
  EXPECT_EQ(expanded, (Json{{"url", "https://api.test/x"}, {"d", "8080"}, {"lit", "${HOST}"}}));
  try {
    (void)detail::expand_variables({{"list", {"ok", "${TOKEN}"}}}, env);
    FAIL() << "an unset variable was expanded";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(says(e.what(), "/list/1: ${TOKEN} is not set")) << e.what();
  }
  const std::string file = write_text("vars.env", "# comment\nexport A=1\nB = \"two words\"\nC=x # note\n\nD='q'\n");
  EXPECT_EQ(detail::read_env_file(file), (std::map<std::string, std::string>{{"A", "1"}, {"B", "two words"}, {"C", "x"}, {"D", "q"}}));
  const std::string bad = write_text("bad.env", "A=1\nnot a line\n");
  try {
    (void)detail::read_env_file(bad);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(says(e.what(), "bad.env line 2: not NAME=value")) << e.what();
  }
}

TEST(SuiteFile, OverridesMergeMocksByNameAndReplaceTheRestWhole) {
  write_quote_case("merge", 1);
  const std::string path = write_text("merge.suite.yaml", R"(name: merging
cases:
  - path: cases/merge.case.json
    name: as-default
  - path: cases/merge.case.json
    name: overridden
    overrides:
      request: {headers: {x-case: two}}
      mocks:
        - {name: prices, match: {host: prices.example.test}, source: inline, response: {status: 503, body: {down: true}}}
        - {name: extra, match: {host: other.test}, source: inline, response: {status: 200}}
      assertions: {status: 503, body: {mode: none}}
defaults:
  request: {transform: hook.one, headers: {x-case: one}}
  mocks:
    - {name: prices, match: {host: prices.example.test}}
    - {name: tax, match: {host: tax.test}, hook: hook.tax}
  assertions: {headers: {include: {content-type: application/json}}, body: {ignore: ["$.id"]}}
)");
  const Suite suite = Suite::load(path, {});
  ASSERT_EQ(suite.cases().size(), 2u);
  const SuiteCase& plain = suite.cases()[0];
  EXPECT_EQ(plain.name, "as-default");
  EXPECT_EQ(plain.request.transform, "hook.one");
  ASSERT_EQ(plain.mocks.size(), 2u);
  EXPECT_TRUE(plain.mocks[0].from_case);
  EXPECT_FALSE(plain.assertions.status);
  EXPECT_EQ(plain.assertions.ignore, std::vector<std::string>{"$.id"});
  const SuiteCase& changed = suite.cases()[1];
  EXPECT_EQ(changed.request.transform, "") << "request replaces the default's whole";
  ASSERT_EQ(changed.mocks.size(), 3u);
  EXPECT_EQ(changed.mocks[0].name, "prices") << "same name: replaced in place";
  EXPECT_FALSE(changed.mocks[0].from_case);
  EXPECT_EQ(changed.mocks[0].response.status, 503);
  EXPECT_EQ(changed.mocks[0].response.body, R"({"down":true})");
  EXPECT_EQ(changed.mocks[1].name, "tax");
  EXPECT_EQ(changed.mocks[2].name, "extra") << "a new name is appended";
  EXPECT_EQ(changed.assertions.status, 503);
  EXPECT_EQ(changed.assertions.body_mode, SuiteAssertions::BodyMode::none);
  EXPECT_TRUE(changed.assertions.headers_include.empty()) << "assertions replace the default's whole";
}

TEST(SuiteFile, MistakesNameTheFileTheLineAndTheField) {
  write_quote_case("mistakes", 1);
  const auto load = [](const std::string& name, const std::string& text) {
    return document_error_of([&] { (void)Suite::load(write_text(name, text), {}); });
  };
  EXPECT_TRUE(says(load("a.suite.yaml", "name: a\ncases: cases/mistakes.case.json\nextra: 1\n"), "a.suite.yaml#/extra: line 3: unknown key"));
  EXPECT_TRUE(says(load("b.suite.yaml", "cases:\n  - path: cases/mistakes.case.json\n  - path: cases/mistakes.case.json\n"),
                   "two cases are named \"mistakes\""));
  EXPECT_TRUE(says(load("c.suite.yaml", "cases: cases/none-*.case.json\n"), "matches no file"));
  EXPECT_TRUE(says(load("d.suite.yaml", "cases: cases/mistakes.case.json\ndefaults:\n  mocks:\n    - {name: m, match: {}, source: inline}\n"),
                   "#/defaults/mocks/0: line 4: an inline mock needs a response"));
  EXPECT_TRUE(says(load("e.suite.yaml", "cases: cases/mistakes.case.json\ndefaults:\n  assertions: {status: 42}\n"),
                   "must be an HTTP status (100-599) or \"case\""));
  EXPECT_TRUE(says(load("f.suite.yaml", "cases: cases/mistakes.case.json\ndefaults:\n  assertions: {body: {ignore: [\"id\"]}}\n"),
                   "is not a JSONPath this reads"));
  EXPECT_TRUE(says(load("g.suite.yaml", "cases:\n  - path: cases/missing.case.json\n"), "the case cannot be used"));
  EXPECT_TRUE(says(load("h.suite.yaml", "cases: cases/mistakes.case.json\ndefaults:\n  request: {headers: {x: \"${NOPE}\"}}\n"),
                   "h.suite.yaml#/defaults/request/headers/x: line 3: ${NOPE} is not set"));
  EXPECT_TRUE(says(load("i.suite.yaml", "name: [\n"), "i.suite.yaml"));
}

TEST(SuiteRunner, CasesRunInParallelInTheSuitesOrderAndFailuresSayWhatDiffered) {
  MockServer proxy;
  QuoteApp app(proxy.port());
  std::string cases;
  for (int i = 0; i < 12; ++i) {
    const std::string id = "quote-" + std::to_string(i);
    write_quote_case(id, 10 + i);
    cases += "  - path: cases/" + id + ".case.json\n";
  }
  // The request carries the captured query: the app echoes the sku it was asked for.
  const std::string path = quote_suite("quotes", cases);
  const Suite suite = Suite::load(path, {});
  SuiteRun run;
  run.app_url = app.url();
  std::atomic<int> reported{0};
  SuiteRunOptions options;
  options.parallel = 4;
  options.on_case_done = [&](const CaseResult&, std::size_t done, std::size_t total) {
    EXPECT_EQ(total, 12u);
    EXPECT_LE(done, 12u);
    ++reported;
  };
  const auto results = run_suite(suite, proxy, run, options);
  ASSERT_EQ(results.size(), 12u);
  EXPECT_EQ(reported.load(), 12);
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(results[i].name, "quote-" + std::to_string(i));
    // The captured ingress had no query, so the app echoes an empty sku: a difference at $.sku.
    EXPECT_EQ(results[i].outcome, CaseResult::Outcome::failed) << results[i].describe();
    EXPECT_EQ(results[i].describe(), "body $.sku: expected \"quote-" + std::to_string(i) + "\", got \"\"\n");
    EXPECT_EQ(results[i].status, 200);
  }

  options.on_case_done = nullptr;
  options.filter = "quote-1";
  options.parallel = 1;
  options.fail_fast = true;
  const auto fast = run_suite(suite, proxy, run, options);
  ASSERT_EQ(fast.size(), 3u) << "quote-1, quote-10, quote-11";
  EXPECT_EQ(fast[0].outcome, CaseResult::Outcome::failed);
  EXPECT_EQ(fast[1].outcome, CaseResult::Outcome::skipped);
  EXPECT_EQ(fast[2].outcome, CaseResult::Outcome::skipped);
  const std::string xml = junit_xml(suite, fast);
  EXPECT_TRUE(says(xml, "tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"2\"")) << xml;
  EXPECT_TRUE(says(xml, "message=\"body $.sku: expected &quot;quote-1&quot;, got &quot;&quot;\"")) << xml;
  const std::string lines = json_lines(fast);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 3);
}

TEST(SuiteRunner, AStrictPolicyMakesAnUnmockedCallAnErrorOfTheCaseAndAnUnreachableAppToo) {
  MockServer proxy;
  QuoteApp app(proxy.port());
  write_quote_case("strict", 5);
  const std::string path = write_text("strict.suite.yaml",
                                      "cases: cases/strict.case.json\ndefaults:\n  assertions: {body: {ignore: [\"$.sku\"]}}\n"
                                      "policy: {externalHttp: strict}\n");
  const Suite suite = Suite::load(path, {});
  SuiteRun run;
  run.app_url = app.url();
  const CaseResult unmocked = run_case(suite, suite.cases()[0], proxy, run);
  EXPECT_EQ(unmocked.outcome, CaseResult::Outcome::failed);
  EXPECT_EQ(unmocked.status, 502) << "the app's price call was refused by the strict session";
  EXPECT_TRUE(says(unmocked.describe(), "status: expected 200, got 502")) << unmocked.describe();

  run.app_url = "http://127.0.0.1:1";
  const CaseResult unreachable = run_case(suite, suite.cases()[0], proxy, run);
  EXPECT_EQ(unreachable.outcome, CaseResult::Outcome::error);
  EXPECT_TRUE(says(unreachable.describe(), "did not answer GET /quote")) << unreachable.describe();
  EXPECT_EQ(unreachable.to_json()["outcome"], "error");
}

}  // namespace
