#include "grpc/message_frames.hpp"

#include <cstdint>

namespace mockhttp::detail {

FrameReading read_frames(std::string_view body, std::size_t max_message) {
  FrameReading reading;
  std::size_t at = 0;
  while (at < body.size()) {
    const std::size_t number = reading.messages.size() + 1;
    const std::string where = "message " + std::to_string(number) + " at byte " + std::to_string(at);
    if (body.size() - at < 5) {
      reading.problem = where + ": a prefix is 5 bytes, the body ends after " + std::to_string(body.size() - at);
      return reading;
    }
    const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(body[at + i]); };
    if (byte(0) > 1) {
      reading.problem = where + ": the compressed flag is " + std::to_string(byte(0)) + "; it must be 0 or 1";
      return reading;
    }
    const std::uint64_t length = (std::uint64_t{byte(1)} << 24) | (std::uint64_t{byte(2)} << 16) |
                                 (std::uint64_t{byte(3)} << 8) | std::uint64_t{byte(4)};
    if (length > max_message) {
      reading.problem =
          where + " is " + std::to_string(length) + " bytes, over the limit of " + std::to_string(max_message);
      reading.over_limit = true;
      return reading;
    }
    if (length > body.size() - at - 5) {
      reading.problem = where + " declares " + std::to_string(length) + " bytes, the body holds " +
                        std::to_string(body.size() - at - 5) + " after its prefix";
      return reading;
    }
    reading.messages.push_back({at, byte(0) == 1, body.substr(at + 5, length)});
    at += 5 + length;
  }
  return reading;
}

std::optional<FrameProblem> take_whole_frames(std::string& pending, std::size_t first_number,
                                              std::vector<std::string>& messages, std::size_t max_message) {
  std::size_t taken = 0;
  std::optional<FrameProblem> problem;
  for (std::size_t number = first_number; pending.size() - taken >= 5; ++number) {
    const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(pending[taken + i]); };
    const std::string where = "message " + std::to_string(number);
    const std::uint64_t length = (std::uint64_t{byte(1)} << 24) | (std::uint64_t{byte(2)} << 16) |
                                 (std::uint64_t{byte(3)} << 8) | std::uint64_t{byte(4)};
    if (byte(0) > 1) {
      problem = FrameProblem{where + ": the compressed flag is " + std::to_string(byte(0)) + "; it must be 0 or 1"};
      break;
    }
    if (length > max_message) {
      problem = FrameProblem{
          where + " is " + std::to_string(length) + " bytes, over the limit of " + std::to_string(max_message), true};
      break;
    }
    if (pending.size() - taken - 5 < length) break;  // the rest of it comes later
    if (byte(0) == 1) {
      problem = FrameProblem{where + " is compressed; mockhttp reads uncompressed messages", false, true};
      break;
    }
    messages.emplace_back(pending, taken + 5, length);
    taken += 5 + length;
  }
  pending.erase(0, taken);
  return problem;
}

std::string frame_message(std::string_view message) {
  std::string frame(5, '\0');
  const auto length = static_cast<std::uint32_t>(message.size());
  frame[1] = static_cast<char>((length >> 24) & 0xff);
  frame[2] = static_cast<char>((length >> 16) & 0xff);
  frame[3] = static_cast<char>((length >> 8) & 0xff);
  frame[4] = static_cast<char>(length & 0xff);
  frame.append(message);
  return frame;
}

}  // namespace mockhttp::detail
