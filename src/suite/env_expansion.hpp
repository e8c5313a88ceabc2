#pragma once
// ${VAR} in a suite: expanded from the environment, everywhere a string appears. ${VAR:-text}
// gives a default; $${VAR} stays as the literal ${VAR}.
// Thread safety: pure functions.
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace mockhttp::detail {

// Every string of `document` (keys too) with its ${VAR}s expanded. Throws std::runtime_error
// "<pointer>: ${NAME} is not set ..." for a variable with no value and no default.
nlohmann::json expand_variables(const nlohmann::json& document, const std::map<std::string, std::string>& env,
                                const std::string& pointer = "");

// A dotenv file: KEY=VALUE lines, `export ` allowed, # comments, values optionally in single or
// double quotes. Throws std::runtime_error "FILE line N: ..." for a line it cannot read.
std::map<std::string, std::string> read_env_file(const std::string& path);

}  // namespace mockhttp::detail
