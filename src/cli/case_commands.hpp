#pragma once
// `mockhttp validate case FILE...` and `mockhttp case merge-rules`: the case-file tools of
// docs/replay.md.
#include <CLI/CLI.hpp>

namespace mockhttp::cli {

void add_case_commands(CLI::App& app, int& exit_code);

}  // namespace mockhttp::cli
