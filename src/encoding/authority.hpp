#pragma once
// The one reader of authorities — host, port, IPv6 brackets — for every place that splits one:
// a Host header, a CONNECT target, a URL's authority, an entry of a host list. Two readings of
// the same grammar: a lenient one for what a client sent and mockhttp only records (it never
// fails, the request is answered whatever its Host), and a strict one for what must name a real
// host and port (a CONNECT target, an option) and says what is wrong.
// Thread safety: pure functions.
#include <optional>
#include <string>
#include <string_view>

namespace mockhttp::detail {

struct Authority {
  std::string host;         // lower-case; an IPv6 address without its brackets
  std::optional<int> port;  // absent, or not a port number (1-65535): nullopt
};

// Lenient. "Example.COM:8080" -> {"example.com", 8080}; "[::1]:80" -> {"::1", 80};
// "api" -> {"api", -}; "::1" (an IPv6 address written bare) -> {"::1", -}.
Authority parse_authority(std::string_view text);

// What the strict reading asks of the port.
struct PortRule {
  bool required = false;  // a CONNECT target: host:port, always
  int default_port = 0;   // when none is written and none is required (80, 443); 0: none
};

// Strict: a host name (RFC 1123 labels; a trailing dot allowed), an IPv4 address or an IPv6
// address in brackets (bare when no port follows and `rule` does not require one), then
// optionally ':' and a port from 1 to 65535. nullopt with `problem` set, worded about `what`
// ("the CONNECT target"): the authority is not host:port, its host or its port is bad.
std::optional<Authority> read_authority(std::string_view text, const PortRule& rule, const std::string& what,
                                        std::string& problem);

// "8080" -> 8080; nullopt unless 1 to 5 digits making 1 to 65535.
std::optional<int> port_number(std::string_view digits);

// Why `host` (without brackets or port) is neither a host name nor an IP address, or "".
std::string why_not_a_host(std::string_view host);

// The IPv6 address `host` spelled in its one canonical form ("0:0::1" -> "::1"); any other host
// as it is.
std::string canonical_host(std::string_view host);

// The port a scheme's URLs mean when they name none: 80 (http, ws), 443 (https, wss), else 0.
int default_port(std::string_view scheme);

// host:port as a URL or a CONNECT line writes it: an IPv6 host in brackets.
std::string format_authority(const std::string& host, int port);

// `text` as a message quotes it: a byte that is not printable ASCII is written \xNN (messages are
// JSON, and raw bytes such as 0xFF would not write), and past `limit` bytes it is cut, its length
// said.
std::string quoted_for_message(std::string_view text, std::size_t limit);

}  // namespace mockhttp::detail
