#include "core/packed_request.hpp"

#include <cstdint>
#include <stdexcept>

namespace mockhttp::detail {

namespace {

// Lengths and numbers as LEB128 varints: most are under 128 and take one byte.
void put_number(std::uint64_t value, std::string& out) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void put_text(const std::string& text, std::string& out) {
  put_number(text.size(), out);
  out.append(text);
}

template <typename Pairs>
void put_pairs(const Pairs& pairs, std::string& out) {
  put_number(pairs.size(), out);
  for (const auto& [key, value] : pairs) {
    put_text(key, out);
    put_text(value, out);
  }
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}

  std::uint64_t number() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const auto byte = static_cast<unsigned char>(take(1)[0]);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    throw std::logic_error("packed request: a number runs past 64 bits");
  }
  std::string text() { return std::string(take(number())); }
  bool flag() { return number() != 0; }
  bool done() const { return rest_.empty(); }

 private:
  std::string_view take(std::uint64_t count) {
    if (count > rest_.size()) throw std::logic_error("packed request: truncated");
    const std::string_view taken = rest_.substr(0, count);
    rest_.remove_prefix(count);
    return taken;
  }
  std::string_view rest_;
};

}  // namespace

void pack_request(const RecordedRequest& request, std::string& out) {
  put_text(request.method, out);
  put_text(request.path, out);
  put_pairs(request.query, out);
  put_pairs(request.headers, out);
  put_text(request.body, out);
  put_text(request.host, out);
  const auto received = std::chrono::duration_cast<std::chrono::nanoseconds>(request.received_at.time_since_epoch());
  put_number(static_cast<std::uint64_t>(received.count()), out);
  put_number(request.matched_stub_id ? 1 : 0, out);
  if (request.matched_stub_id) put_text(*request.matched_stub_id, out);
  put_pairs(request.path_params, out);
  put_number(request.scope ? 1 : 0, out);
  if (request.scope) put_text(*request.scope, out);
  put_number(request.chaos ? 1 : 0, out);
  if (request.chaos) {
    put_number(static_cast<std::uint64_t>(request.chaos->delay_ms), out);
    put_number(request.chaos->fault ? static_cast<std::uint64_t>(*request.chaos->fault) + 1 : 0, out);
  }
}

RecordedRequest unpack_request(std::string_view bytes) {
  Reader in(bytes);
  RecordedRequest request;
  request.method = in.text();
  request.path = in.text();
  for (auto count = in.number(); count > 0; --count) {
    std::string key = in.text();
    request.query[std::move(key)] = in.text();
  }
  const auto header_count = in.number();
  if (header_count > bytes.size()) throw std::logic_error("packed request: truncated");
  request.headers.reserve(header_count);
  for (auto count = header_count; count > 0; --count) {
    std::string name = in.text();
    request.headers.emplace_back(std::move(name), in.text());
  }
  request.body = in.text();
  request.host = in.text();
  const auto received = static_cast<std::int64_t>(in.number());
  request.received_at = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(received)));
  if (in.flag()) request.matched_stub_id = in.text();
  for (auto count = in.number(); count > 0; --count) {
    std::string key = in.text();
    request.path_params[std::move(key)] = in.text();
  }
  if (in.flag()) request.scope = in.text();
  if (in.flag()) {
    AppliedChaos chaos;
    chaos.delay_ms = static_cast<std::int64_t>(in.number());
    if (const auto fault = in.number()) chaos.fault = static_cast<FaultKind>(fault - 1);
    request.chaos = chaos;
  }
  if (!in.done()) throw std::logic_error("packed request: bytes left over");
  return request;
}

}  // namespace mockhttp::detail
