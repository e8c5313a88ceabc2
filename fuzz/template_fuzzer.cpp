// The template renderer, plain and HTML-escaped: the first line is the template, the rest the
// JSON request body.
#include "fuzz_input.hpp"

#include <mockhttp/recorded_request.hpp>

#include "actions/template_renderer.hpp"

MOCKHTTP_FUZZ_TARGET(template) {
  const std::string text = mockhttp::fuzz::text_of(data, size);
  const auto newline = text.find('\n');
  mockhttp::RecordedRequest request;
  request.method = "POST";
  request.path = "/users/7";
  request.query = {{"name", "Ada"}};
  request.headers = {{"Content-Type", "application/json"}, {"X-Request-Id", "r-1"}};
  request.path_params = {{"id", "7"}};
  request.body = newline == std::string::npos ? "" : text.substr(newline + 1);
  const std::string pattern = text.substr(0, newline);
  mockhttp::fuzz::expecting_typed_errors([&] {
    const mockhttp::detail::TemplateContext context(request);
    (void)mockhttp::detail::render_template(pattern, context);
    // As a text/html stub renders it: escaped, unless `| raw`.
    (void)mockhttp::detail::render_template(pattern, context, mockhttp::detail::TemplateEscaping::html);
  });
  return 0;
}
