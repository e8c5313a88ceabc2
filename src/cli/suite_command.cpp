#include "cli/suite_command.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <mockhttp/control.hpp>
#include <mockhttp/errors.hpp>
#include <mockhttp/mock_server.hpp>
#include <mockhttp/suite.hpp>

#include "cli/external_hook.hpp"

namespace mockhttp::cli {

namespace {

struct SuiteRunCommand {
  std::string suite_file;
  std::string app_url;
  std::string host = "127.0.0.1";
  int port = 0;
  std::size_t parallel = 1;
  std::string filter;
  bool fail_fast = false;
  std::string env_file;
  std::string junit_file;
  std::string report_file;
  bool json = false;
  bool quiet = false;
  std::vector<std::string> hooks;  // NAME=COMMAND
  int timeout_seconds = 30;
  std::vector<std::string> forward_allowed_hosts;
};

const char* outcome_word(CaseResult::Outcome outcome) {
  switch (outcome) {
    case CaseResult::Outcome::passed:
      return "PASS";
    case CaseResult::Outcome::failed:
      return "FAIL";
    case CaseResult::Outcome::error:
      return "ERROR";
    case CaseResult::Outcome::skipped:
      return "SKIP";
  }
  return "?";
}

// Writes a report, making its folder (and the folders above) first. An empty string when it
// was written, else what went wrong, naming the flag, the file and the OS's reason.
std::string write_report(const std::string& path, const std::string& text, const char* flag) {
  const auto failed = [&](const std::string& what, int error) {
    return std::string(flag) + ": cannot " + what + ": " + std::strerror(error);
  };
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  if (!folder.empty()) {
    std::error_code made;
    std::filesystem::create_directories(folder, made);
    if (made) return failed("make the folder " + folder.string() + " for " + path, made.value());
  }
  errno = 0;
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (!out) return failed("write " + path, errno);
  const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size();
  const int write_error = errno;
  const bool closed = std::fclose(out) == 0;
  if (!written || !closed) return failed("write " + path, written ? errno : write_error);
  return "";
}

int run(const SuiteRunCommand& options) {
  try {
    const Suite suite = Suite::load(options.suite_file, Suite::process_environment(options.env_file));
    SuiteRun run;
    run.app_url = options.app_url;
    run.timeout = std::chrono::seconds(options.timeout_seconds);
    for (const auto& entry : options.hooks) {
      const std::size_t equals = entry.find('=');
      if (equals == std::string::npos || equals == 0 || equals + 1 == entry.size()) {
        std::cerr << "mockhttp: --hook \"" << entry << "\" is not NAME=COMMAND" << std::endl;
        return 2;
      }
      add_external_hook(run.hooks, entry.substr(0, equals), entry.substr(equals + 1), run.timeout);
    }

    ServerOptions server_options;
    server_options.host = options.host;
    server_options.port = options.port;
    server_options.forward_allowed_hosts = options.forward_allowed_hosts;
    // Softprobe's session API too, so the application (or a person) can look at a case's session.
    server_options.control_surfaces = {softprobe_api()};
    MockServer runtime(server_options);
    // Progress goes to stderr when stdout carries the JSON lines.
    std::ostream& progress = options.json ? std::cerr : std::cout;
    if (!options.quiet) {
      progress << "mockhttp: suite " << suite.name() << ": " << suite.cases().size() << " case(s) against "
               << options.app_url << "; the application's HTTP_PROXY/HTTPS_PROXY is " << runtime.url() << std::endl;
    }

    SuiteRunOptions run_options;
    run_options.parallel = options.parallel;
    run_options.filter = options.filter;
    run_options.fail_fast = options.fail_fast;
    run_options.on_case_done = [&](const CaseResult& result, std::size_t done, std::size_t total) {
      if (options.json)
        std::cout << result.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
      if (options.quiet && result.passed()) return;
      const std::string width = std::to_string(std::to_string(total).size());
      char counter[48];
      std::snprintf(counter, sizeof counter, ("[%" + width + "zu/%zu]").c_str(), done, total);
      progress << counter << ' ' << outcome_word(result.outcome) << ' ' << result.path << " [" << result.name << "] "
               << result.duration.count() << " ms" << std::endl;
      if (!result.passed() && result.outcome != CaseResult::Outcome::skipped) {
        std::string details = result.describe();
        std::string::size_type at = 0;
        while (at < details.size()) {
          const auto end = details.find('\n', at);
          progress << "      " << details.substr(at, end - at) << std::endl;
          at = end == std::string::npos ? details.size() : end + 1;
        }
      }
    };
    const auto started = std::chrono::steady_clock::now();
    const std::vector<CaseResult> results = run_suite(suite, runtime, run, run_options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    std::size_t passed = 0, failed = 0, errors = 0, skipped = 0;
    for (const auto& result : results) {
      passed += result.outcome == CaseResult::Outcome::passed;
      failed += result.outcome == CaseResult::Outcome::failed;
      errors += result.outcome == CaseResult::Outcome::error;
      skipped += result.outcome == CaseResult::Outcome::skipped;
    }
    std::vector<std::string> write_problems;
    if (!options.junit_file.empty())
      write_problems.push_back(write_report(options.junit_file, junit_xml(suite, results), "--junit"));
    if (!options.report_file.empty())
      write_problems.push_back(write_report(options.report_file, html_report(suite, results), "--report"));
    char rate[64];
    std::snprintf(rate, sizeof rate, "%.2f s (%.0f cases/s)", seconds,
                  seconds > 0 ? static_cast<double>(results.size()) / seconds : 0.0);
    progress << "mockhttp: " << results.size() << " case(s): " << passed << " passed, " << failed << " failed, "
             << errors << " errors, " << skipped << " skipped in " << rate << std::endl;
    bool written = true;
    for (const auto& problem : write_problems) {
      if (problem.empty()) continue;
      std::cerr << "mockhttp: " << problem << std::endl;
      written = false;
    }
    if (results.empty()) {
      std::cerr << "mockhttp: --filter \"" << options.filter << "\" leaves no case to run" << std::endl;
      return 1;
    }
    // Cases the suite skips (skip:, only:) do not fail the run; --fail-fast's come after a failure.
    return failed == 0 && errors == 0 && written ? 0 : 1;
  } catch (const Error& e) {
    std::cerr << "mockhttp: " << e.what() << std::endl;
    return 1;
  }
}

}  // namespace

void add_suite_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<SuiteRunCommand>();
  CLI::App* suite = app.add_subcommand("suite", "Softprobe suites: run many captured cases against an application");
  suite->require_subcommand(1);
  CLI::App* command = suite->add_subcommand("run", "Run every case of a *.suite.yaml against a running application");
  command->add_option("suite", options->suite_file, "The suite file (*.suite.yaml)")->required();
  command
      ->add_option("--app-url", options->app_url, "The application's base URL, where each case's ingress request goes")
      ->required();
  command->add_option("--host", options->host, "Address the mock server (the application's proxy) binds")
      ->capture_default_str();
  command
      ->add_option("--port", options->port, "Port of the mock server the application uses as HTTP_PROXY; 0 picks one")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  command->add_option("--parallel", options->parallel, "Cases run at once")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  command->add_option("--filter", options->filter, "Run only the cases whose path or name contains this text");
  command->add_flag("--fail-fast", options->fail_fast,
                    "Stop starting cases after the first failure (the rest are skipped)");
  command->add_option("--env-file", options->env_file,
                      "A dotenv file of KEY=VALUE lines for ${VAR} (the environment wins)");
  command->add_option("--junit", options->junit_file, "Write JUnit XML here (its folder is made)");
  command->add_option("--report", options->report_file, "Write a self-contained HTML report here (its folder is made)");
  command->add_flag("--json", options->json, "Print one JSON object per case on stdout (progress goes to stderr)");
  command->add_flag("--quiet", options->quiet, "Print only failures and the summary");
  command->add_option(
      "--hook", options->hooks,
      "NAME=COMMAND: a hook the suite names (request, mock, body or headers), run through /bin/sh with JSON in "
      "and out; repeatable");
  command
      ->add_option("--timeout", options->timeout_seconds, "Seconds to wait for the application's answer (and a hook's)")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  command->add_option("--allow-forward", options->forward_allowed_hosts,
                      "A loopback or private host a passthrough may reach (as serve --allow-forward); repeatable");
  command->callback([options, &exit_code] { exit_code = run(*options); });
}

}  // namespace mockhttp::cli
