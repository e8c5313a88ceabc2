#pragma once
// Base64 (RFC 4648) encoding, for journaling bodies that are not UTF-8 text.
#include <string>
#include <string_view>

namespace mockhttp::detail {

std::string base64_encode(const std::string& bytes);
// Decodes the URL-safe alphabet ("-", "_"), padding optional (HTTP/2's HTTP2-Settings header);
// false on any other character.
bool base64url_decode(std::string_view text, std::string& bytes);
// Decodes the standard alphabet ("+", "/"), padding optional; false on any other character.
bool base64_decode(std::string_view text, std::string& bytes);

}  // namespace mockhttp::detail
