#pragma once
// The two body encodings of HTML forms, read for the $form and $multipart criteria:
// application/x-www-form-urlencoded (WHATWG URL's form parsing) and multipart/form-data
// (RFC 7578 on RFC 2046's framing). Both readers are strict enough to tell a body of another
// type apart, and say why: a JSON body is not a form, a body without a boundary line is not
// multipart.
// Thread safety: pure functions.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mockhttp::detail {

using FormFields = std::vector<std::pair<std::string, std::string>>;  // in body order, repeats kept

// `a=1&b=x+y&c=%C3%A9` -> {a: "1", b: "x y", c: "é"}. nullopt, with `why`, for a byte no form
// encoder writes (white space, quotes, braces, non-ASCII) or a broken %-escape.
std::optional<FormFields> parse_form_urlencoded(std::string_view body, std::string& why);

struct ReceivedPart {
  std::string name;                     // Content-Disposition's name
  std::optional<std::string> filename;  // its filename, when given
  std::optional<std::string> content_type;
  FormFields headers;  // names lower-cased
  std::string body;
};

// The boundary is read from the body's first delimiter line ("--BOUNDARY"), so a criteria on
// the body alone can read it; parts are separated by CRLF "--BOUNDARY" and the last delimiter
// ends with "--". nullopt, with `why`, when the framing or a part's headers are broken.
std::optional<std::vector<ReceivedPart>> parse_multipart(std::string_view body, std::string& why);

}  // namespace mockhttp::detail
