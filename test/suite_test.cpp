// Softprobe suites in C++: the suite file's reading and merging, ${VAR}s, the JSONPath ignore
// list and the body comparison, and run_suite against a small application over real sockets.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <mockhttp/mockhttp.hpp>
#include <mockhttp/suite.hpp>
#include <mockhttp/suite_gtest.hpp>
#include <gtest/gtest-spi.h>

#include "suite/body_comparison.hpp"
#include "suite/env_expansion.hpp"
#include "suite/json_path.hpp"

using namespace mockhttp;
using Json = nlohmann::json;

namespace suite_tests {

// One folder per process: ctest runs each test as its own process, several at once, and two
// writing the same case file into one folder read each other's half-written bytes.
std::string suite_folder() {
  static const std::string folder = [] {
    const std::string path = ::testing::TempDir() + "mockhttp_suite_test_" + std::to_string(::getpid());
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
  return {{"key", key},
          {"value",
           value.is_number() ? Json{{"intValue", std::to_string(value.get<int>())}} : Json{{"stringValue", value}}}};
}

Json span_of(const std::string& direction, const std::string& host, const std::string& path, int status,
             const std::string& body) {
  return {
      {"traceId", "4bf92f3577b34da6a3ce929d0e0e4736"},
      {"spanId", direction == "inbound" ? "00f067aa0ba902b7" : "1a2b3c4d5e6f7081"},
      {"name", "GET " + path},
      {"attributes",
       Json::array({attribute("sp.traffic.direction", direction), attribute("sp.span.type", "extract"),
                    attribute("url.host", host), attribute("url.path", path), attribute("http.request.method", "GET"),
                    attribute("http.response.status_code", status), attribute("http.response.body", body)})}};
}

// A capture of GET /quote?sku=SKU answered {"sku", "price"}, the price from prices.example.test.
std::string write_quote_case(const std::string& case_id, int price) {
  const std::string answer = Json{{"sku", case_id}, {"price", price}}.dump();
  const Json document = {
      {"version", "1.0.0"},
      {"caseId", case_id},
      {"traces",
       Json::array(
           {{{"resourceSpans",
              Json::array(
                  {{{"scopeSpans",
                     Json::array({{{"spans", Json::array({span_of("inbound", "shop.test", "/quote", 200, answer),
                                                          span_of("outbound", "prices.example.test", "/v1/price", 200,
                                                                  Json{{"price", price}}.dump())})}}})}}})}}})}};
  return write_text("cases/" + case_id + ".case.json", document.dump(2));
}

// The URL of a loopback port nothing listens on: bound, then closed (not a fixed port someone may use).
std::string url_nobody_listens_on() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
}

// A cpp-httplib application on an ephemeral port, served on a thread of its own until it ends.
class LocalApp {
 public:
  LocalApp() = default;
  LocalApp(const LocalApp&) = delete;
  LocalApp& operator=(const LocalApp&) = delete;
  ~LocalApp() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 protected:
  // Called by the derived constructor once its routes are set.
  void serve() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  httplib::Server server_;

 private:
  int port_ = 0;
  std::thread thread_;
};

// The application: GET /quote asks the price service through its proxy, passing the session on.
class QuoteApp : public LocalApp {
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
      response.set_content(
          Json{{"sku", request.get_param_value("sku")}, {"price", Json::parse(price->body)["price"]}}.dump(),
          "application/json");
    });
    serve();
  }
};

