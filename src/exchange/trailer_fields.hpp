#pragma once
// Which fields an answer may send after its body. RFC 9110 §6.5.1: a field the recipient needs
// before the content — how the message is framed, routed, authenticated or controlled, and what
// format its content is — must not be a trailer. Stub definitions are checked against this list
// when they are read or mounted; the transports check every trailer again before writing it, so
// a responder's answer can never put a framing field or a line break after a body.
#include <optional>
#include <string>

namespace mockhttp::detail {

// Why `name: value` cannot be sent as a trailer field, or nothing when it can. The name must be
// an HTTP token and not on the list (case-insensitive); the value must hold no CR, LF or NUL.
std::optional<std::string> why_not_a_trailer(const std::string& name, const std::string& value);

// Whether a TE header value lists the `trailers` token (RFC 9110 §10.1.4), any case, any place
// in the comma-separated list; "trailers;q=0" is not a parameterised form and is not taken.
bool te_accepts_trailers(const std::string& te_value);

}  // namespace mockhttp::detail
