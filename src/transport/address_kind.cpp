#include "transport/address_kind.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>

namespace mockhttp::detail {

namespace {

int sensitivity(AddressKind kind) {
  switch (kind) {
    case AddressKind::public_internet: return 0;
    case AddressKind::private_network: return 1;
    case AddressKind::loopback: return 2;
    case AddressKind::link_local: return 3;
    case AddressKind::unresolved: return 4;
  }
  return 4;
}

AddressKind kind_of_v4(std::uint32_t address) {
  const auto in = [&](std::uint32_t network, int bits) {
    const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
    return (address & mask) == network;
  };
  if (in(0x7F000000, 8) || address == 0) return AddressKind::loopback;
  if (in(0xA9FE0000, 16)) return AddressKind::link_local;
  if (in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16) || in(0x64400000, 10)) {
    return AddressKind::private_network;
  }
  return AddressKind::public_internet;
}

AddressKind kind_of_v6(const in6_addr& address) {
  if (IN6_IS_ADDR_LOOPBACK(&address) || IN6_IS_ADDR_UNSPECIFIED(&address)) return AddressKind::loopback;
  if (IN6_IS_ADDR_V4MAPPED(&address)) {
    std::uint32_t v4;
    std::copy(address.s6_addr + 12, address.s6_addr + 16, reinterpret_cast<unsigned char*>(&v4));
    return kind_of_v4(ntohl(v4));
  }
  if (IN6_IS_ADDR_LINKLOCAL(&address)) return AddressKind::link_local;
  if ((address.s6_addr[0] & 0xFE) == 0xFC) return AddressKind::private_network;
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
    if (sensitivity(kind) > sensitivity(worst)) worst = kind;
  }
  ::freeaddrinfo(found);
  return worst;
}

const char* describe(AddressKind kind) {
  switch (kind) {
    case AddressKind::public_internet: return "a public address";
    case AddressKind::private_network: return "a private-network address";
    case AddressKind::loopback: return "a loopback address";
    case AddressKind::link_local: return "a link-local address (cloud metadata lives there)";
    case AddressKind::unresolved: return "no address (it does not resolve)";
  }
  return "an unknown address";
}

}  // namespace mockhttp::detail
