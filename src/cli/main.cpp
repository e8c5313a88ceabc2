// The mockhttp command: `mockhttp serve`, and the case-file tools `mockhttp validate case` and
// `mockhttp case merge-rules` (docs/replay.md).
#include <CLI/CLI.hpp>

#include "cli/case_commands.hpp"
#include "cli/serve_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"mockhttp: a mock HTTP server for tests"};
  app.set_version_flag("--version", std::string("mockhttp ") + MOCKHTTP_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  mockhttp::cli::add_serve_command(app, exit_code);
  mockhttp::cli::add_case_commands(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
