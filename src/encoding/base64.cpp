#include "encoding/base64.hpp"

namespace mockhttp::detail {

std::string base64_encode(const std::string& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

namespace {

bool decode_with(std::string_view text, std::string& bytes, char sixty_two, char sixty_three) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  const auto value_of = [sixty_two, sixty_three](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == sixty_two) return 62;
    if (c == sixty_three) return 63;
    return -1;
  };
  bytes.clear();
  unsigned accumulated = 0;
  int bits = 0;
  for (const char c : text) {
    const int value = value_of(c);
    if (value < 0) return false;
    accumulated = (accumulated << 6) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes += static_cast<char>((accumulated >> bits) & 0xFF);
    }
  }
  return true;
}

}  // namespace

bool base64url_decode(std::string_view text, std::string& bytes) { return decode_with(text, bytes, '-', '_'); }
bool base64_decode(std::string_view text, std::string& bytes) { return decode_with(text, bytes, '+', '/'); }

}  // namespace mockhttp::detail
