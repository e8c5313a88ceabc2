#pragma once
// A command-line client's output (curl, nghttp), for the tests that drive one.
#include <string>

namespace mockhttp::test {

// Runs `command` through the shell; its standard output, and its exit status in `status`.
std::string command_output(const std::string& command, int& status);

}  // namespace mockhttp::test
