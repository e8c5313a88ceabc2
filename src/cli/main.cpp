// The mockhttp command: `mockhttp serve`, the case-file tools `mockhttp validate case` and
// `mockhttp case merge-rules` (docs/replay.md), and `mockhttp suite run` (docs/suites.md).
#include <CLI/CLI.hpp>

#include "cli/case_commands.hpp"
#include "cli/serve_command.hpp"
#ifdef MOCKHTTP_HAVE_YAML
#include "cli/suite_command.hpp"
#endif

int main(int argc, char** argv) {
  CLI::App app{"mockhttp: a mock HTTP server for tests"};
  app.set_version_flag("--version", std::string("mockhttp ") + MOCKHTTP_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  mockhttp::cli::add_serve_command(app, exit_code);
  mockhttp::cli::add_case_commands(app, exit_code);
#ifdef MOCKHTTP_HAVE_YAML
  mockhttp::cli::add_suite_command(app, exit_code);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end here with 0; any usage error is status 2, as the docs say
    // (CLI11's own codes — 105, 109, ... — would differ per mistake).
    return app.exit(e) == 0 ? 0 : 2;
  }
  return exit_code;
}
