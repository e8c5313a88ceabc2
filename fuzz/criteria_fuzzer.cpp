// The criteria reader and evaluation: any JSON document read as criteria, then applied to a
// few subjects and to the input itself (as $json would).
#include "fuzz_input.hpp"

#include <mockhttp/criteria.hpp>

#include "encoding/bounded_json.hpp"

MOCKHTTP_FUZZ_TARGET(criteria) {
  const std::string text = mockhttp::fuzz::text_of(data, size);
  nlohmann::json document;
  try {
    document = mockhttp::detail::parse_bounded_json(text);
  } catch (const std::exception&) {
    return 0;  // not JSON, or too deep: the reader never sees it
  }
  mockhttp::fuzz::expecting_typed_errors([&] {
    const mockhttp::Criteria criteria = mockhttp::Criteria::from_json(document);
    for (const nlohmann::json& subject : {nlohmann::json(text), nlohmann::json(42), nlohmann::json::array({1, "a"}),
                                          nlohmann::json{{"a", 1}}, nlohmann::json(nullptr), document}) {
      (void)criteria.evaluate(subject).reason.size();
    }
    (void)mockhttp::json_body(criteria).evaluate(text);
    (void)criteria.describe();
    (void)mockhttp::Criteria::from_json(criteria.to_json());
  });
  return 0;
}
