#pragma once
// Softprobe suites (docs/suites.md): a *.suite.yaml names many captured cases and says, once, how
// each is replayed against the application — the ingress request, the mocks of its outbound
// calls, the assertions on its answer. Every case runs in a replay session of its own on a
// MockServer the application uses as its HTTP(S) proxy: the same sessions, rules and engine as
// ReplaySession in a hand-written test.
//
//   const Suite suite = Suite::load("suites/checkout.suite.yaml");      // DocumentError names file:line
//   SuiteRun run;
//   run.app_url = "http://127.0.0.1:8080";
//   run.hooks.mock_response["checkout.unmaskCard"] = [](CapturedResponse r, const SuiteEnv&) { ...; return r; };
//   const CaseResult result = run_case(suite, suite.cases()[0], server, run);
//
// GoogleTest: mockhttp/suite_gtest.hpp registers one test per case. The executable: `mockhttp
// suite run` (parallel cases, JUnit XML, an HTML report, JSON lines).
//
// Thread safety: Suite and CaseResult are values; run_case may be called from many threads at
// once with one Suite and one MockServer (each case has its own session). Hooks are called on
// the thread that runs the case: with run_suite's parallel > 1 they must be thread-safe.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <mockhttp/errors.hpp>
#include <mockhttp/replay_case.hpp>
#include <mockhttp/response.hpp>

namespace mockhttp {

class MockServer;

// ${VAR} values: the process environment, plus an --env-file's (the environment wins), plus the
// suite's own env: block under both.
using SuiteEnv = std::map<std::string, std::string>;

// The ingress request a case sends to the application, as a RequestHook may rewrite it.
struct SuiteRequest {
  std::string method;
  std::string target;  // path and query: "/checkout?cart=7"
  Headers headers;
  std::string body;
};

// One difference a body assertion found, at a JSONPath ("$.items[1].price").
struct BodyIssue {
  std::string path;
  std::string expected;  // JSON text, or "(absent)"
  std::string actual;
};

// Hooks, called by the name the suite gives them.
using RequestHook = std::function<void(SuiteRequest& request, const SuiteEnv& env)>;
using MockResponseHook = std::function<CapturedResponse(CapturedResponse captured, const SuiteEnv& env)>;
// `actual` and `expected` are the bodies parsed as JSON (a string when one is not JSON);
// an empty list passes.
using BodyAssertHook = std::function<std::vector<BodyIssue>(const nlohmann::json& actual,
                                                            const nlohmann::json& expected, const SuiteEnv& env)>;
// `actual` is the application's answer's headers, `expected` the captured answer's, both without
// the names headers.ignore lists; each issue's path is the header's name. An empty list passes.
using HeadersAssertHook =
    std::function<std::vector<BodyIssue>(const Headers& actual, const Headers& expected, const SuiteEnv& env)>;

struct SuiteHooks {
  std::map<std::string, RequestHook> request;
  std::map<std::string, MockResponseHook> mock_response;
  std::map<std::string, BodyAssertHook> body_assert;
  std::map<std::string, HeadersAssertHook> headers_assert;
};

// A mock of defaults.mocks / overrides.mocks: the case's captured response to `match`
// (source: case), or `response` (source: inline, or a response without a source), optionally
// through a MockResponseHook.
struct SuiteMock {
  std::string name;
  nlohmann::json match = nlohmann::json::object();  // a rule's `when`: direction, host, hostSuffix, path, ...
  bool from_case = true;
  CapturedResponse response;  // source: inline
  std::string hook;
  std::optional<std::int64_t> priority;              // higher wins; unset: later mocks rank above earlier ones
  bool consume_once = false;                         // consume: once — the rule answers one request only
  std::optional<std::chrono::milliseconds> latency;  // latencyMs: read and checked; not simulated (docs/suites.md)
};

struct SuiteRequestSpec {
  std::string transform;  // a RequestHook's name; empty: none
  Headers headers;        // set on the request, replacing captured ones of the same name
  // An inline request's fields, each replacing the captured ingress request's.
  std::optional<std::string> method, target, body;
  std::string url;  // the application's base URL for this case; empty: SuiteRun::app_url
};

// body.redactions: the value at `path` is replaced by `replacement` in both bodies before they
// are compared and shown, so personal data stays out of diffs and reports.
struct SuiteRedaction {
  std::string path;  // a JSONPath
  nlohmann::json replacement = "[REDACTED]";
};

struct SuiteAssertions {
  std::optional<int> status;       // exact; unset (and no list or range): the captured ingress response's status
  std::vector<int> status_one_of;  // status: [200, 201]
  std::optional<int> status_min, status_max;  // status: {min: 200, max: 299}
  Headers headers_include;  // each must be in the answer, its value matching this RE2 pattern (unanchored)
  std::vector<std::string> headers_ignore;  // names left out of what the headers hook is given
  std::string headers_custom;               // a HeadersAssertHook's name (headers.custom or custom-headers)
  // ignore: no body check; string: the bytes compared (what is not JSON); none: ignore's old name.
  enum class BodyMode { json_subset, exact, none, string } body_mode = BodyMode::json_subset;
  std::vector<std::string> ignore;  // JSONPaths left out of the comparison
  std::vector<SuiteRedaction> redactions;
  std::optional<nlohmann::json> expected;  // unset: the captured ingress response's body
  std::string custom;                      // a BodyAssertHook's name
};

// One case with the suite's defaults and its overrides merged, ${VAR}s expanded.
struct SuiteCase {
  std::string name;  // `name:`, else the case file's caseId, else its file name
  std::string path;  // the case file, resolved against the suite's folder
  SuiteRequestSpec request;
  std::vector<SuiteMock> mocks;
  SuiteAssertions assertions;
  std::optional<nlohmann::json> policy;      // a session policy document
  std::shared_ptr<const ReplayCase> loaded;  // the case file, read once by Suite::load
  bool skip = false;  // skip: true, or another entry has only: true — reported as skipped, not run
  std::string skip_reason;
};

class Suite {
 public:
  // Reads a *.suite.yaml (or .json) and every case it names. Throws DocumentError naming the
  // file, the line and the field: an unknown key, a wrong type, a glob that matches nothing, an
  // unset ${VAR}, a case file that cannot be read. ${VAR}s are expanded in the file's text
  // before it is read as YAML; the suite's env: block gives values under `env`'s.
  static Suite load(const std::string& path);  // with process_environment()
  static Suite load(const std::string& path, const SuiteEnv& env);
  // The process's environment, with an env file's KEY=VALUE lines under it ("" reads none).
  // Throws DocumentError for an env file that cannot be read.
  static SuiteEnv process_environment(const std::string& env_file = "");

