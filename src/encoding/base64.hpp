#pragma once
// Base64 (RFC 4648) encoding, for journaling bodies that are not UTF-8 text.
#include <string>

namespace mockhttp::detail {

std::string base64_encode(const std::string& bytes);

}  // namespace mockhttp::detail
