// run_case: one case of a suite, in a replay session of its own, through the same engine.

#include <algorithm>

#include <re2/re2.h>

#include <mockhttp/errors.hpp>
#include <mockhttp/mock_server.hpp>
#include <mockhttp/replay_session.hpp>
#include <mockhttp/suite.hpp>

#include "encoding/http_url.hpp"
#include "encoding/unicode_text.hpp"
#include "suite/body_comparison.hpp"
#include "suite/json_path.hpp"
#include "transport/outbound_call.hpp"

namespace mockhttp {

namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// A problem that keeps the case from running: the outcome is an error, with this as its issue.
struct CaseCannotRun {
  std::string what;
  std::string detail;
};

// What a captured request carried that a new one must not: HTTP/2 pseudo-headers, framing
// that the client library sets itself, and the capture's own session correlation.
bool left_out_of_ingress(const std::string& name) {
  if (name.empty() || name[0] == ':') return true;
  const std::string lower = detail::ascii_lowercase(name);
  return lower == "host" || lower == "content-length" || lower == "transfer-encoding" || lower == "connection" ||
         lower == ReplaySession::kHeader || lower == "tracestate";
}

void set_header(Headers& headers, const std::string& name, const std::string& value) {
  headers.erase(
      std::remove_if(headers.begin(), headers.end(),
                     [&](const auto& header) { return detail::ascii_equals_ignoring_case(header.first, name); }),
      headers.end());
  headers.emplace_back(name, value);
}

// The inbound exchange's request as the application will be sent it, query included.
SuiteRequest ingress_request(const CapturedExchange& ingress) {
  SuiteRequest request;
  request.method = ingress.request.method.empty() ? "GET" : ingress.request.method;
  request.target = ingress.request.path.empty() ? "/" : ingress.request.path;
  std::string full = ingress.attributes.value("url.full", "");
  if (full.empty()) full = ingress.attributes.value("http.request.header.:path", "");
  if (const std::size_t mark = full.find('?'); mark != std::string::npos) request.target += full.substr(mark);
  for (const auto& [name, value] : ingress.request.headers) {
    if (!left_out_of_ingress(name)) request.headers.emplace_back(name, value);
  }
  request.body = ingress.request.body;
  return request;
}

CasePredicate predicate_of(const Json& match) {
  CasePredicate predicate;
  predicate.direction = match.value("direction", std::string("outbound"));  // mocks answer the outbound leg
  const auto optional_text = [&](const char* key, std::optional<std::string>& field) {
    if (match.contains(key) && match[key].is_string()) field = match[key].get<std::string>();
  };
  optional_text("method", predicate.method);
  optional_text("host", predicate.host);
  optional_text("hostSuffix", predicate.host_suffix);
  optional_text("path", predicate.path);
  optional_text("pathPrefix", predicate.path_prefix);
  return predicate;
}

void install_mocks(const SuiteCase& test_case, ReplaySession& session, const SuiteRun& run, const SuiteEnv& env) {
  for (std::size_t i = 0; i < test_case.mocks.size(); ++i) {
    const SuiteMock& mock = test_case.mocks[i];
    CapturedResponse response = mock.response;
    if (mock.from_case) {
      try {
        response = test_case.loaded->find(predicate_of(mock.match)).response;
      } catch (const CaseLookupError& e) {
        throw CaseCannotRun{"mock " + mock.name, std::string("find_in_case: ") + e.what()};
      }
    }
    if (!mock.hook.empty()) {
      const auto hook = run.hooks.mock_response.find(mock.hook);
      if (hook == run.hooks.mock_response.end()) {
        throw CaseCannotRun{"mock " + mock.name, "no MockResponseHook named \"" + mock.hook + "\" was given"};
      }
      try {
        response = hook->second(std::move(response), env);
      } catch (const std::exception& e) {
        throw CaseCannotRun{"hook " + mock.hook, std::string("threw: ") + e.what()};
      }
    }
    ReplayRule rule;
    try {
      // Without a priority of its own, later mocks rank higher, so an override appended after
      // the defaults wins a tie of matches.
      rule = ReplayRule::from_json({{"id", mock.name},
                                    {"priority", mock.priority.value_or(100 + static_cast<std::int64_t>(i))},
                                    {"when", mock.match},
                                    {"then", {{"action", "mock"}}}});
    } catch (const Error& e) {
      throw CaseCannotRun{"mock " + mock.name, e.what()};
    }
    rule.consume_once = mock.consume_once;
    rule.response = response.to_response();
    session.add_rule(std::move(rule));
  }
}

void check_status(const SuiteAssertions& expect, const CapturedExchange& ingress, int actual, CaseResult& result) {
  std::string wanted;
  bool fits = true;
  if (!expect.status_one_of.empty()) {
    result.expected_status = expect.status_one_of.front();
    fits = std::find(expect.status_one_of.begin(), expect.status_one_of.end(), actual) != expect.status_one_of.end();
    for (const int one : expect.status_one_of) wanted += (wanted.empty() ? "one of " : ", ") + std::to_string(one);
  } else if (expect.status_min || expect.status_max) {
    result.expected_status = expect.status_min.value_or(expect.status_max.value_or(0));
    fits = actual >= expect.status_min.value_or(100) && actual <= expect.status_max.value_or(599);
    wanted = std::to_string(expect.status_min.value_or(100)) + "-" + std::to_string(expect.status_max.value_or(599));
  } else {
    result.expected_status = expect.status.value_or(ingress.response.status);
    fits = actual == result.expected_status;
    wanted = std::to_string(result.expected_status);
  }
  if (!fits) result.issues.push_back({"status", "", wanted, std::to_string(actual)});
}

bool ignored_header(const SuiteAssertions& expect, const std::string& name) {
  return std::any_of(expect.headers_ignore.begin(), expect.headers_ignore.end(),
                     [&](const std::string& ignored) { return detail::ascii_equals_ignoring_case(ignored, name); });
}

void check_headers(const SuiteAssertions& expect, const CapturedExchange& ingress, const detail::OutboundAnswer& answer,
                   const SuiteRun& run, const SuiteEnv& env, CaseResult& result) {
  for (const auto& [name, pattern] : expect.headers_include) {
    if (ignored_header(expect, name)) continue;
    // Header names compare without case; the value is searched, as Softprobe does.
    const auto found = answer.header(name);
    const bool present = found.has_value();
    const std::string actual = found.value_or("");
    const RE2 expression(pattern, RE2::Quiet);
    if (!present || !RE2::PartialMatch(actual, expression)) {
      result.issues.push_back({"header " + name, "", pattern, present ? actual : "(absent)"});
    }
  }
  if (expect.headers_custom.empty()) return;
  const auto hook = run.hooks.headers_assert.find(expect.headers_custom);
  if (hook == run.hooks.headers_assert.end()) {
    throw CaseCannotRun{"hook " + expect.headers_custom,
                        "no HeadersAssertHook named \"" + expect.headers_custom + "\" was given"};
  }
  Headers actual, expected;
  for (const auto& [name, value] : answer.headers) {
    if (!ignored_header(expect, name)) actual.emplace_back(name, value);
  }
  for (const auto& [name, value] : ingress.response.headers) {
    if (!ignored_header(expect, name)) expected.emplace_back(name, value);
  }
  std::vector<BodyIssue> found;
  try {
    found = hook->second(actual, expected, env);
  } catch (const std::exception& e) {
    throw CaseCannotRun{"hook " + expect.headers_custom, std::string("threw: ") + e.what()};
  }
  for (auto& issue : found) {
    result.issues.push_back(
        {"hook " + expect.headers_custom, std::move(issue.path), std::move(issue.expected), std::move(issue.actual)});
  }
}

void check_answer(const SuiteCase& test_case, const CapturedExchange& ingress, const detail::OutboundAnswer& answer,
                  const SuiteRun& run, const SuiteEnv& env, CaseResult& result) {
  const SuiteAssertions& expect = test_case.assertions;
  check_status(expect, ingress, answer.status, result);
  check_headers(expect, ingress, answer, run, env, result);
  Json expected_body = expect.expected ? *expect.expected : detail::body_as_json(ingress.response.body);
  Json actual_body = detail::body_as_json(answer.body);
  // Redacted before anything compares or shows them, so the values stay out of every report.
  if (!expect.redactions.empty()) {
    for (const auto& redaction : expect.redactions) {
      const auto steps = detail::parse_json_path(redaction.path);
      detail::replace_selected(expected_body, steps, redaction.replacement);
      detail::replace_selected(actual_body, steps, redaction.replacement);
    }
    result.body = actual_body.is_string() ? actual_body.get<std::string>() : actual_body.dump();
  }
  result.expected_body = expected_body.is_string() ? expected_body.get<std::string>() : expected_body.dump(2);
  if (expect.body_mode == SuiteAssertions::BodyMode::string) {
    // Bytes against bytes: the captured body as captured (or the suite's expected text).
    const std::string wanted =
        expect.expected ? (expect.expected->is_string() ? expect.expected->get<std::string>() : expect.expected->dump())
                        : ingress.response.body;
    const std::string& got = expect.redactions.empty() ? answer.body : result.body;
    const std::string& want = expect.redactions.empty() ? wanted : result.expected_body;
    if (got != want) {
      const auto shown = [](const std::string& text) { return text.size() > 200 ? text.substr(0, 200) + "..." : text; };
      result.issues.push_back({"body", "", shown(want), shown(got)});
    }
  } else if (expect.body_mode != SuiteAssertions::BodyMode::none) {
    const bool exact = expect.body_mode == SuiteAssertions::BodyMode::exact;
    for (auto& issue : detail::compare_bodies(expected_body, actual_body, exact, expect.ignore)) {
      result.issues.push_back({"body", std::move(issue.path), std::move(issue.expected), std::move(issue.actual)});
    }
  }
  if (!expect.custom.empty()) {
    const auto hook = run.hooks.body_assert.find(expect.custom);
    if (hook == run.hooks.body_assert.end()) {
      throw CaseCannotRun{"hook " + expect.custom, "no BodyAssertHook named \"" + expect.custom + "\" was given"};
    }
    std::vector<BodyIssue> found;
    try {
      found = hook->second(actual_body, expected_body, env);
    } catch (const std::exception& e) {
      throw CaseCannotRun{"hook " + expect.custom, std::string("threw: ") + e.what()};
    }
    for (auto& issue : found) {
      result.issues.push_back(
          {"hook " + expect.custom, std::move(issue.path), std::move(issue.expected), std::move(issue.actual)});
    }
  }
}

detail::OutboundAnswer send_to_application(const SuiteRun& run, const std::string& app_url,
                                           const SuiteRequest& request) {
  const auto url = detail::parse_http_url(app_url);
  if (!url) throw CaseCannotRun{"error", "the application's URL \"" + app_url + "\" is not an http:// or https:// URL"};
  detail::OutboundCall call;
  call.origin = url->scheme + "://" + url->authority;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(run.timeout).count();
  call.timeout = std::chrono::seconds(std::max<long long>(1, seconds));
  call.method = request.method;
  const std::string base = url->target == "/" ? "" : url->target;
  call.target = base + request.target;
  call.headers = request.headers;
  call.body = request.body;
  return detail::send_outbound(call);
}

}  // namespace

