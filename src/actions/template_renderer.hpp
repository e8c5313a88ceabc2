#pragma once
// Templated bodies: Jinja2's `{{ expression }}` for the lookups assertive-mock-api's templates
// use — `request.query.name`, `request.path_params.id`, `request.body.user.id`,
// `request.headers['x-request-id']`, `items.0`. No Debian package offers a Jinja engine for
// C++ (inja is not packaged), and lookups are all these templates need, so this is a small
// reader of that grammar only; anything else is a TemplateError that says what is unsupported.
//
// A substitution is written into a document a browser renders (text/html, SVG, XML) with HTML's
// special characters escaped: `Hello {{ request.query.name }}` must not hand whoever crafts the
// link a script that runs on mockhttp's own origin. `{{ ... | raw }}` (Jinja2's `| safe` too)
// writes a value as it is, for those who mean it.
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include <mockhttp/errors.hpp>
#include <mockhttp/recorded_request.hpp>
#include <mockhttp/response.hpp>

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

// How substitutions are written: as they are, or with & < > " ' escaped for HTML and XML.
enum class TemplateEscaping { none, html };

// html for the media types a browser renders as a document that can run script — text/html,
// application/xhtml+xml, image/svg+xml and any other XML (text/xml, application/xml, */*+xml,
// which may embed XHTML's <script>); none for every other type, and for no type at all.
TemplateEscaping escaping_for_content_type(const std::string& content_type);

// Strings render as they are, other values as compact JSON; then, unless the substitution says
// `| raw`, escaped as `escaping` asks. Throws TemplateError.
std::string render_template(const std::string& text, const TemplateContext& context,
                            TemplateEscaping escaping = TemplateEscaping::none);

// A templated response's body, escaped as its own Content-Type header asks.
std::string render_template_body(const Response& templated, const TemplateContext& context);

}  // namespace mockhttp::detail
