#pragma once
// Templated bodies: Jinja2's `{{ expression }}` for the lookups assertive-mock-api's templates
// use — `request.query.name`, `request.path_params.id`, `request.body.user.id`,
// `request.headers['x-request-id']`, `items.0`. No Debian package offers a Jinja engine for
// C++ (inja is not packaged), and lookups are all these templates need, so this is a small
// reader of that grammar only; anything else is a TemplateError that says what is unsupported.
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include <mockhttp/errors.hpp>
#include <mockhttp/recorded_request.hpp>

namespace mockhttp::detail {

// What `request.*` resolves to. The body is parsed as JSON only when a template reads it, and
// only when the request's content type is JSON (application/json or */*+json).
class TemplateContext {
 public:
  explicit TemplateContext(const RecordedRequest& request);
  // Throws TemplateError when the expression names nothing.
  nlohmann::json lookup(const std::string& expression) const;

 private:
  const nlohmann::json& body() const;

  nlohmann::json request_;  // every field but the body
  const RecordedRequest& source_;
  mutable std::optional<nlohmann::json> body_;
};

// Strings render as they are, other values as compact JSON. Throws TemplateError.
std::string render_template(const std::string& text, const TemplateContext& context);

}  // namespace mockhttp::detail
