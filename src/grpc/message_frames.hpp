#pragma once
// gRPC's message framing: each message is a 1-byte compressed flag, a 4-byte big-endian length
// and that many bytes. The reader never trusts a length: a prefix that claims more than the
// body holds, or more than the limit, is a problem naming the message and its byte offset.
// Thread safety: pure functions.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mockhttp::detail {

struct FramedMessage {
  std::size_t offset = 0;   // of its prefix in the body
  bool compressed = false;  // the flag as sent
  std::string_view bytes;   // a view into the body read
};

struct FrameReading {
  std::vector<FramedMessage> messages;
  // Set when the body is not a sequence of whole frames, or a frame is over the limit.
  std::optional<std::string> problem;
  bool over_limit = false;  // the problem is a message larger than the limit
};

// 4 MiB, gRPC's own default for a received message.
inline constexpr std::size_t kMaxGrpcMessage = 4u * 1024 * 1024;

FrameReading read_frames(std::string_view body, std::size_t max_message = kMaxGrpcMessage);
// The whole frames at the front of `pending` (a body arriving in pieces), taken out as their
// messages; a partial frame stays for the bytes to come. A problem — a flag other than 0 or 1,
// a message over the limit, a compressed one — stops the taking, naming the message by its
// number, counted from `first_number`.
struct FrameProblem {
  std::string text;
  bool over_limit = false;
  bool compressed = false;
};
std::optional<FrameProblem> take_whole_frames(std::string& pending, std::size_t first_number,
                                              std::vector<std::string>& messages,
                                              std::size_t max_message = kMaxGrpcMessage);

// One uncompressed frame of `message`.
std::string frame_message(std::string_view message);

}  // namespace mockhttp::detail