std::string quote_suite(const std::string& name, const std::string& cases_yaml) {
  return write_text(name + ".suite.yaml",
                    "name: " + name + "\ncases:\n" + cases_yaml +
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
  Json body = {{"id", 7},
               {"a b", 1},
               {"items", {{{"id", 1}, {"n", "x"}}, {{"id", 2}, {"n", "y"}}}},
               {"meta", {{"ts", 5}, {"deep", {{"ts", 6}}}}}};
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
  const Json expanded =
      detail::expand_variables({{"url", "https://${HOST}/x"}, {"d", "${PORT:-8080}"}, {"lit", "$${HOST}"}}, env);
  EXPECT_EQ(expanded, (Json{{"url", "https://api.test/x"}, {"d", "8080"}, {"lit", "${HOST}"}}));
  try {
    (void)detail::expand_variables({{"list", {"ok", "${TOKEN}"}}}, env);
    FAIL() << "an unset variable was expanded";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(says(e.what(), "/list/1: ${TOKEN} is not set")) << e.what();
  }
  const std::string file = write_text("vars.env", "# comment\nexport A=1\nB = \"two words\"\nC=x # note\n\nD='q'\n");
  EXPECT_EQ(detail::read_env_file(file),
            (std::map<std::string, std::string>{{"A", "1"}, {"B", "two words"}, {"C", "x"}, {"D", "q"}}));
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
  EXPECT_TRUE(says(load("a.suite.yaml", "name: a\ncases: cases/mistakes.case.json\nextra: 1\n"),
                   "a.suite.yaml#/extra: line 3: unknown key"));
  EXPECT_TRUE(
      says(load("b.suite.yaml", "cases:\n  - path: cases/mistakes.case.json\n  - path: cases/mistakes.case.json\n"),
           "two cases are named \"mistakes\""));
  EXPECT_TRUE(says(load("c.suite.yaml", "cases: cases/none-*.case.json\n"), "matches no file"));
  EXPECT_TRUE(
      says(load("d.suite.yaml",
                "cases: cases/mistakes.case.json\ndefaults:\n  mocks:\n    - {name: m, match: {}, source: inline}\n"),
           "#/defaults/mocks/0: line 4: an inline mock needs a response"));
  EXPECT_TRUE(says(load("e.suite.yaml", "cases: cases/mistakes.case.json\ndefaults:\n  assertions: {status: 42}\n"),
                   "must be an HTTP status (100-599) or \"case\""));
  EXPECT_TRUE(says(
      load("f.suite.yaml", "cases: cases/mistakes.case.json\ndefaults:\n  assertions: {body: {ignore: [\"id\"]}}\n"),
      "is not a JSONPath this reads"));
  EXPECT_TRUE(says(load("g.suite.yaml", "cases:\n  - path: cases/missing.case.json\n"), "the case cannot be used"));
  EXPECT_TRUE(
      says(load("h.suite.yaml", "cases: cases/mistakes.case.json\ndefaults:\n  request: {headers: {x: \"${NOPE}\"}}\n"),
           "h.suite.yaml: line 3: ${NOPE} is not set"));
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
  const std::string path =
      write_text("strict.suite.yaml",
                 "cases: cases/strict.case.json\ndefaults:\n  assertions: {body: {ignore: [\"$.sku\"]}}\n"
                 "policy: {externalHttp: strict}\n");
  const Suite suite = Suite::load(path, {});
  SuiteRun run;
  run.app_url = app.url();
  const CaseResult unmocked = run_case(suite, suite.cases()[0], proxy, run);
  EXPECT_EQ(unmocked.outcome, CaseResult::Outcome::failed);
  EXPECT_EQ(unmocked.status, 502) << "the app's price call was refused by the strict session";
  EXPECT_TRUE(says(unmocked.describe(), "status: expected 200, got 502")) << unmocked.describe();

  run.app_url = url_nobody_listens_on();
  const CaseResult unreachable = run_case(suite, suite.cases()[0], proxy, run);
  EXPECT_EQ(unreachable.outcome, CaseResult::Outcome::error);
  EXPECT_TRUE(says(unreachable.describe(), "did not answer GET /quote")) << unreachable.describe();
  EXPECT_TRUE(says(unreachable.describe(), "could not connect (connection refused")) << unreachable.describe();
  EXPECT_EQ(unreachable.to_json()["outcome"], "error");
}

// An application whose answer is fixed: 201, JSON with a charset, a field with personal data.
class FixedAnswerApp : public LocalApp {
 public:
  FixedAnswerApp() {
    server_.Get("/quote", [](const httplib::Request&, httplib::Response& response) {
      response.status = 201;
      response.set_header("x-request-id", "req-12345");
      response.set_content(R"({"sku":"fixed","price":7,"email":"real.person@example.com"})",
                           "application/json; charset=utf-8");
    });
    serve();
  }
};

// The case FixedAnswerApp is checked against: captured 200 {"sku":"fixed","price":7,"email":...}.
void write_fixed_case() {
  const std::string answer = R"({"sku":"fixed","price":7,"email":"captured@example.com"})";
  const Json document = {
      {"version", "1.0.0"},
      {"caseId", "fixed"},
      {"traces",
       Json::array({{{"resourceSpans",
                      Json::array({{{"scopeSpans",
                                     Json::array({{{"spans", Json::array({span_of("inbound", "shop.test", "/quote", 200,
                                                                                  answer)})}}})}}})}}})}};
  write_text("cases/fixed.case.json", document.dump(2));
}

CaseResult run_fixed(const std::string& name, const std::string& assertions_yaml, SuiteHooks hooks = {}) {
  write_fixed_case();
  MockServer proxy;
  FixedAnswerApp app;
  const Suite suite =
      Suite::load(write_text(name + ".suite.yaml",
                             "name: " + name + "\ncases: cases/fixed.case.json\nassertions:\n" + assertions_yaml),
                  {});
  SuiteRun run;
  run.app_url = app.url();
  run.hooks = std::move(hooks);
  return run_case(suite, suite.cases()[0], proxy, run);
}

TEST(SuiteFile, TopLevelRequestMocksAssertionsAreTheDefaultsAndVersionOneIsRead) {
  write_quote_case("toplevel", 1);
  const Suite suite = Suite::load(write_text("toplevel.suite.yaml", R"(name: toplevel
version: 1
cases: cases/toplevel.case.json
request: {transform: hook.one}
mocks:
  - {name: prices, match: {host: prices.example.test}}
assertions: {status: 200}
defaults:
  policy: {externalHttp: strict, externalAllowlist: [allowed.test]}
)"),
                                  {});
  ASSERT_EQ(suite.cases().size(), 1u);
  const SuiteCase& only = suite.cases()[0];
  EXPECT_EQ(only.request.transform, "hook.one");
  ASSERT_EQ(only.mocks.size(), 1u);
  EXPECT_EQ(only.mocks[0].name, "prices");
  EXPECT_EQ(only.assertions.status, 200);
  ASSERT_TRUE(only.policy);
  EXPECT_EQ((*only.policy)["externalHttp"], "strict");
  EXPECT_EQ((*only.policy)["allowHosts"], Json::array({"allowed.test"})) << only.policy->dump();

  const auto load = [](const std::string& name, const std::string& text) {
    return document_error_of([&] { (void)Suite::load(write_text(name, text), {}); });
  };
  EXPECT_TRUE(says(load("v2.suite.yaml", "version: 2\ncases: cases/toplevel.case.json\n"),
                   "v2.suite.yaml#/version: line 1: this reads suite version 1, the file says 2"));
  EXPECT_TRUE(says(load("twice.suite.yaml", "cases: cases/toplevel.case.json\nmocks: []\ndefaults: {mocks: []}\n"),
                   "twice.suite.yaml#/mocks: line 2: is given twice"));
  // The old place of the policy still works.
  const Suite old = Suite::load(
      write_text("oldpolicy.suite.yaml", "cases: cases/toplevel.case.json\npolicy: {externalHttp: strict}\n"), {});
  ASSERT_TRUE(old.cases()[0].policy);
}

TEST(SuiteFile, TheEnvBlockIsUnderTheEnvironmentAndTheEnvFile) {
  write_quote_case("envblock", 1);
  const std::string path = write_text("envblock.suite.yaml", R"(name: envblock
env:
  FROM_BLOCK: block
  OVERRIDDEN: block
cases: cases/envblock.case.json
request:
  headers: {x-a: "${FROM_BLOCK}", x-b: "${OVERRIDDEN}"}
)");
  const Suite suite = Suite::load(path, {{"OVERRIDDEN", "shell"}});
  const Headers expected = {{"x-a", "block"}, {"x-b", "shell"}};
  EXPECT_EQ(suite.cases()[0].request.headers, expected);
  EXPECT_EQ(suite.env().at("FROM_BLOCK"), "block") << "hooks see the block's values too";

  // The CLI's order: the environment over the env file, both over env:.
  const std::string env_file = write_text("envblock.env", "OVERRIDDEN=file\nFROM_BLOCK=file\n");
  ::setenv("OVERRIDDEN", "environment", 1);
  const Suite layered = Suite::load(path, Suite::process_environment(env_file));
  ::unsetenv("OVERRIDDEN");
  const Headers layered_expected = {{"x-a", "file"}, {"x-b", "environment"}};
  EXPECT_EQ(layered.cases()[0].request.headers, layered_expected);
}

TEST(SuiteFile, SkipLeavesACaseOutAndOnlyLeavesOutEveryOther) {
  MockServer proxy;
  QuoteApp app(proxy.port());
  write_quote_case("skip-a", 1);
  write_quote_case("skip-b", 2);
  write_quote_case("skip-c", 3);
  const Suite skipping = Suite::load(quote_suite("skipping",
                                                 "  - {path: cases/skip-a.case.json}\n"
                                                 "  - {path: cases/skip-b.case.json, skip: true}\n"),
                                     {});
  SuiteRun run;
  run.app_url = app.url();
  const auto results = run_suite(skipping, proxy, run);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_NE(results[0].outcome, CaseResult::Outcome::skipped);
  EXPECT_EQ(results[1].outcome, CaseResult::Outcome::skipped);
  EXPECT_TRUE(says(junit_xml(skipping, results), "<skipped message=\"not run: skip: true in the suite\"/>"));
  EXPECT_EQ(results[1].to_json()["outcome"], "skipped");

  const Suite only = Suite::load(quote_suite("only",
                                             "  - {path: cases/skip-a.case.json}\n"
                                             "  - {path: cases/skip-b.case.json, only: true}\n"
                                             "  - {path: cases/skip-c.case.json}\n"),
                                 {});
  ASSERT_EQ(only.cases().size(), 3u);
  EXPECT_TRUE(only.cases()[0].skip);
  EXPECT_FALSE(only.cases()[1].skip);
  EXPECT_TRUE(only.cases()[2].skip);
  const auto chosen = run_suite(only, proxy, run);
  EXPECT_EQ(chosen[0].outcome, CaseResult::Outcome::skipped);
  EXPECT_NE(chosen[1].outcome, CaseResult::Outcome::skipped);
  EXPECT_TRUE(says(chosen[2].describe(), "another case of the suite has only: true")) << chosen[2].describe();
  EXPECT_TRUE(says(document_error_of([] {
                     (void)Suite::load(quote_suite("badskip", "  - {path: cases/skip-a.case.json, skip: yes please}\n"),
                                       {});
                   }),
                   "/cases/0/skip: line 3: must be true or false"));
}

TEST(SuiteYaml, AnchorsAliasesAndMergeKeysExplicitKeysWin) {
  write_quote_case("merge-keys", 1);
  const Suite suite = Suite::load(write_text("mergekeys.suite.yaml", R"(name: merge-keys
x-base: &base {direction: outbound, host: base.test, method: GET}
x-path: &path {path: /v1/price, host: path.test}
cases: cases/merge-keys.case.json
mocks:
  - name: one
    match: {<<: *base, host: prices.example.test}
  - name: two
    match:
      <<: [*path, *base]
  - name: three
    match: *base
)"),
                                  {});
  const auto& mocks = suite.cases()[0].mocks;
  ASSERT_EQ(mocks.size(), 3u);
  EXPECT_EQ(mocks[0].match, (Json{{"direction", "outbound"}, {"host", "prices.example.test"}, {"method", "GET"}}))
      << "the explicit key wins";
  EXPECT_EQ(mocks[1].match,
            (Json{{"direction", "outbound"}, {"host", "path.test"}, {"method", "GET"}, {"path", "/v1/price"}}))
      << "the first mapping listed wins";
  EXPECT_EQ(mocks[2].match, mocks[0].match.is_object()
                                ? (Json{{"direction", "outbound"}, {"host", "base.test"}, {"method", "GET"}})
                                : Json());
  const std::string bad = document_error_of([] {
    (void)Suite::load(write_text("badmerge.suite.yaml",
                                 "x-scalar: &scalar just text\ncases: cases/merge-keys.case.json\n"
                                 "mocks:\n  - name: m\n    match:\n      <<: *scalar\n"),
                      {});
  });
  EXPECT_TRUE(says(bad, "badmerge.suite.yaml: line 6: a merge key (<<) takes a mapping or a list of mappings")) << bad;
}

TEST(SuiteYaml, AnAliasBombAndDeepNestingAreRefusedWithTheFileAndLine) {
  write_quote_case("bomb", 1);
  std::string bomb = "name: bomb\ncases: cases/bomb.case.json\nx-0: &l0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n";
  for (int level = 1; level <= 8; ++level) {
    const std::string previous = "*l" + std::to_string(level - 1);
    bomb += "x-" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int k = 0; k < 10; ++k) bomb += (k ? ", " : "") + previous;
    bomb += "]\n";
  }
  ASSERT_LT(bomb.size(), 1000u);
  const std::string refused = document_error_of([&] { (void)Suite::load(write_text("bomb.suite.yaml", bomb), {}); });
  EXPECT_TRUE(says(refused, "bomb.suite.yaml: line ")) << refused;
  EXPECT_TRUE(says(refused, "expands to more than 1000000 values")) << refused;

  const std::string deep =
      "name: deep\ncases: cases/bomb.case.json\nx-deep: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  const std::string too_deep = document_error_of([&] { (void)Suite::load(write_text("deep.suite.yaml", deep), {}); });
  EXPECT_TRUE(says(too_deep, "deep.suite.yaml: line 3: collections nested deeper than 256 levels")) << too_deep;
  const std::string deep_maps = "cases: cases/bomb.case.json\nx-deep: " + std::string(50000, '{') + "\n";
  EXPECT_TRUE(says(document_error_of([&] { (void)Suite::load(write_text("deepmaps.suite.yaml", deep_maps), {}); }),
                   "nested deeper than 256 levels"));
}

