// Bytes a WebSocket client sends after the handshake, to the server's side of one connection as
// mockhttp::websocket runs it: a SocketLoop (wslay's server context with the loop's own
// callbacks, limits, close handshake and chaos) whose I/O is two buffers instead of a socket
// (ConnectionIo::over_buffers), so an execution costs no network round trip. The client closes
// after its bytes (its FIN), so every execution ends. The first byte sets the connection up:
//   bit 0     pings go unanswered (chaos)            bit 1    two messages on open
//   bit 2     a small unsent-bytes limit (1008)      bits 3-4 the server stops: 1 once the input
//   bits 5-7  how many bytes (x5) came with the      is read, 2 at once
//             handshake (already read)
// The session stands in for the engine: each message's first byte picks what it gets (an echo,
// two replies, a close, a fault, a push through the outlet, nothing, a large reply, a delayed
// one), so every action the loop carries out is reached. Afterwards the output must be the 101
// and whole server frames (unmasked, control frames short, nothing after a close but the chaos
// frame, no pong when pings go unanswered), the session ended once, and nothing reached it past
// the limits. The same input also goes to the handshake's checks (a request head) and to the
// wire readers of WebSocketScript, WebSocketReply, WebSocketChaos and WebSocketMessage (JSON).
#include "fuzz_input.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <mockhttp/websocket.hpp>
#include <mockhttp/websocket_message.hpp>

#include "exchange/message_session.hpp"
#include "transport/connection_handoff.hpp"
#include "transport/connection_io.hpp"
#include "transport/websocket/socket_loop.hpp"
#include "transport/websocket_handshake.hpp"

namespace websocket_fuzzer {

using mockhttp::MessageKind;
using mockhttp::WebSocketMessage;
using mockhttp::detail::MessageSession;
using mockhttp::detail::SocketAction;
using mockhttp::detail::SocketActions;
using mockhttp::detail::SocketEnding;
using mockhttp::detail::SocketOutlet;

// A finding that is not a crash: the loop broke one of its promises.
void require(bool holds) {
  if (!holds) std::abort();
}

constexpr std::size_t kMaxMessageBytes = 64 * 1024;
constexpr std::size_t kMaxFragments = 300;
// Codes a server may send (RFC 6455 §7.4): the session's closes pick among them, as the engine's
// validated scripts do.
constexpr std::uint16_t kCloseCodes[] = {1000, 1001, 1003, 1008, 1011, 1012, 3000, 4000, 4999};

class Session final : public MessageSession {
 public:
  Session(bool answers_pings, bool greets) : answers_pings_(answers_pings), greets_(greets) {}

  SocketActions opened(std::shared_ptr<SocketOutlet> outlet) override {
    require(!opened_ && !ended_);
    opened_ = true;
    outlet_ = std::move(outlet);
    if (!greets_) return {};
    return {SocketAction::send(WebSocketMessage::text("hello")),
            SocketAction::send(WebSocketMessage::binary(std::string("\x00\xFF", 2)))};
  }

  SocketActions received(WebSocketMessage message) override {
    require(opened_ && !ended_);
    require(message.payload.size() <= kMaxMessageBytes);  // wslay's limit held
    const std::string& payload = message.payload;
    const auto byte = [&payload](std::size_t i) {
      return i < payload.size() ? static_cast<unsigned char>(payload[i]) : 0u;
    };
    const unsigned choice = byte(1);
    // Text starting '0'..'7' picks the same as bytes 0..7: seeds stay readable.
    switch (byte(0) % 8) {
      case 0:  // an echo
        return {SocketAction::send(message)};
      case 1:  // two replies, the second a binary echo
        return {SocketAction::send(WebSocketMessage::text(std::to_string(payload.size()))),
                SocketAction::send(WebSocketMessage::binary(payload))};
      case 2:  // an echo, then the server closes
        return {SocketAction::send(message),
                SocketAction::close(kCloseCodes[choice % (sizeof kCloseCodes / sizeof kCloseCodes[0])],
                                    std::string(choice % 124, 'r'))};
      case 3: {  // an echo, then a fault
        constexpr SocketAction::Kind kFaults[] = {SocketAction::Kind::reset, SocketAction::Kind::end_without_close,
                                                  SocketAction::Kind::malformed_frame};
        return {SocketAction::send(message), SocketAction::fault(kFaults[choice % 3])};
      }
      case 4:  // a push, as a test's from another thread: through the outlet
        outlet_->perform({SocketAction::send(WebSocketMessage::text("pushed"))});
        return {};
      case 5:  // nothing: the message is only journaled
        return {};
      case 6: {  // a large reply, in parts: past a small unsent-bytes limit
        SocketActions actions;
        for (unsigned i = 0; i <= choice % 4; ++i) {
          actions.push_back(SocketAction::send(WebSocketMessage::binary(std::string((choice + 1) * 256, 'b'))));
        }
        return actions;
      }
      default:  // a reply later: still due when the client's bytes end
        return {SocketAction::send(message, std::chrono::milliseconds(1)),
                SocketAction::close(1000, "later", std::chrono::milliseconds(choice % 2))};
    }
  }

