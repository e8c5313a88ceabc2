#include "encoding/authority.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>

#include "encoding/unicode_text.hpp"

namespace mockhttp::detail {

std::optional<int> port_number(std::string_view digits) {
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  int port = 0;
  for (const char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    port = port * 10 + (c - '0');
  }
  if (port < 1 || port > 65535) return std::nullopt;
  return port;
}

namespace {

// inet_pton reads a C string: a NUL inside `host` would end it early, and "::1\0junk" would pass
// as ::1 while the host kept its junk. Such a host is no address.
bool is_ipv6(std::string_view host) {
  in6_addr address{};
  return host.size() < INET6_ADDRSTRLEN && host.find('\0') == std::string_view::npos &&
         inet_pton(AF_INET6, std::string(host).c_str(), &address) == 1;
}

bool is_ipv4(std::string_view host) {
  in_addr address{};
  return host.size() < INET_ADDRSTRLEN && host.find('\0') == std::string_view::npos &&
         inet_pton(AF_INET, std::string(host).c_str(), &address) == 1;
}

// Why `host` is no DNS name (RFC 1123 labels: letters, digits and '-', not at either end of a
// label, 1 to 63 characters each, 253 in all; a trailing dot is allowed; '_' is taken, as
// resolvers do), or "" when it is one.
std::string why_not_a_host_name(std::string_view host) {
  const std::string_view name = !host.empty() && host.back() == '.' ? host.substr(0, host.size() - 1) : host;
  if (name.empty() || name.size() > 253) return "a host name has 1 to 253 characters";
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t end = std::min(name.find('.', start), name.size());
    const std::string_view label = name.substr(start, end - start);
    if (label.empty()) return "it has an empty label (\"..\" or a leading dot)";
    if (label.size() > 63) return "a label has more than 63 characters";
    if (label.front() == '-' || label.back() == '-') return "a label starts or ends with '-'";
    if (!std::all_of(label.begin(), label.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; })) {
      return "only letters, digits, '-' and '_' may stand in a label";
    }
    start = end + 1;
  }
  return "";
}

// An authority cut into its pieces, before any of them is judged.
struct AuthorityPieces {
  std::string_view host;
  std::optional<std::string_view> port;  // the text after the port's colon, when there is one
  bool bracketed = false;
  bool shaped = true;  // false: a '[' never closed, or something other than ':' after the ']'
};

AuthorityPieces cut(std::string_view text) {
  AuthorityPieces pieces;
  if (!text.empty() && text.front() == '[') {
    pieces.bracketed = true;
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      pieces.host = text.substr(1);
      pieces.shaped = false;
      return pieces;
    }
    pieces.host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() == ':') {
        pieces.port = rest.substr(1);
      } else {
        pieces.shaped = false;
      }
    }
    return pieces;
  }
  const auto colon = text.rfind(':');
  // Two colons or more unbracketed: an IPv6 address written bare, which can carry no port.
  if (colon == std::string_view::npos || (text.find(':') != colon && is_ipv6(text))) {
    pieces.host = text;
    return pieces;
  }
  pieces.host = text.substr(0, colon);
  pieces.port = text.substr(colon + 1);
  return pieces;
}

}  // namespace

Authority parse_authority(std::string_view text) {
  const AuthorityPieces pieces = cut(text);
  Authority out;
  out.host = ascii_lowercase(std::string(pieces.host));
  if (pieces.port) out.port = port_number(*pieces.port);
  return out;
}

std::optional<Authority> read_authority(std::string_view text, const PortRule& rule, const std::string& what,
                                        std::string& problem) {
  if (text.empty()) {
    problem = what + " is empty";
    return std::nullopt;
  }
  const AuthorityPieces pieces = cut(text);
  const std::string shape = pieces.bracketed ? (rule.required ? "[address]:port" : "[address] or [address]:port")
                                             : (rule.required ? "host:port" : "host or host:port");
  const bool many_colons = !pieces.bracketed && pieces.port && pieces.host.find(':') != std::string_view::npos;
  if (!pieces.shaped || many_colons || (rule.required && !pieces.port)) {
    problem = what + " \"" + quoted_for_message(text, 300) + "\" is not " + shape;
    return std::nullopt;
  }
  if (pieces.bracketed && !is_ipv6(pieces.host)) {
    problem = what + "'s host \"[" + quoted_for_message(pieces.host, 100) + "]\" is not an IPv6 address";
    return std::nullopt;
  }
  if (!pieces.bracketed) {
    if (const std::string why = why_not_a_host(pieces.host); !why.empty()) {
      problem =
          what + "'s host \"" + quoted_for_message(pieces.host, 300) + "\" is not a host name or an IP address: " + why;
      return std::nullopt;
    }
  }
  Authority out;
  out.host = ascii_lowercase(std::string(pieces.host));
  if (pieces.port) {
    out.port = port_number(*pieces.port);
    if (!out.port) {
      problem = what + "'s port \"" + quoted_for_message(*pieces.port, 40) + "\" is not a number from 1 to 65535";
      return std::nullopt;
    }
  } else if (rule.default_port > 0) {
    out.port = rule.default_port;
  }
  return out;
}

std::string why_not_a_host(std::string_view host) {
  if (host.find(':') != std::string_view::npos) return is_ipv6(host) ? "" : "it is not an IPv6 address";
  if (is_ipv4(host)) return "";
  return why_not_a_host_name(host);
}

std::string canonical_host(std::string_view host) {
  if (host.find(':') == std::string_view::npos || !is_ipv6(host)) return std::string(host);
  in6_addr address{};
  inet_pton(AF_INET6, std::string(host).c_str(), &address);
  char text[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &address, text, sizeof text);
  return text;
}

int default_port(std::string_view scheme) {
  const std::string lower = ascii_lowercase(std::string(scheme));
  if (lower == "http" || lower == "ws") return 80;
  if (lower == "https" || lower == "wss") return 443;
  return 0;
}

std::string format_authority(const std::string& host, int port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string quoted_for_message(std::string_view text, std::size_t limit) {
  static const char kHex[] = "0123456789abcdef";
  std::string printable;
  for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x7F) {
      printable += text[i];
    } else {
      printable += std::string("\\x") + kHex[byte >> 4] + kHex[byte & 0xF];
    }
  }
  return text.size() <= limit ? printable : printable + "... (" + std::to_string(text.size()) + " bytes)";
}

}  // namespace mockhttp::detail
