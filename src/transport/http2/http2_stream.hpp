#pragma once
// One HTTP/2 stream as the connection loop sees it: the request as its frames arrive, then the
// delivery plan's body going out in DATA frames, each part when its pause is over.
// Thread safety: the connection loop's thread only; workers see a RecordedRequest copy.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <mockhttp/recorded_request.hpp>

#include "exchange/conversation.hpp"
#include "exchange/delivery_plan.hpp"

namespace mockhttp::detail {

struct Http2Stream {
  using Clock = std::chrono::steady_clock;

  explicit Http2Stream(std::int32_t id_) : id(id_) {}

  std::int32_t id;
  // The request, filled by HEADERS (pseudo-headers apart) and DATA.
  std::string method;
  std::string target;  // :path, query included
  std::string authority;
  Headers headers;
  std::string body;
  std::size_t header_bytes = 0;
  bool header_list_too_large = false;  // past SETTINGS_MAX_HEADER_LIST_SIZE: answered 431
  bool head_request = false;
  // Set when the request broke a limit: it is answered by the loop itself, never handled.
  bool refused = false;
  bool request_complete = false;  // END_STREAM arrived
  bool handed_to_engine = false;
  bool answered = false;  // a response was submitted
  // An answer decided but not yet due (the stub's latency), and when it is.
  std::optional<DeliveryPlan> delayed;
  Clock::time_point answer_due{};

  // The answer's body: parts, each sent once `after` has passed since the previous was sent.
  std::vector<BodyPart> parts;
  bool cut_short = false;
  Headers trailers;  // sent after the last part, lowercase; none when cut short
  std::size_t part = 0;
  std::size_t offset = 0;
  bool waiting = false;  // the current part's pause has begun
  Clock::time_point due{};
  bool deferred = false;  // nghttp2 was told the data is not ready yet
  // Since when the client's flow-control window has let none of the answer through; past the
  // connection's window patience the stream is reset (stalled_reset).
  std::optional<Clock::time_point> window_shut_since;
  bool stalled_reset = false;

  // A request answered while it arrives (exchange/conversation.hpp): its head, kept from its
  // HEADERS while a worker asks the engine; then the conversation, fed the body's bytes one turn
  // at a time, its steps appended to `parts` while the answer stays open.
  std::optional<RecordedRequest> head;
  bool opening = false;  // a worker is opening the conversation
  std::shared_ptr<Conversation> conversation;
  std::string inbound;         // body bytes the conversation has not been given yet
  bool turn_running = false;   // a worker is running one of its turns
  bool finish_sent = false;    // it was told the body is over
  bool open_ended = false;     // out of parts, the answer waits for the next step
  bool awaiting_step = false;  // nghttp2 was told the data is not ready until then
};

}  // namespace mockhttp::detail
