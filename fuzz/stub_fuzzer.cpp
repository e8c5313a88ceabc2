// The stub wire reader: POST /__mock__/stubs payloads and stub-file entries.
#include "fuzz_input.hpp"

#include <mockhttp/stub.hpp>

MOCKHTTP_FUZZ_TARGET(stub) {
  const auto parsed = mockhttp::fuzz::json_of(data, size);
  if (!parsed) return 0;
  const nlohmann::json& document = *parsed;
  mockhttp::fuzz::expecting_typed_errors([&] {
    const mockhttp::StubDefinition definition = mockhttp::StubDefinition::from_json(document);
    definition.validate();
    (void)mockhttp::StubDefinition::from_json(definition.to_json());
    (void)definition.request.describe();
  });
  return 0;
}