TEST(SuiteVariables, ExpandedInTheTextBeforeYamlSoFlowMappingsAndNumbersWorkAndLinesStayRight) {
  write_quote_case("textvars", 1);
  const std::string path = write_text("textvars.suite.yaml", R"(name: textvars
cases: cases/textvars.case.json
mocks:
  - {name: stripe, match: { hostSuffix: ${STRIPE_HOST:-stripe.com} }, response: {status: 200}}
assertions:
  status: ${EXPECTED_STATUS:-201}
)");
  const Suite suite = Suite::load(path, {});
  EXPECT_EQ(suite.cases()[0].mocks[0].match, (Json{{"hostSuffix", "stripe.com"}}));
  EXPECT_EQ(suite.cases()[0].assertions.status, 201);
  EXPECT_EQ(Suite::load(path, {{"EXPECTED_STATUS", "204"}}).cases()[0].assertions.status, 204);
  // A value with a line break does not move the lines reported below it.
  const std::string lines =
      write_text("varlines.suite.yaml", "name: \"${TWO_LINES}\"\ncases: cases/textvars.case.json\nbogus: 1\n");
  const std::string error = document_error_of([&] { (void)Suite::load(lines, {{"TWO_LINES", "a\nb"}}); });
  EXPECT_TRUE(says(error, "varlines.suite.yaml#/bogus: line 3: unknown key")) << error;
}

