#include "encoding/host_list.hpp"

#include "encoding/authority.hpp"
#include "encoding/unicode_text.hpp"

namespace mockhttp::detail {

namespace {

// A host as the lists compare it: lower-case, without brackets or a trailing dot, an IPv6
// address in its canonical spelling ("0:0::1" and "[::1]" are both "::1").
std::string comparable(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return canonical_host(ascii_lowercase(std::string(host)));
}

bool is_subdomain_of(const std::string& host, const std::string& domain) {
  return host.size() > domain.size() + 1 && host.compare(host.size() - domain.size(), domain.size(), domain) == 0 &&
         host[host.size() - domain.size() - 1] == '.';
}

}  // namespace

std::optional<HostPattern> HostPattern::parse(std::string_view entry, std::string& problem) {
  if (entry.empty()) {
    problem = "an entry is empty (write a host, \"*.\" and a domain, or \"*\")";
    return std::nullopt;
  }
  for (const char c : entry) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) {
      problem = "an entry holds no space or control character (one host per entry)";
      return std::nullopt;
    }
  }
  if (entry.find('/') != std::string_view::npos) {
    problem = "an entry is a host, not a URL or a path (\"http://api.test/x\" is written \"api.test\")";
    return std::nullopt;
  }
  HostPattern pattern;
  if (entry.front() == '*') {
    // A wildcard: "*" or "*.domain", then maybe ":port". A colon after it can only be the port's.
    const auto colon = entry.find(':');
    const std::string_view wildcard = entry.substr(0, colon);
    if (colon != std::string_view::npos) {
      pattern.port_ = port_number(entry.substr(colon + 1));
      if (!pattern.port_) {
        problem =
            "the port \"" + quoted_for_message(entry.substr(colon + 1), 40) + "\" is not a number from 1 to 65535";
        return std::nullopt;
      }
    }
    if (wildcard == "*") {
      pattern.kind_ = Kind::any_host;
      return pattern;
    }
    if (wildcard == "*.") {
      problem = "\"*.\" needs a domain after it (\"*.example.com\")";
      return std::nullopt;
    }
    const std::string_view domain = wildcard.substr(wildcard.rfind("*.", 0) == 0 ? 2 : 0);
    if (wildcard.rfind("*.", 0) != 0 || domain.find('*') != std::string_view::npos) {
      problem = "'*' stands alone (\"*\") or as the whole first label (\"*.example.com\")";
      return std::nullopt;
    }
    if (const std::string why = why_not_a_host(domain); !why.empty()) {
      problem = "the domain after \"*.\" is not a host name: " + why;
      return std::nullopt;
    }
    pattern.kind_ = Kind::subdomains;
    pattern.host_ = comparable(domain);
    return pattern;
  }
  if (entry.find('*') != std::string_view::npos) {
    problem = "'*' stands alone (\"*\") or as the whole first label (\"*.example.com\")";
    return std::nullopt;
  }
  const auto authority = read_authority(entry, PortRule{}, "the entry", problem);
  if (!authority) return std::nullopt;
  pattern.host_ = comparable(authority->host);
  pattern.port_ = authority->port;
  return pattern;
}

bool HostPattern::matches(std::string_view host, std::optional<int> port) const {
  if (!port_allows(port)) return false;
  if (kind_ == Kind::any_host) return true;
  const std::string candidate = comparable(host);
  return kind_ == Kind::exact ? candidate == host_ : is_subdomain_of(candidate, host_);
}

bool HostPattern::matches_with_subdomains(std::string_view host, std::optional<int> port) const {
  if (matches(host, port)) return true;
  return kind_ == Kind::exact && port_allows(port) && is_subdomain_of(comparable(host), host_);
}

std::string HostPattern::text() const {
  std::string out = kind_ == Kind::any_host                ? "*"
                    : kind_ == Kind::subdomains            ? "*." + host_
                    : host_.find(':') != std::string::npos ? "[" + host_ + "]"
                                                           : host_;
  return port_ ? out + ":" + std::to_string(*port_) : out;
}

HostListError::HostListError(std::string list, std::size_t index, std::string entry, std::string problem)
    : Error(list + "[" + std::to_string(index) + "] \"" + quoted_for_message(entry, 300) + "\": " + problem),
      list_(std::move(list)),
      index_(index),
      entry_(std::move(entry)),
      problem_(std::move(problem)) {}

HostList HostList::parse(const std::vector<std::string>& entries, const std::string& list_name) {
  HostList list;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::string problem;
    auto pattern = HostPattern::parse(entries[i], problem);
    if (!pattern) throw HostListError(list_name, i, entries[i], problem);
    list.patterns_.push_back(std::move(*pattern));
  }
  return list;
}

const HostPattern* HostList::match(std::string_view host, std::optional<int> port) const {
  for (const auto& pattern : patterns_) {
    if (pattern.matches(host, port)) return &pattern;
  }
  return nullptr;
}

bool HostList::names(std::string_view host, std::optional<int> port) const {
  for (const auto& pattern : patterns_) {
    if (!pattern.is_wildcard() && pattern.matches(host, port)) return true;
  }
  return false;
}

bool HostList::matches_with_subdomains(std::string_view host, std::optional<int> port) const {
  for (const auto& pattern : patterns_) {
    if (pattern.matches_with_subdomains(host, port)) return true;
  }
  return false;
}

}  // namespace mockhttp::detail