  void sent(const WebSocketMessage&) override { require(opened_ && !ended_); }

  void ended(const SocketEnding& ending) override {
    require(!ended_);
    ended_ = true;
    ending_ = ending;
  }

  bool answers_pings() const override { return answers_pings_; }

  bool has_ended() const { return ended_; }
  const SocketEnding& ending() const { return ending_; }

 private:
  const bool answers_pings_;
  const bool greets_;
  bool opened_ = false;
  bool ended_ = false;
  SocketEnding ending_;
  std::shared_ptr<SocketOutlet> outlet_;
};

const std::string& answer_head() {
  static const std::string head =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
  return head;
}

// What a server may write after its 101: whole frames, unmasked, no reserved bits, unfragmented
// messages, control frames of at most 125 bytes, a close frame's code one a server may send,
// nothing after its close but the chaos frame (reserved opcode 3, empty, last). Says whether a
// close frame was written.
bool whole_server_frames(std::string_view output, bool pongs_allowed, bool& wrote_close) {
  std::size_t at = 0;
  wrote_close = false;
  while (at < output.size()) {
    const auto byte = [&output, &at](std::size_t i) { return static_cast<std::uint8_t>(output[at + i]); };
    const std::size_t left = output.size() - at;
    if (left < 2) return false;
    const bool fin = (byte(0) & 0x80) != 0;
    const unsigned opcode = byte(0) & 0x0F;
    if ((byte(0) & 0x70) != 0 || (byte(1) & 0x80) != 0 || !fin) return false;
    std::size_t header = 2;
    std::uint64_t length = byte(1) & 0x7F;
    if (length == 126) {
      if (left < 4) return false;
      header = 4;
      length = static_cast<std::uint64_t>(byte(2)) << 8 | byte(3);
    } else if (length == 127) {
      if (left < 10) return false;
      header = 10;
      length = 0;
      for (std::size_t i = 2; i < 10; ++i) length = length << 8 | byte(i);
    }
    if (left - header < length) return false;
    if (opcode == 3) return length == 0 && left == header;  // the chaos frame: the last bytes
    if (wrote_close) return false;
    if (opcode >= 8 && length > 125) return false;
    if (opcode == 8) {
      wrote_close = true;
      if (length == 1) return false;
      if (length >= 2) {
        const unsigned code = static_cast<unsigned>(byte(header)) << 8 | byte(header + 1);
        if (code < 1000 || code == 1005 || code == 1006 || code == 1015 || code >= 5000) return false;
      }
    } else if (opcode == 0xA) {
      if (!pongs_allowed) return false;
    } else if (opcode != 1 && opcode != 2) {
      return false;
    }
    at += header + static_cast<std::size_t>(length);
  }
  return true;
}

void serve_frames(const std::uint8_t* data, std::size_t size) {
  const std::uint8_t options = size > 0 ? data[0] : 0;
  const std::string bytes = size > 1 ? mockhttp::fuzz::text_of(data + 1, size - 1) : std::string();
  const std::size_t with_handshake = std::min<std::size_t>(bytes.size(), (options >> 5) * 5u);
  std::string_view remaining = std::string_view(bytes).substr(with_handshake);
  std::string output;

  mockhttp::detail::WebSocketLimits limits;
  limits.max_message_bytes = kMaxMessageBytes;
  limits.max_fragments = kMaxFragments;
  limits.max_unsent_bytes = (options & 4) != 0 ? 4 * 1024 : 256 * 1024;
  limits.close_timeout = std::chrono::milliseconds(50);
  const unsigned stop = (options >> 3) & 3;
  const std::string_view* unread = &remaining;
  auto still_serving = [stop, unread] { return stop == 2 ? false : stop == 1 ? !unread->empty() : true; };

  const auto session = std::make_shared<Session>((options & 1) == 0, (options & 2) != 0);
  {
    mockhttp::detail::SocketLoop loop(mockhttp::detail::ConnectionIo::over_buffers(remaining, output, true), session,
                                      limits, still_serving);
    loop.serve(answer_head(), bytes.substr(0, with_handshake));
  }
  require(session->has_ended());
  const SocketEnding& ending = session->ending();
  require(ending.by == "client" || ending.by == "server" || ending.by == "chaos" || ending.by == "network" ||
          ending.by == "server_stop");
  require(output.compare(0, answer_head().size(), answer_head()) == 0);
  bool wrote_close = false;
  require(whole_server_frames(std::string_view(output).substr(answer_head().size()), (options & 1) == 0, wrote_close));
  // A client's close is answered with the server's.
  if (ending.by == "client") require(ending.code.has_value() && wrote_close);
}

// A request head as the listener would have parsed it: the request line, then `name: value` lines.
mockhttp::RecordedRequest request_of(std::string_view text) {
  mockhttp::RecordedRequest request;
  bool first = true;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first) {
      first = false;
      const std::size_t space = line.find(' ');
      request.method = std::string(line.substr(0, space));
      if (space != std::string_view::npos) {
        const std::string_view target = line.substr(space + 1);
        request.path = std::string(target.substr(0, target.find(' ')));
      }
      continue;
    }
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    request.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return request;
}

