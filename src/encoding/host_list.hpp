#pragma once
// One grammar for every list of hosts an option or a policy holds (docs/security.md#host-lists):
// ServerOptions::forward_allowed_hosts and connect_passthrough_hosts, a replay policy's
// allowHosts and blockHosts, and ControlOptions::allowed_hosts. Each list once spoke its own
// dialect — one took "*.example.com", one read a name as its subdomains too, two took neither —
// so a host listed in one list was silently not listed in another.
//
// An entry is one of:
//   example.com       that host (case-insensitive, a trailing dot ignored)
//   *.example.com     any subdomain of example.com, not example.com itself
//   *                 any host
//   10.0.0.7, ::1     an IP address (an IPv6 one with or without brackets; any spelling of it)
// each optionally followed by :port ("api.test:8443", "[::1]:8080", "*:443"): then only that port.
// Thread safety: values; const member functions may be called from any thread.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mockhttp/errors.hpp>

namespace mockhttp::detail {

class HostPattern {
 public:
  enum class Kind { any_host, exact, subdomains };

  // The entry read, or nullopt with `problem` saying why it is not one.
  static std::optional<HostPattern> parse(std::string_view entry, std::string& problem);

  // Whether `host` (as a Host header, URL or CONNECT line names it: any case, brackets and a
  // trailing dot allowed) on `port` is one this entry names. With no port known, an entry that
  // names a port does not match.
  bool matches(std::string_view host, std::optional<int> port) const;
  // The same, where a bare name also covers its subdomains (the replay policy's reading).
  bool matches_with_subdomains(std::string_view host, std::optional<int> port) const;

  Kind kind() const { return kind_; }
  bool is_wildcard() const { return kind_ != Kind::exact; }
  const std::string& host() const { return host_; }  // lower-case, canonical; a subdomain entry's domain
  const std::optional<int>& port() const { return port_; }
  std::string text() const;  // the entry as written back: "*.example.com:443"

 private:
  bool port_allows(std::optional<int> port) const { return !port_ || port == port_; }

  Kind kind_ = Kind::exact;
  std::string host_;
  std::optional<int> port_;
};

// A list entry that is not in the grammar; what() names the list, the entry and why. Each list's
// owner says it in its own error (ServerError for an option, RuleError at its JSON Pointer).
class HostListError : public Error {
 public:
  HostListError(std::string list, std::size_t index, std::string entry, std::string problem);
  const std::string& list() const noexcept { return list_; }
  std::size_t index() const noexcept { return index_; }
  const std::string& entry() const noexcept { return entry_; }
  const std::string& problem() const noexcept { return problem_; }

 private:
  std::string list_;
  std::size_t index_;
  std::string entry_;
  std::string problem_;
};

class HostList {
 public:
  HostList() = default;
  // Every entry read; the first one that is not in the grammar throws HostListError naming
  // `list_name` ("ServerOptions::connect_passthrough_hosts").
  static HostList parse(const std::vector<std::string>& entries, const std::string& list_name);

  // The first entry that names `host` on `port`, or null.
  const HostPattern* match(std::string_view host, std::optional<int> port) const;
  bool matches(std::string_view host, std::optional<int> port) const { return match(host, port) != nullptr; }
  // Listed by name or address, not only by a wildcard: a test that names the very host.
  bool names(std::string_view host, std::optional<int> port) const;
  // The replay policy's reading: a bare name covers its subdomains too.
  bool matches_with_subdomains(std::string_view host, std::optional<int> port) const;

  bool empty() const { return patterns_.empty(); }
  const std::vector<HostPattern>& patterns() const { return patterns_; }

 private:
  std::vector<HostPattern> patterns_;
};

}  // namespace mockhttp::detail
