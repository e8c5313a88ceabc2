#include "exchange/trailer_fields.hpp"

#include <array>

#include "encoding/unicode_text.hpp"

namespace mockhttp::detail {

namespace {

// Fields a recipient must see before the content (RFC 9110 §6.5.1), by what they do:
constexpr std::array<const char*, 31> kNeverTrailers = {
    // message framing and the connection
    "content-length", "transfer-encoding", "trailer", "te", "connection", "keep-alive", "proxy-connection", "upgrade",
    // routing and request modifiers
    "host", "expect", "range", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "if-range",
    "max-forwards",
    // authentication
    "authorization", "proxy-authorization", "www-authenticate", "proxy-authenticate",
    // response controls
    "cache-control", "expires", "location", "retry-after", "vary", "set-cookie",
    // the content's format
    "content-type", "content-encoding", "content-range", "content-security-policy"};

// RFC 9110 §5.6.2's tchar.
bool token_character(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  for (const char allowed : std::string("!#$%&'*+-.^_`|~")) {
    if (c == allowed) return true;
  }
  return false;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace

std::optional<std::string> why_not_a_trailer(const std::string& name, const std::string& value) {
  if (name.empty()) return std::string("a trailer field needs a name");
  for (const char c : name) {
    if (!token_character(c)) return "\"" + name + "\" is not a field name (letters, digits and !#$%&'*+-.^_`|~ only)";
  }
  for (const char* forbidden : kNeverTrailers) {
    if (ascii_equals_ignoring_case(name, forbidden)) {
      return name +
             " may not be a trailer: a recipient needs it before the body (RFC 9110 §6.5.1; docs/stubs.md lists "
             "the fields)";
    }
  }
  for (const char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') return "the value of trailer " + name + " holds a CR, LF or NUL";
  }
  return std::nullopt;
}

bool te_accepts_trailers(const std::string& te_value) {
  std::size_t start = 0;
  while (start <= te_value.size()) {
    const std::size_t comma = te_value.find(',', start);
    const std::string item =
        trim(te_value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (ascii_equals_ignoring_case(item, "trailers")) return true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return false;
}

}  // namespace mockhttp::detail