std::string CaseIssue::describe() const {
  return what + (path.empty() ? "" : " " + path) + ": expected " + expected + ", got " + actual;
}

std::string CaseResult::describe() const {
  std::string text;
  const bool not_compared = outcome == Outcome::error || outcome == Outcome::skipped;
  for (const auto& issue : issues) text += (not_compared ? issue.what + ": " + issue.actual : issue.describe()) + "\n";
  return text;
}

Json CaseResult::to_json() const {
  static const char* kOutcomes[] = {"passed", "failed", "error", "skipped"};
  Json listed = Json::array();
  for (const auto& issue : issues) {
    listed.push_back(
        {{"what", issue.what}, {"path", issue.path}, {"expected", issue.expected}, {"actual", issue.actual}});
  }
  return {{"name", name},
          {"path", path},
          {"outcome", kOutcomes[static_cast<int>(outcome)]},
          {"duration_ms", duration.count()},
          {"status", status},
          {"expected_status", expected_status},
          {"issues", listed}};
}

CaseResult run_case(const Suite& suite, const SuiteCase& test_case, MockServer& runtime, const SuiteRun& run) {
  CaseResult result;
  result.name = test_case.name;
  result.path = test_case.path;
  const auto started = Clock::now();
  try {
    if (!test_case.loaded) throw CaseCannotRun{"error", "the case was not loaded (build suites with Suite::load)"};
    const auto inbound = test_case.loaded->find_all(CasePredicate::inbound());
    if (inbound.empty()) {
      throw CaseCannotRun{"error",
                          "the case has no inbound exchange (sp.traffic.direction: inbound) to send the application"};
    }
    const CapturedExchange& ingress = inbound.front();
    SuiteRequest request = ingress_request(ingress);
    if (test_case.request.method) request.method = *test_case.request.method;
    if (test_case.request.target) request.target = *test_case.request.target;
    if (test_case.request.body) request.body = *test_case.request.body;
    for (const auto& [name, value] : test_case.request.headers) set_header(request.headers, name, value);
    if (!test_case.request.transform.empty()) {
      const auto hook = run.hooks.request.find(test_case.request.transform);
      if (hook == run.hooks.request.end()) {
        throw CaseCannotRun{"hook " + test_case.request.transform,
                            "no RequestHook named \"" + test_case.request.transform + "\" was given"};
      }
      try {
        hook->second(request, suite.env());
      } catch (const std::exception& e) {
        throw CaseCannotRun{"hook " + test_case.request.transform, std::string("threw: ") + e.what()};
      }
    }

    ReplaySession session = runtime.start_session(ReplayMode::replay);
    try {
      session.load_case(*test_case.loaded);
      if (test_case.policy) session.set_policy(ReplayPolicy::from_json(*test_case.policy));
    } catch (const Error& e) {
      throw CaseCannotRun{"error", e.what()};
    }
    install_mocks(test_case, session, run, suite.env());
    set_header(request.headers, ReplaySession::kHeader, session.id());

    const std::string& app_url = test_case.request.url.empty() ? run.app_url : test_case.request.url;
    const detail::OutboundAnswer answer = send_to_application(run, app_url, request);
    if (answer.failure) {
      throw CaseCannotRun{"error", "the application at " + app_url + " did not answer " + request.method + " " +
                                       request.target + ": " + *answer.failure};
    }
    result.status = answer.status;
    result.body = answer.body;
    check_answer(test_case, ingress, answer, run, suite.env(), result);
    result.outcome = result.issues.empty() ? CaseResult::Outcome::passed : CaseResult::Outcome::failed;
  } catch (const CaseCannotRun& problem) {
    result.outcome = CaseResult::Outcome::error;
    result.issues.push_back({problem.what, "", "", problem.detail});
  } catch (const std::exception& e) {
    result.outcome = CaseResult::Outcome::error;
    result.issues.push_back({"error", "", "", e.what()});
  }
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  return result;
}

}  // namespace mockhttp
