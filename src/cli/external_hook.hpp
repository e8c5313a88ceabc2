#pragma once
// Suite hooks for the executable (`suite run --hook NAME=COMMAND`): a command run through
// /bin/sh for each call, given one JSON object on standard input and answering one on standard
// output (docs/suites.md#hooks-in-the-cli). One command serves the four kinds; the input's
// "hook" says which is asked.
// Thread safety: the hooks may be called from many threads; each call is its own process.
#include <chrono>
#include <string>

#include <mockhttp/suite.hpp>

namespace mockhttp::cli {

// Adds NAME as a RequestHook, a MockResponseHook, a BodyAssertHook and a HeadersAssertHook that
// run `command`. A command that fails, exits non-zero, outlives `timeout`, prints more than
// 64 MiB or prints what is not the JSON its kind answers makes the case an error naming the hook
// and why. Each call runs in a process group of its own, killed whole at `timeout` and when the
// shell exits, so nothing the command started outlives the call.
void add_external_hook(SuiteHooks& hooks, const std::string& name, const std::string& command,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace mockhttp::cli
