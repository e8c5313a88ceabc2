#pragma once
// ${VAR} in a suite: expanded from the environment, everywhere a string appears. ${VAR:-text}
// gives a default; $${VAR} stays as the literal ${VAR}.
// Thread safety: pure functions.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mockhttp::detail {

// Every string of `document` (keys too) with its ${VAR}s expanded. Throws std::runtime_error
// "<pointer>: ${NAME} is not set ..." for a variable with no value and no default.
nlohmann::json expand_variables(const nlohmann::json& document, const std::map<std::string, std::string>& env,
                                const std::string& pointer = "");

// A suite's raw text with its ${VAR}s expanded before it is read as YAML, as Softprobe does (so
// `match: { hostSuffix: ${HOST:-stripe.com} }` and `status: ${CODE:-201}` read as the values
// they become). Lines that are wholly comments are left alone. `origin_line` gets, for every
// line of the result, the 1-based line of `text` it came from (a value with line breaks spreads
// one line over several). With `lenient`, an unset variable without a default becomes "" (the
// first reading, which only looks for the suite's own env: block); otherwise it throws
// std::runtime_error "line N: ${NAME} is not set ...".
std::string expand_variables_in_text(const std::string& text, const std::map<std::string, std::string>& env,
                                     std::vector<int>& origin_line, bool lenient = false);

// A dotenv file: KEY=VALUE lines, `export ` allowed, # comments, values optionally in single or
// double quotes. Throws std::runtime_error "FILE line N: ..." for a line it cannot read.
std::map<std::string, std::string> read_env_file(const std::string& path);

}  // namespace mockhttp::detail
