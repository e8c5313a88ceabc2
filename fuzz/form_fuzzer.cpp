// The form body readers under hostile bytes: the input read as an urlencoded form and as a
// multipart body, and the $form/$multipart criteria applied to it as a stub would.
#include "fuzz_input.hpp"

#include <mockhttp/criteria.hpp>

#include "encoding/form_body.hpp"

MOCKHTTP_FUZZ_TARGET(form) {
  const std::string text = mockhttp::fuzz::text_of(data, size);
  std::string why;
  if (const auto fields = mockhttp::detail::parse_form_urlencoded(text, why)) {
    for (const auto& [name, value] : *fields) (void)(name.size() + value.size());
  }
  if (const auto parts = mockhttp::detail::parse_multipart(text, why)) {
    for (const auto& part : *parts) (void)(part.name.size() + part.body.size() + part.headers.size());
  }
  mockhttp::fuzz::expecting_typed_errors([&] {
    using namespace mockhttp;
    const Criteria on_form = form({{"a", exists()}, {"b", contains({"x"})}});
    const Criteria on_parts = multipart({{"file", MultipartPart{}
                                                      .filename(ends_with(".png"))
                                                      .header("x-a", exists())
                                                      .body(as_json(key_values({{"id", gt(0)}})))},
                                         {"", MultipartPart{}.content_type(regex("^text/"))}});
    (void)on_form.evaluate(text).reason.size();
    (void)on_parts.evaluate(text).reason.size();
  });
  return 0;
}