  const std::string& name() const { return name_; }
  const std::string& path() const { return path_; }
  const std::vector<SuiteCase>& cases() const { return cases_; }
  const SuiteEnv& env() const { return env_; }

 private:
  std::string name_, path_;
  std::vector<SuiteCase> cases_;
  SuiteEnv env_;
};

// How cases are run: the application's base URL and the hooks by name.
struct SuiteRun {
  std::string app_url;  // "http://127.0.0.1:8080"
  SuiteHooks hooks;
  std::chrono::milliseconds timeout = std::chrono::seconds(30);  // for the application's answer
};

// One difference between what the application answered and what the case expects.
struct CaseIssue {
  std::string what;  // "status", "header content-type", "body", "hook checkout.assertTotals", "error"
  std::string path;  // the body's JSONPath, for body issues
  std::string expected;
  std::string actual;
  std::string describe() const;  // "body $.total: expected 30, got 31"
};

struct CaseResult {
  std::string name;
  std::string path;
  enum class Outcome { passed, failed, error, skipped } outcome = Outcome::passed;
  std::chrono::milliseconds duration{0};
  std::vector<CaseIssue> issues;  // failed: what differed; error: what kept the case from running
  int status = 0;                 // what the application answered (0: it did not)
  std::string body;
  int expected_status = 0;
  std::string expected_body;
  bool passed() const { return outcome == Outcome::passed; }
  std::string describe() const;    // every issue, one a line
  nlohmann::json to_json() const;  // the --json line
};

// Runs one case: a replay session on `runtime`, the case loaded, its mocks installed, the
// ingress request sent to run.app_url with the session header, the answer checked. Never throws
// for a problem of the case (it is an error outcome naming it).
CaseResult run_case(const Suite& suite, const SuiteCase& test_case, MockServer& runtime, const SuiteRun& run);

struct SuiteRunOptions {
  std::size_t parallel = 1;
  std::string filter;      // a substring of the case's path or name; empty: every case
  bool fail_fast = false;  // after the first failure the cases not yet started are skipped
  std::function<void(const CaseResult&, std::size_t done, std::size_t total)> on_case_done;  // may be empty
};

// Every case (those the filter leaves out are not in the result), in the suite's order.
std::vector<CaseResult> run_suite(const Suite& suite, MockServer& runtime, const SuiteRun& run,
                                  const SuiteRunOptions& options = {});

// Reports of a run: JUnit XML (one <testsuite>), a self-contained HTML page, one JSON object a line.
std::string junit_xml(const Suite& suite, const std::vector<CaseResult>& results);
std::string html_report(const Suite& suite, const std::vector<CaseResult>& results);
std::string json_lines(const std::vector<CaseResult>& results);

}  // namespace mockhttp
