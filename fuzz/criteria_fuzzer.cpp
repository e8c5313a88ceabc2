// The criteria reader and evaluation: any JSON document read as criteria, then applied to a
// few subjects and to the input itself (as $json would).
#include "fuzz_input.hpp"

#include <mockhttp/criteria.hpp>

MOCKHTTP_FUZZ_TARGET(criteria) {
  const std::string text = mockhttp::fuzz::text_of(data, size);
  const auto parsed = mockhttp::fuzz::json_of(data, size);
  if (!parsed) return 0;
  const nlohmann::json& document = *parsed;
  mockhttp::fuzz::expecting_typed_errors([&] {
    const mockhttp::Criteria criteria = mockhttp::Criteria::from_json(document);
    for (const nlohmann::json& subject : {nlohmann::json(text), nlohmann::json(42), nlohmann::json::array({1, "a"}),
                                          nlohmann::json{{"a", 1}}, nlohmann::json(nullptr), document}) {
      (void)criteria.evaluate(subject).reason.size();
    }
    (void)mockhttp::as_json(criteria).evaluate(text);
    (void)criteria.describe();
    (void)mockhttp::Criteria::from_json(criteria.to_json());
  });
  return 0;
}
