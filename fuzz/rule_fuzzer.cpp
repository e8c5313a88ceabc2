// The replay rule and policy readers, and a rule's compilation into the stubs' matcher.
#include "fuzz_input.hpp"

#include <mockhttp/replay_rule.hpp>

MOCKHTTP_FUZZ_TARGET(rule) {
  const auto parsed = mockhttp::fuzz::json_of(data, size);
  if (!parsed) return 0;
  const nlohmann::json& document = *parsed;
  mockhttp::fuzz::expecting_typed_errors([&] {
    const mockhttp::ReplayRule rule = mockhttp::ReplayRule::from_json(document);
    (void)rule.matcher().describe();
    (void)mockhttp::ReplayRule::from_json(rule.to_json());
  });
  mockhttp::fuzz::expecting_typed_errors([&] { (void)mockhttp::ReplayPolicy::from_json(document).to_json(); });
  return 0;
}
