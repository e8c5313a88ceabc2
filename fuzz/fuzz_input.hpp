#pragma once
// What every fuzz target shares: the input as text, and the rule that decides a finding. A
// target may throw mockhttp's typed errors (bad input is expected); anything else escaping —
// std::exception from a library, a crash, a leak, undefined behaviour — is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include <optional>

#include <nlohmann/json.hpp>

#include <mockhttp/errors.hpp>

#include "encoding/bounded_json.hpp"

// A target's entry point: libFuzzer's LLVMFuzzerTestOneInput in a fuzzer build; a named
// function in the suite's corpus replay (every target in one program, run under the suite's
// sanitizers over the seed corpora in fuzz/corpus/).
#ifdef MOCKHTTP_FUZZ_CORPUS_REPLAY
#define MOCKHTTP_FUZZ_TARGET(name) int fuzz_##name(const std::uint8_t* data, std::size_t size)
#else
#define MOCKHTTP_FUZZ_TARGET(name) extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
#endif

namespace mockhttp::fuzz {

inline std::string text_of(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// The input as a JSON document, as the server would read it; nullopt when it would not (not
// JSON, or nested too deep), so the target's reader never sees it.
inline std::optional<nlohmann::json> json_of(const std::uint8_t* data, std::size_t size) {
  try {
    return mockhttp::detail::parse_bounded_json(text_of(data, size));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Runs `body`; mockhttp::Error is the documented answer to bad input, so it is swallowed.
template <typename Body>
void expecting_typed_errors(Body&& body) {
  try {
    body();
  } catch (const mockhttp::Error&) {}
}

}  // namespace mockhttp::fuzz
