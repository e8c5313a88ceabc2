#pragma once
// What kind of network a host name or address leads to, for forwarding: a proxy stub or a
// replay passthrough must not become a way into the machine's own services, the local network
// or a cloud's metadata endpoint (SSRF) unless the test said so.
// Thread safety: safe from any thread (getaddrinfo).
#include <string>

namespace mockhttp::detail {

enum class AddressKind {
  public_internet,
  private_network,  // 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7, fec0::/10
  special_purpose,  // TEST-NETs, 198.18/15, 224/4, 240/4, 2001:db8::/32, ff00::/8, 6to4, IPv6 outside 2000::/3, ...
  loopback,         // 127/8, ::1, 0.0.0.0, ::
  link_local,       // 169.254/16 (cloud metadata), fe80::/10
  unresolved,
};

// The most sensitive kind among every address `host` resolves to (link-local before loopback
// before special-purpose before private before public), an embedded IPv4 address (::ffff:,
// 64:ff9b::, 2002::) classified as itself: a name that resolves to one public and one loopback address
// counts as loopback.
AddressKind classify_host(const std::string& host);

const char* describe(AddressKind kind);  // "a link-local address", ...

}  // namespace mockhttp::detail
