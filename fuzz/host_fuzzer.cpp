// The authority reader and the host-list grammar under hostile bytes: each line of the input read
// as a Host header, as a CONNECT target, as a URL authority and as a host-list entry, and all the
// lines as one list. Beyond not crashing, what either reader accepts must read back the same when
// written out again, and an entry must match the very host it names.
#include <cstdlib>

#include "encoding/authority.hpp"
#include "encoding/host_list.hpp"
#include "fuzz_input.hpp"

namespace {

// A broken promise of the readers: a finding, as a crash is.
void require(bool holds) {
  if (!holds) std::abort();
}

void read_as_authority(const std::string& line) {
  using namespace mockhttp::detail;
  const Authority lenient = parse_authority(line);
  require(!lenient.port || (*lenient.port >= 1 && *lenient.port <= 65535));
  for (const PortRule rule : {PortRule{true, 0}, PortRule{false, 443}, PortRule{}}) {
    std::string problem;
    const auto strict = read_authority(line, rule, "the line", problem);
    require(strict.has_value() == problem.empty());
    if (!strict) continue;
    require(!rule.required || strict->port.has_value());
    if (!strict->port) continue;
    // Written out and read again: the same host and port.
    std::string again_problem;
    const auto again =
        read_authority(format_authority(strict->host, *strict->port), PortRule{true, 0}, "again", again_problem);
    require(again && again->host == strict->host && again->port == strict->port);
  }
}

void read_as_entry(const std::string& line) {
  using namespace mockhttp::detail;
  std::string problem;
  const auto pattern = HostPattern::parse(line, problem);
  require(pattern.has_value() == problem.empty());
  if (!pattern) return;
  // Its written form is an entry too, and the same one.
  std::string again_problem;
  const auto again = HostPattern::parse(pattern->text(), again_problem);
  require(again && again->text() == pattern->text());
  const std::optional<int> port = pattern->port() ? pattern->port() : std::optional<int>(80);
  switch (pattern->kind()) {
    case HostPattern::Kind::any_host:
      require(pattern->matches("anything.test", port));
      break;
    case HostPattern::Kind::exact:
      require(pattern->matches(pattern->host(), port) && !pattern->matches("x." + pattern->host(), port));
      break;
    case HostPattern::Kind::subdomains:
      require(pattern->matches("x." + pattern->host(), port) && !pattern->matches(pattern->host(), port));
      break;
  }
}

}  // namespace

MOCKHTTP_FUZZ_TARGET(host) {
  const std::string text = mockhttp::fuzz::text_of(data, size);
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  for (const auto& line : lines) {
    read_as_authority(line);
    read_as_entry(line);
  }
  mockhttp::fuzz::expecting_typed_errors([&] {
    const auto list = mockhttp::detail::HostList::parse(lines, "the input");
    for (const auto& line : lines) (void)list.matches(line, 443);
  });
  return 0;
}
