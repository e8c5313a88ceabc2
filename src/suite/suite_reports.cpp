// A suite run's reports: JUnit XML for CI, a self-contained HTML page for people, JSON lines
// for tools. Each is made from the results alone, after the run.
#include <chrono>
#include <cstdio>
#include <ctime>

#include <mockhttp/suite.hpp>

#include "encoding/unicode_text.hpp"

namespace mockhttp {

namespace {

// Text fit for XML 1.0 and HTML: markup characters escaped, bytes that are not UTF-8 and control
// characters other than tab and newline replaced (XML cannot hold them, even escaped).
std::string escaped(const std::string& raw) {
  const std::string text = detail::is_valid_utf8(raw)
                               ? raw
                               : nlohmann::json(raw).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + 16);
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n')
          out += "\xEF\xBF\xBD";
        else
          out += c;
    }
  }
  return out;
}

std::string seconds_text(std::chrono::milliseconds duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", static_cast<double>(duration.count()) / 1000.0);
  return text;
}

struct Tally {
  std::size_t passed = 0, failed = 0, errors = 0, skipped = 0;
  std::chrono::milliseconds time{0};
};

Tally tally_of(const std::vector<CaseResult>& results) {
  Tally tally;
  for (const auto& result : results) {
    tally.time += result.duration;
    switch (result.outcome) {
      case CaseResult::Outcome::passed:
        ++tally.passed;
        break;
      case CaseResult::Outcome::failed:
        ++tally.failed;
        break;
      case CaseResult::Outcome::error:
        ++tally.errors;
        break;
      case CaseResult::Outcome::skipped:
        ++tally.skipped;
        break;
    }
  }
  return tally;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
  return text;
}

}  // namespace

std::string junit_xml(const Suite& suite, const std::vector<CaseResult>& results) {
  const Tally tally = tally_of(results);
  const std::string counts = "tests=\"" + std::to_string(results.size()) + "\" failures=\"" +
                             std::to_string(tally.failed) + "\" errors=\"" + std::to_string(tally.errors) +
                             "\" skipped=\"" + std::to_string(tally.skipped) + "\" time=\"" + seconds_text(tally.time) +
                             "\"";
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += "<testsuites name=\"" + escaped(suite.name()) + "\" " + counts + ">\n";
  xml += "  <testsuite name=\"" + escaped(suite.name()) + "\" " + counts + " timestamp=\"" + utc_now() + "\" file=\"" +
         escaped(suite.path()) + "\">\n";
  for (const auto& result : results) {
    xml += "    <testcase name=\"" + escaped(result.name) + "\" classname=\"" + escaped(suite.name()) + "\" file=\"" +
           escaped(result.path) + "\" time=\"" + seconds_text(result.duration) + "\"";
    const std::string details = result.describe();
    switch (result.outcome) {
      case CaseResult::Outcome::passed:
        xml += "/>\n";
        continue;
      case CaseResult::Outcome::failed:
        xml += ">\n      <failure type=\"assertion\" message=\"" + escaped(first_line(details)) + "\">" +
               escaped(details) + "</failure>\n";
        break;
      case CaseResult::Outcome::error:
        xml += ">\n      <error type=\"error\" message=\"" + escaped(first_line(details)) + "\">" + escaped(details) +
               "</error>\n";
        break;
      case CaseResult::Outcome::skipped:
        xml += ">\n      <skipped message=\"not run: " +
               escaped(result.issues.empty() ? std::string("--fail-fast stopped the suite")
                                             : result.issues.front().actual) +
               "\"/>\n";
        break;
    }
    xml += "    </testcase>\n";
  }
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

std::string json_lines(const std::vector<CaseResult>& results) {
  std::string out;
  for (const auto& result : results)
    out += result.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return out;
}

std::string html_report(const Suite& suite, const std::vector<CaseResult>& results) {
  static const char* kOutcome[] = {"passed", "failed", "error", "skipped"};
  const Tally tally = tally_of(results);
  std::string html = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>)" + escaped(suite.name()) +
                     R"( — mockhttp suite report</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#1b1f24}
h1{font-size:1.4rem;margin:0 0 .3rem}
.summary span{display:inline-block;margin-right:1rem;font-weight:600}
table{border-collapse:collapse;width:100%;margin-top:1rem}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #d0d7de;vertical-align:top}
tr.passed td.outcome{color:#1a7f37}tr.failed td.outcome,tr.error td.outcome{color:#cf222e}tr.skipped td.outcome{color:#6e7781}
td.duration{text-align:right;white-space:nowrap}
pre{margin:.3rem 0;padding:.5rem;background:#f6f8fa;overflow:auto;max-height:24rem}
.diff td{border:none;padding:.1rem .6rem}.diff .path{font-family:monospace}
.expected{color:#1a7f37}.actual{color:#cf222e}
label{margin-left:1rem}
</style></head><body>
<h1>)" + escaped(suite.name()) +
                     R"(</h1>
<div class="summary" id="summary"><span>)" +
                     std::to_string(results.size()) + R"( cases</span><span class="passed-count">)" +
                     std::to_string(tally.passed) + R"( passed</span><span class="failed-count">)" +
                     std::to_string(tally.failed) + R"( failed</span><span class="error-count">)" +
                     std::to_string(tally.errors) + R"( errors</span><span class="skipped-count">)" +
                     std::to_string(tally.skipped) + R"( skipped</span><span>)" + seconds_text(tally.time) +
                     R"( s in cases</span>
<label><input type="checkbox" id="only-failures"> failures only</label></div>
<p>)" + escaped(suite.path()) +
                     " · " + utc_now() + R"( UTC</p>
<table id="cases"><thead><tr><th>case</th><th>outcome</th><th>duration</th><th>details</th></tr></thead><tbody>
)";
  for (const auto& result : results) {
    const char* outcome = kOutcome[static_cast<int>(result.outcome)];
    html += "<tr class=\"" + std::string(outcome) + "\"><td><b>" + escaped(result.name) + "</b><br><small>" +
            escaped(result.path) + "</small></td><td class=\"outcome\">" + outcome + "</td><td class=\"duration\">" +
            std::to_string(result.duration.count()) + " ms</td><td>";
    if (!result.issues.empty()) {
      html += "<table class=\"diff\"><tr><th>where</th><th>expected</th><th>actual</th></tr>";
      for (const auto& issue : result.issues) {
        html += "<tr><td class=\"path\">" + escaped(issue.what + (issue.path.empty() ? "" : " " + issue.path)) +
                "</td><td class=\"expected\">" + escaped(issue.expected) + "</td><td class=\"actual\">" +
                escaped(issue.actual) + "</td></tr>";
      }
      html += "</table>";
      if (result.outcome == CaseResult::Outcome::failed) {
        html += "<details><summary>bodies (status " + std::to_string(result.expected_status) + " expected, " +
                std::to_string(result.status) + " received)</summary><pre class=\"expected\">" +
                escaped(result.expected_body) + "</pre><pre class=\"actual\">" + escaped(result.body) +
                "</pre></details>";
      }
    }
    html += "</td></tr>\n";
  }
  html += R"(</tbody></table>
<script>
document.getElementById('only-failures').addEventListener('change', function (e) {
  document.querySelectorAll('#cases > tbody > tr').forEach(function (row) {
    row.hidden = e.target.checked && (row.className === 'passed' || row.className === 'skipped');
  });
});
</script>
</body></html>
)";
  return html;
}

}  // namespace mockhttp
