// The replay rule and policy readers, and a rule's compilation into the stubs' matcher.
#include "fuzz_input.hpp"

#include <mockhttp/replay_rule.hpp>

#include "encoding/bounded_json.hpp"

MOCKHTTP_FUZZ_TARGET(rule) {
  nlohmann::json document;
  try {
    document = mockhttp::detail::parse_bounded_json(mockhttp::fuzz::text_of(data, size));
  } catch (const std::exception&) {
    return 0;
  }
  mockhttp::fuzz::expecting_typed_errors([&] {
    const mockhttp::ReplayRule rule = mockhttp::ReplayRule::from_json(document);
    (void)rule.matcher().describe();
    (void)mockhttp::ReplayRule::from_json(rule.to_json());
  });
  mockhttp::fuzz::expecting_typed_errors([&] { (void)mockhttp::ReplayPolicy::from_json(document).to_json(); });
  return 0;
}
