#pragma once
// `mockhttp serve`: a standalone MockServer for tests in any language, driven over the
// /__mock__ admin API.
#include <CLI/CLI.hpp>

namespace mockhttp::cli {

// Adds the subcommand to `app`; it runs when parsed and sets `exit_code`.
void add_serve_command(CLI::App& app, int& exit_code);

}  // namespace mockhttp::cli