TEST(SuiteMocks, AResponseWithoutASourceIsInlineAndPriorityAndConsumeReachTheRule) {
  MockServer proxy;
  QuoteApp app(proxy.port());
  write_quote_case("prio", 5);
  const Suite suite = Suite::load(write_text("prio.suite.yaml", R"(name: prio
cases: cases/prio.case.json
mocks:
  - {name: cheap, match: {host: prices.example.test}, response: {status: 200, body: {price: 99}}, priority: 500, consume: once, latencyMs: 10}
  - {name: captured, match: {host: prices.example.test, path: /v1/price}}
  - {name: spare, match: {host: spare.test}, response: {status: 204}, consume: many}
assertions: {body: {ignore: ["$.sku"]}}
)"),
                                  {});
  const auto& mocks = suite.cases()[0].mocks;
  EXPECT_FALSE(mocks[0].from_case) << "a response without a source is inline";
  EXPECT_EQ(mocks[0].priority, 500);
  EXPECT_TRUE(mocks[0].consume_once);
  EXPECT_EQ(mocks[0].latency, std::chrono::milliseconds(10));
  EXPECT_TRUE(mocks[1].from_case);
  EXPECT_FALSE(mocks[2].consume_once);
  SuiteRun run;
  run.app_url = app.url();
  const CaseResult result = run_case(suite, suite.cases()[0], proxy, run);
  // The higher priority wins over the later mock: the app is quoted 99, not the captured 5.
  EXPECT_TRUE(says(result.describe(), "body $.price: expected 5, got 99")) << result.describe();
  EXPECT_TRUE(says(document_error_of([] {
                     (void)Suite::load(write_text("badconsume.suite.yaml",
                                                  "cases: cases/prio.case.json\nmocks:\n"
                                                  "  - {name: m, match: {}, response: {}, consume: twice}\n"),
                                       {});
                   }),
                   "badconsume.suite.yaml#/mocks/0/consume: line 3: must be \"once\" or \"many\""));
}

