#pragma once
// `mockhttp suite run SUITE --app-url URL`: every case of a Softprobe suite against a running
// application, which uses this process's mock server as its HTTP(S) proxy (docs/suites.md).
#include <CLI/CLI.hpp>

namespace mockhttp::cli {

// Adds the subcommand to `app`; it runs when parsed and sets `exit_code` (0: every case
// passed; 1: a case failed or could not run, or the suite could not be read).
void add_suite_command(CLI::App& app, int& exit_code);

}  // namespace mockhttp::cli
