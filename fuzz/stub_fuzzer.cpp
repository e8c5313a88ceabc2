// The stub wire reader: POST /__mock__/stubs payloads and stub-file entries.
#include "fuzz_input.hpp"

#include <mockhttp/stub.hpp>

#include "encoding/bounded_json.hpp"

MOCKHTTP_FUZZ_TARGET(stub) {
  nlohmann::json document;
  try {
    document = mockhttp::detail::parse_bounded_json(mockhttp::fuzz::text_of(data, size));
  } catch (const std::exception&) {
    return 0;
  }
  mockhttp::fuzz::expecting_typed_errors([&] {
    const mockhttp::StubDefinition definition = mockhttp::StubDefinition::from_json(document);
    definition.validate();
    (void)mockhttp::StubDefinition::from_json(definition.to_json());
    (void)definition.request.describe();
  });
  return 0;
}