TEST(SuiteAssertions, StatusListsAndRangesRegexHeadersAndTheBodyModes) {
  // The app answers 201 with "application/json; charset=utf-8"; the case captured 200.
  EXPECT_TRUE(run_fixed("any-of",
                        "  status: [200, 201]\n  headers: {include: {content-type: ^application/json}}\n"
                        "  body: {ignore: [\"$.email\"]}\n")
                  .passed());
  EXPECT_TRUE(run_fixed("range", "  status: {min: 200, max: 299}\n  body: {mode: ignore}\n").passed());
  const CaseResult wrong =
      run_fixed("wrong",
                "  status: [200, 204]\n  headers: {include: {content-type: ^text/, x-request-id: '^req-\\d+$'}}\n"
                "  body: {mode: ignore}\n");
  EXPECT_TRUE(says(wrong.describe(), "status: expected one of 200, 204, got 201")) << wrong.describe();
  EXPECT_TRUE(says(wrong.describe(), "header content-type: expected ^text/, got application/json; charset=utf-8"))
      << wrong.describe();
  EXPECT_FALSE(says(wrong.describe(), "x-request-id")) << "the pattern matched";
  EXPECT_TRUE(says(run_fixed("out-of-range", "  status: {min: 200, max: 200}\n  body: {mode: ignore}\n").describe(),
                   "status: expected 200-200, got 201"));
  const CaseResult bytes =
      run_fixed("bytes", "  status: 201\n  body: {mode: string, expected: '{\"sku\":\"fixed\"}'}\n");
  EXPECT_TRUE(says(bytes.describe(), "body: expected {\"sku\":\"fixed\"}, got {\"sku\":\"fixed\",\"price\":7"))
      << bytes.describe();
  EXPECT_TRUE(run_fixed("same-bytes",
                        "  status: 201\n  body:\n    mode: string\n    expected: "
                        "'{\"sku\":\"fixed\",\"price\":7,\"email\":\"real.person@example.com\"}'\n")
                  .passed());
  EXPECT_TRUE(says(document_error_of([] {
                     (void)Suite::load(write_text("badre.suite.yaml",
                                                  "cases: cases/fixed.case.json\n"
                                                  "assertions: {headers: {include: {a: '(['}}}\n"),
                                       {});
                   }),
                   "badre.suite.yaml#/assertions/headers/include/a: line 2: not a regular expression (RE2)"));
}

