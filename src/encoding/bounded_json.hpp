#pragma once
// JSON from outside — request bodies that criteria or templates read, admin payloads, stub
// files, case files — parsed with a bound on nesting. nlohmann's parser is iterative, but
// copying, dumping and comparing a document recurse once per level: a 200 KB body of 100,000
// nested arrays would overflow the stack of the test process. The depth is checked first, by a
// linear scan that recurses nowhere.
// Thread safety: pure functions.
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace mockhttp::detail {

// The default bound: far above any real document, far below a stack's worth of frames.
constexpr std::size_t kMaxJsonDepth = 512;

class JsonTooDeep : public std::runtime_error {
 public:
  JsonTooDeep(std::size_t limit, std::size_t byte)
      : std::runtime_error("JSON nested deeper than " + std::to_string(limit) + " levels (at byte " +
                           std::to_string(byte) + "); mockhttp reads documents up to that depth"),
        limit_(limit),
        byte_(byte) {}
  std::size_t limit() const noexcept { return limit_; }
  std::size_t byte() const noexcept { return byte_; }

 private:
  std::size_t limit_;
  std::size_t byte_;
};

// The byte (1-based, as nlohmann counts) where `text` first nests deeper than `limit`;
// nullopt when it never does. Brackets inside strings do not count.
std::optional<std::size_t> first_byte_too_deep(const std::string& text, std::size_t limit);

// nlohmann::json::parse after the depth check: throws JsonTooDeep, or nlohmann's
// parse_error / out_of_range (a number such as 1e400) as parse() does.
nlohmann::json parse_bounded_json(const std::string& text, std::size_t limit = kMaxJsonDepth);

// The nesting depth of a document already built (in C++, or by a reader), measured without
// recursion: a scalar is 0, [] and {} are 1.
std::size_t json_depth(const nlohmann::json& document);

}  // namespace mockhttp::detail
