#pragma once
// Where a stub was mounted from, so that every report about it names the test's own line.
// C++17 has no std::source_location; GCC's and Clang's __builtin_FILE()/__builtin_LINE() in a
// default argument give the caller's file and line just as well.
//
//   server.when_requested_with(Request{}.path("/x"))   // records this file and line
//
// Thread safety: a value type; `file` points at a string literal of the program.
#include <string>

namespace mockhttp {

#if defined(__GNUC__) || defined(__clang__) || (defined(_MSC_VER) && _MSC_VER >= 1926)
#define MOCKHTTP_CALLER_FILE __builtin_FILE()
#define MOCKHTTP_CALLER_LINE __builtin_LINE()
#else
#define MOCKHTTP_CALLER_FILE nullptr
#define MOCKHTTP_CALLER_LINE 0
#endif

struct SourceLocation {
  const char* file = nullptr;  // null: not known (a stub from JSON, a stub file, the admin API)
  int line = 0;

  // The location of the call that evaluates this default argument.
  static SourceLocation current(const char* file = MOCKHTTP_CALLER_FILE, int line = MOCKHTTP_CALLER_LINE) noexcept {
    return SourceLocation{file, line};
  }
  bool known() const noexcept { return file != nullptr && line > 0; }
  // "payment_test.cpp:42" (the file as the compiler named it), or "" when not known.
  std::string describe() const { return known() ? std::string(file) + ":" + std::to_string(line) : std::string(); }
};

}  // namespace mockhttp
