#include "transport/address_kind.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstdint>

namespace mockhttp::detail {

namespace {

int sensitivity(AddressKind kind) {
  switch (kind) {
    case AddressKind::public_internet:
      return 0;
    case AddressKind::private_network:
      return 1;
    case AddressKind::special_purpose:
      return 2;
    case AddressKind::loopback:
      return 3;
    case AddressKind::link_local:
      return 4;
    case AddressKind::unresolved:
      return 5;
  }
  return 5;
}

AddressKind more_sensitive(AddressKind a, AddressKind b) { return sensitivity(a) >= sensitivity(b) ? a : b; }

struct V4Range {
  std::uint32_t network;
  int bits;
  AddressKind kind;
};

// IANA's IPv4 Special-Purpose Address Registry (RFC 6890 and its updates), each range with the
// kind a forward must treat it as; everything else is global. Written out here, not generated.
constexpr std::array<V4Range, 21> kV4Ranges{{
    {0x00000000, 32, AddressKind::loopback},         // 0.0.0.0: Linux connects it to the machine itself
    {0x00000000, 8, AddressKind::special_purpose},   // "this network"
    {0x0A000000, 8, AddressKind::private_network},   // 10/8
    {0x64400000, 10, AddressKind::private_network},  // 100.64/10, carrier-grade NAT
    {0x7F000000, 8, AddressKind::loopback},          // 127/8
    {0xA9FE0000, 16, AddressKind::link_local},       // 169.254/16, cloud metadata
    {0xAC100000, 12, AddressKind::private_network},  // 172.16/12
    {0xC0000000, 24, AddressKind::special_purpose},  // 192.0.0/24, IETF protocol assignments
    {0xC0000200, 24, AddressKind::special_purpose},  // 192.0.2/24, TEST-NET-1 (on some clouds, the gateway)
    {0xC01FC400, 24, AddressKind::special_purpose},  // 192.31.196/24, AS112
    {0xC034C100, 24, AddressKind::special_purpose},  // 192.52.193/24, AMT
    {0xC0586300, 24, AddressKind::special_purpose},  // 192.88.99/24, 6to4 relay anycast
    {0xC0A80000, 16, AddressKind::private_network},  // 192.168/16
    {0xC0AF3000, 24, AddressKind::special_purpose},  // 192.175.48/24, AS112 direct delegation
    {0xC6120000, 15, AddressKind::special_purpose},  // 198.18/15, benchmarking
    {0xC6336400, 24, AddressKind::special_purpose},  // 198.51.100/24, TEST-NET-2
    {0xCB007100, 24, AddressKind::special_purpose},  // 203.0.113/24, TEST-NET-3
    {0xE0000000, 4, AddressKind::special_purpose},   // 224/4, multicast
    {0xF0000000, 4, AddressKind::special_purpose},   // 240/4, reserved
    {0xFFFFFFFF, 32, AddressKind::special_purpose},  // limited broadcast
    {0x00000000, 0, AddressKind::public_internet},   // the rest
}};

AddressKind kind_of_v4(std::uint32_t address) {
  for (const auto& range : kV4Ranges) {
    const std::uint32_t mask = range.bits == 0 ? 0 : ~std::uint32_t{0} << (32 - range.bits);
    if ((address & mask) == range.network) return range.kind;
  }
  return AddressKind::public_internet;
}

std::uint32_t v4_at(const in6_addr& address, int byte) {
  return static_cast<std::uint32_t>(address.s6_addr[byte]) << 24 |
         static_cast<std::uint32_t>(address.s6_addr[byte + 1]) << 16 |
         static_cast<std::uint32_t>(address.s6_addr[byte + 2]) << 8 | address.s6_addr[byte + 3];
}

bool starts_with(const in6_addr& address, std::initializer_list<unsigned char> prefix, int bits) {
  int i = 0;
  for (const unsigned char byte : prefix) {
    const int left = bits - 8 * i;
    if (left <= 0) break;
    const unsigned char mask = left >= 8 ? 0xFF : static_cast<unsigned char>(0xFF << (8 - left));
    if ((address.s6_addr[i] & mask) != (byte & mask)) return false;
    ++i;
  }
  return true;
}

// IANA's IPv6 Special-Purpose Address Registry. Where an IPv4 address is embedded (mapped,
// compatible, NAT64, 6to4) the kind is that address's; a deprecated or translating form is at
// least special-purpose, since it leads somewhere other than where it seems to.
AddressKind kind_of_v6(const in6_addr& address) {
  if (IN6_IS_ADDR_LOOPBACK(&address) || IN6_IS_ADDR_UNSPECIFIED(&address)) return AddressKind::loopback;
  if (IN6_IS_ADDR_V4MAPPED(&address)) return kind_of_v4(v4_at(address, 12));  // ::ffff:a.b.c.d
  if (starts_with(address, {0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0},
                  96)) {  // ::ffff:0:a.b.c.d, IPv4-translated (SIIT)
    return more_sensitive(kind_of_v4(v4_at(address, 12)), AddressKind::special_purpose);
  }
  if (IN6_IS_ADDR_V4COMPAT(&address)) {  // ::a.b.c.d (deprecated)
    return more_sensitive(kind_of_v4(v4_at(address, 12)), AddressKind::special_purpose);
  }
  if (starts_with(address, {0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0}, 96)) {  // 64:ff9b::/96, NAT64
    return kind_of_v4(v4_at(address, 12));
  }
  if (starts_with(address, {0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01}, 48))
    return AddressKind::special_purpose;  // local NAT64
  if (starts_with(address, {0x01, 0x00, 0, 0, 0, 0, 0, 0}, 64))
    return AddressKind::special_purpose;         // 100::/64 discard
  if (starts_with(address, {0x20, 0x02}, 16)) {  // 2002::/16, 6to4
    return more_sensitive(kind_of_v4(v4_at(address, 2)), AddressKind::special_purpose);
  }
  if (starts_with(address, {0x20, 0x01, 0x0D, 0xB8}, 32))
    return AddressKind::special_purpose;  // 2001:db8::/32, documentation
  if (starts_with(address, {0x20, 0x01, 0x00}, 23))
    return AddressKind::special_purpose;                                            // 2001::/23, Teredo and others
  if (starts_with(address, {0x3F, 0xFF}, 20)) return AddressKind::special_purpose;  // 3fff::/20, documentation
  if (starts_with(address, {0x5F, 0x00}, 16)) return AddressKind::special_purpose;  // 5f00::/16, SRv6 SIDs
  if (IN6_IS_ADDR_LINKLOCAL(&address)) return AddressKind::link_local;              // fe80::/10
  if (IN6_IS_ADDR_SITELOCAL(&address)) return AddressKind::private_network;         // fec0::/10 (deprecated)
  if ((address.s6_addr[0] & 0xFE) == 0xFC) return AddressKind::private_network;     // fc00::/7, unique local
  if (IN6_IS_ADDR_MULTICAST(&address)) return AddressKind::special_purpose;         // ff00::/8
  // Global unicast is 2000::/3; the rest of the space (1::, 4000::, 8000::, ...) is reserved by the IETF.
  if ((address.s6_addr[0] & 0xE0) != 0x20) return AddressKind::special_purpose;
  return AddressKind::public_internet;
}

}  // namespace

AddressKind classify_host(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (host.empty() || ::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) {
    return AddressKind::unresolved;
  }
  AddressKind worst = AddressKind::public_internet;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    AddressKind kind = AddressKind::unresolved;
    if (a->ai_family == AF_INET) {
      kind = kind_of_v4(ntohl(reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr.s_addr));
    } else if (a->ai_family == AF_INET6) {
      kind = kind_of_v6(reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr);
    }
    worst = more_sensitive(worst, kind);
  }
  ::freeaddrinfo(found);
  return worst;
}

const char* describe(AddressKind kind) {
  switch (kind) {
    case AddressKind::public_internet:
      return "a public address";
    case AddressKind::private_network:
      return "a private-network address";
    case AddressKind::special_purpose:
      return "a special-purpose address (documentation, benchmarking, multicast, reserved or a translated form; "
             "IANA's special-purpose registries)";
    case AddressKind::loopback:
      return "a loopback address";
    case AddressKind::link_local:
      return "a link-local address (cloud metadata lives there)";
    case AddressKind::unresolved:
      return "no address (it does not resolve)";
  }
  return "an unknown address";
}

}  // namespace mockhttp::detail
