// The Softprobe case loader: shape, spans to exchanges, embedded rules, fixtures, lookups.
#include "fuzz_input.hpp"

#include <mockhttp/replay_case.hpp>

MOCKHTTP_FUZZ_TARGET(case) {
  const auto parsed = mockhttp::fuzz::json_of(data, size);
  if (!parsed) return 0;
  const nlohmann::json& document = *parsed;
  mockhttp::fuzz::expecting_typed_errors([&] {
    const mockhttp::ReplayCase loaded = mockhttp::ReplayCase::from_json(document);
    (void)loaded.find_all(mockhttp::CasePredicate::outbound());
    for (const auto& exchange : loaded.exchanges()) {
      (void)exchange.response.to_response();
      mockhttp::fuzz::expecting_typed_errors([&] { (void)exchange.response.body_as_json(); });
    }
  });
  return 0;
}