void check_handshake(const std::uint8_t* data, std::size_t size) {
  const std::string text = mockhttp::fuzz::text_of(data, size);
  const mockhttp::RecordedRequest request = request_of(text);
  (void)mockhttp::detail::asks_websocket(request);
  const auto refusal = mockhttp::detail::websocket_handshake_refusal(request);
  if (refusal) {
    require(!refusal->detail.empty());
  } else {
    require(request.method == "GET");
    require(mockhttp::detail::websocket_accept(*request.header("Sec-WebSocket-Key")).size() == 28);
  }
  require(mockhttp::detail::websocket_accept(text).size() == 28);  // base64 of SHA-1's 20 bytes
}

// The wire forms: what reads must read back the same once written.
void read_json(const std::uint8_t* data, std::size_t size) {
  const auto parsed = mockhttp::fuzz::json_of(data, size);
  if (!parsed) return;
  const nlohmann::json& document = *parsed;
  using mockhttp::fuzz::expecting_typed_errors;
  const auto script = [](const nlohmann::json& json) {
    expecting_typed_errors([&] {
      const auto read = mockhttp::WebSocketScript::from_json(json);
      const nlohmann::json written = read.to_json();
      require(mockhttp::WebSocketScript::from_json(written).to_json() == written);
      read.validate();
    });
  };
  script(document);
  if (document.is_object() && document.contains("websocket")) script(document["websocket"]);
  expecting_typed_errors([&] {
    const auto read = mockhttp::WebSocketMessage::from_json(document);
    require(mockhttp::WebSocketMessage::from_json(read.to_json()) == read);
    (void)read.describe();
    (void)read.subject();
  });
  expecting_typed_errors([&] {
    const nlohmann::json written = mockhttp::WebSocketReply::from_json(document).to_json();
    require(mockhttp::WebSocketReply::from_json(written).to_json() == written);
  });
  expecting_typed_errors([&] {
    const nlohmann::json written = mockhttp::WebSocketChaos::from_json(document).to_json();
    require(mockhttp::WebSocketChaos::from_json(written).to_json() == written);
  });
}

}  // namespace websocket_fuzzer

MOCKHTTP_FUZZ_TARGET(websocket) {
  websocket_fuzzer::serve_frames(data, size);
  websocket_fuzzer::check_handshake(data, size);
  websocket_fuzzer::read_json(data, size);
  return 0;
}