TEST(SuiteAssertions, RedactionsScrubBothBodiesBeforeTheyAreComparedOrShown) {
  const CaseResult result = run_fixed("redacted",
                                      "  status: 201\n  body:\n    mode: exact\n"
                                      "    redactions: [{path: $.email, replacement: '<email>'}]\n");
  EXPECT_TRUE(result.passed()) << result.describe();
  EXPECT_FALSE(says(result.body, "real.person")) << result.body;
  EXPECT_TRUE(says(result.body, "<email>")) << result.body;
  const CaseResult unredacted = run_fixed("unredacted", "  status: 201\n  body: {mode: exact}\n");
  EXPECT_TRUE(says(unredacted.describe(), "body $.email")) << unredacted.describe();
}

TEST(SuiteAssertions, AHeadersHookGetsBothSidesWithoutTheIgnoredNames) {
  SuiteHooks hooks;
  Headers seen;
  hooks.headers_assert["check.ids"] = [&](const Headers& actual, const Headers& expected, const SuiteEnv&) {
    seen = actual;
    std::vector<BodyIssue> issues;
    for (const auto& header : actual) {
      if (header.first == "x-request-id") issues.push_back({"x-request-id", "(none)", header.second});
    }
    (void)expected;
    return issues;
  };
  const CaseResult custom = run_fixed(
      "hdrhook", "  status: 201\n  body: {mode: ignore}\n  headers: {custom: check.ids, ignore: [Content-Length]}\n",
      hooks);
  EXPECT_TRUE(says(custom.describe(), "hook check.ids x-request-id: expected (none), got req-12345"))
      << custom.describe();
  EXPECT_TRUE(std::none_of(seen.begin(), seen.end(),
                           [](const auto& h) { return h.first == "Content-Length" || h.first == "content-length"; }));
  const CaseResult dashed =
      run_fixed("hdrhook2", "  status: 201\n  body: {mode: ignore}\n  custom-headers: check.ids\n", hooks);
  EXPECT_EQ(dashed.outcome, CaseResult::Outcome::failed) << dashed.describe();
  const CaseResult missing = run_fixed("hdrhook3", "  status: 201\n  custom-headers: nobody\n");
  EXPECT_TRUE(says(missing.describe(), "no HeadersAssertHook named \"nobody\"")) << missing.describe();
}

