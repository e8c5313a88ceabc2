#include "core/packed_request.hpp"

#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace mockhttp::detail {

namespace {

// Lengths and numbers as LEB128 varints: most are under 128 and take one byte. Packing runs
// on every request, so it measures first and then writes into one buffer of the exact size.
std::size_t number_size(std::uint64_t value) {
  std::size_t size = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++size;
  }
  return size;
}

class Writer {
 public:
  explicit Writer(char* cursor) : cursor_(cursor) {}
  void number(std::uint64_t value) {
    while (value >= 0x80) {
      *cursor_++ = static_cast<char>((value & 0x7f) | 0x80);
      value >>= 7;
    }
    *cursor_++ = static_cast<char>(value);
  }
  void text(const std::string& text) {
    number(text.size());
    std::memcpy(cursor_, text.data(), text.size());
    cursor_ += text.size();
  }
  template <typename Pairs>
  void pairs(const Pairs& pairs) {
    number(pairs.size());
    for (const auto& [key, value] : pairs) {
      text(key);
      text(value);
    }
  }

 private:
  char* cursor_;
};

std::size_t text_size(const std::string& text) { return number_size(text.size()) + text.size(); }

template <typename Pairs>
std::size_t pairs_size(const Pairs& pairs) {
  std::size_t size = number_size(pairs.size());
  for (const auto& [key, value] : pairs) size += text_size(key) + text_size(value);
  return size;
}

std::uint64_t nanoseconds_of(std::chrono::system_clock::time_point time) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count());
}

std::uint64_t fault_number(const AppliedChaos& chaos) {
  return chaos.fault ? static_cast<std::uint64_t>(*chaos.fault) + 1 : 0;
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

// 0: no status was sent; otherwise the code + 1.
std::uint64_t grpc_status_number(const GrpcAnswer& answer) {
  return answer.status ? static_cast<std::uint64_t>(*answer.status) + 1 : 0;
}

}  // namespace

std::size_t packed_size(const RecordedRequest& request) {
  std::size_t size = text_size(request.method) + text_size(request.path) + pairs_size(request.query) +
                     pairs_size(request.headers) + text_size(request.body) + text_size(request.host) +
                     number_size(nanoseconds_of(request.received_at)) + 1 + pairs_size(request.path_params) + 1 + 1 +
                     1 + 1 + 1;
  if (request.matched_stub_id) size += text_size(*request.matched_stub_id);
  if (request.scope) size += text_size(*request.scope);
  if (request.chaos) {
    size += number_size(static_cast<std::uint64_t>(request.chaos->delay.count())) +
            number_size(fault_number(*request.chaos));
  }
  if (request.client_certificate) size += text_size(*request.client_certificate);
  if (request.tunnel) size += text_size(*request.tunnel);
  size += text_size(request.protocol) + number_size(request.connection_id) + 1;
  size += number_size(request.deadline ? static_cast<std::uint64_t>(request.deadline->count()) + 1 : 0) + 1;
  if (request.scenario) {
    size += text_size(request.scenario->scenario) + text_size(request.scenario->from) + text_size(request.scenario->to);
  }
  size += 1;
  if (const auto& answer = request.grpc_answer) {
    size +=
        number_size(grpc_status_number(*answer)) + text_size(answer->status_message) + text_size(answer->messages_json);
  }
  size += 1;  // the WebSocket traffic: 0, or 1 + direction * 2 + kind (one byte)
  return size;
}

void pack_request(const RecordedRequest& request, char* destination) {
  Writer write(destination);
  write.text(request.method);
  write.text(request.path);
  write.pairs(request.query);
  write.pairs(request.headers);
  write.text(request.body);
  write.text(request.host);
  write.number(nanoseconds_of(request.received_at));
  write.number(request.matched_stub_id ? 1 : 0);
  if (request.matched_stub_id) write.text(*request.matched_stub_id);
  write.pairs(request.path_params);
  write.number(request.scope ? 1 : 0);
  if (request.scope) write.text(*request.scope);
  write.number(request.chaos ? 1 : 0);
  if (request.chaos) {
    write.number(static_cast<std::uint64_t>(request.chaos->delay.count()));
    write.number(fault_number(*request.chaos));
  }
  write.number(request.client_certificate ? 1 : 0);
  if (request.client_certificate) write.text(*request.client_certificate);
  write.number(request.tunnel ? 1 : 0);
  if (request.tunnel) write.text(*request.tunnel);
  write.text(request.protocol);
  write.number(request.connection_id);
  write.number(request.tls ? 1 : 0);
  write.number(request.deadline ? static_cast<std::uint64_t>(request.deadline->count()) + 1 : 0);
  write.number(request.deadline_exceeded ? 1 : 0);
  write.number(request.scenario ? 1 : 0);
  if (request.scenario) {
    write.text(request.scenario->scenario);
    write.text(request.scenario->from);
    write.text(request.scenario->to);
  }
  write.number(request.grpc_answer ? 1 : 0);
  if (const auto& answer = request.grpc_answer) {
    write.number(grpc_status_number(*answer));
    write.text(answer->status_message);
    write.text(answer->messages_json);
  }
  write.number(request.websocket ? 1 + static_cast<std::uint64_t>(request.websocket->direction) * 2 +
                                       static_cast<std::uint64_t>(request.websocket->kind)
                                 : 0);
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
    chaos.delay = std::chrono::milliseconds(static_cast<std::int64_t>(in.number()));
    if (const auto fault = in.number()) chaos.fault = static_cast<FaultKind>(fault - 1);
    request.chaos = chaos;
  }
  if (in.flag()) request.client_certificate = in.text();
  if (in.flag()) request.tunnel = in.text();
  request.protocol = in.text();
  request.connection_id = in.number();
  request.tls = in.flag();
  if (const auto deadline = in.number()) request.deadline = std::chrono::milliseconds(deadline - 1);
  request.deadline_exceeded = in.flag();
  if (in.flag()) {
    ScenarioTransition transition;
    transition.scenario = in.text();
    transition.from = in.text();
    transition.to = in.text();
    request.scenario = std::move(transition);
  }
  if (in.flag()) {
    GrpcAnswer answer;
    if (const auto status = in.number()) answer.status = static_cast<GrpcStatus>(status - 1);
    answer.status_message = in.text();
    answer.messages_json = in.text();
    request.grpc_answer = std::move(answer);
  }
  if (const auto traffic = in.number()) {
    request.websocket =
        WebSocketTraffic{static_cast<MessageDirection>((traffic - 1) / 2), static_cast<MessageKind>((traffic - 1) % 2)};
  }
  if (!in.done()) throw std::logic_error("packed request: bytes left over");
  return request;
}

}  // namespace mockhttp::detail
