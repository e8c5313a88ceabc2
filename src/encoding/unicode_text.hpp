#pragma once
// Text as Python sees it: a sequence of code points. Used for $length, $contains on strings
// and $ignore_case, which count and compare characters, not bytes.
#include <string>
#include <string_view>
#include <vector>

namespace mockhttp::detail {

// Each character of a UTF-8 string as its own UTF-8 string. Bytes that are not valid UTF-8
// count as one character each, so nothing is ever lost or thrown.
std::vector<std::string> split_characters(const std::string& utf8);

// Lower-cases every character (Unicode simple lowercase mapping of the C library's UTF-8
// locale; ASCII-only if that locale is missing).
std::string lowercase(const std::string& utf8);

// Lower-cases ASCII letters only: header names and hosts.
std::string ascii_lowercase(std::string text);

// Header names and hosts compared as HTTP does (ASCII letters without case), allocating
// nothing: header lookups run on every request.
bool ascii_equals_ignoring_case(std::string_view a, std::string_view b);

bool is_valid_utf8(const std::string& bytes);

}  // namespace mockhttp::detail