TEST(SuiteGtest, ACaseTheSuiteSkipsIsASkippedGoogleTestSayingWhy) {
  write_quote_case("gskip", 1);
  const auto suite = std::make_shared<const Suite>(
      Suite::load(quote_suite("gskip", "  - {path: cases/gskip.case.json, skip: true}\n"), {}));
  MockServer proxy;
  suite_gtest_detail::SuiteCaseTest test(
      suite, 0, {}, {[&]() -> MockServer& { return proxy; }, [] { return url_nobody_listens_on(); }});
  ::testing::TestPartResultArray results;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    test.TestBody();
  }
  ASSERT_EQ(results.size(), 1);
  EXPECT_TRUE(results.GetTestPartResult(0).skipped()) << "not run, so no failure for the unreachable app";
  EXPECT_TRUE(says(results.GetTestPartResult(0).message(), "not run: skip: true in the suite"))
      << results.GetTestPartResult(0).message();
}

}  // namespace suite_tests

namespace suite_glob {

// A case glob does not follow directory links inside a wildcard step: a link back to its own
// folder (`loop -> .`) once made a glob walk for 500 s to 3.9 GB.
TEST(SuiteGlob, ADirectoryLinkLoopIsNotFollowed) {
  namespace fs = std::filesystem;
  const fs::path folder = fs::path(::testing::TempDir()) / "mockhttp_suite_glob";
  fs::remove_all(folder);
  fs::create_directories(folder / "cases" / "real");
  fs::copy_file(std::string(MOCKHTTP_TEST_DATA_DIR) + "/cases/refund-issued.case.json",
                folder / "cases" / "real" / "a.case.json");
  fs::create_directory_symlink(".", folder / "cases" / "loop");
  std::ofstream(folder / "deep.suite.yaml") << "name: deep\ncases: \"cases/*/*/*/*/*/*/*.case.json\"\n";
  const std::string error =
      suite_tests::document_error_of([&] { (void)Suite::load((folder / "deep.suite.yaml").string(), {}); });
  EXPECT_TRUE(suite_tests::says(error, "matches no file")) << "only links lead that deep: " << error;
  std::ofstream(folder / "one.suite.yaml") << "name: one\ncases: \"cases/*/*.case.json\"\n";
  const Suite one = Suite::load((folder / "one.suite.yaml").string(), {});
  ASSERT_EQ(one.cases().size(), 1u) << "cases/real/a.case.json, and not cases/loop/a.case.json";
  fs::remove_all(folder);
}

}  // namespace suite_glob
