#pragma once
// What the JSON forms of a stub (wire/stub_json.cpp) share with the C++ builder: the check of a
// scenario's name or state, so both refuse the same text with the same words.
#include <string>

namespace mockhttp::detail {

// Throws StubError naming `field` when `value` is empty or longer than kMaxScenarioText.
void require_scenario_text(const std::string& value, const char* field);

}  // namespace mockhttp::detail
