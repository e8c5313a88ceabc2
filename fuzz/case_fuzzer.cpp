// The Softprobe case loader: shape, spans to exchanges, embedded rules, fixtures, lookups.
#include "fuzz_input.hpp"

#include <mockhttp/replay_case.hpp>

#include "encoding/bounded_json.hpp"

MOCKHTTP_FUZZ_TARGET(case) {
  nlohmann::json document;
  try {
    document = mockhttp::detail::parse_bounded_json(mockhttp::fuzz::text_of(data, size));
  } catch (const std::exception&) {
    return 0;
  }
  mockhttp::fuzz::expecting_typed_errors([&] {
    const mockhttp::ReplayCase loaded = mockhttp::ReplayCase::from_json(document);
    (void)loaded.find_all(mockhttp::CasePredicate::outbound());
    for (const auto& exchange : loaded.exchanges()) {
      (void)exchange.response.to_response();
      mockhttp::fuzz::expecting_typed_errors([&] { (void)exchange.response.json_body(); });
    }
  });
  return 0;
}
