#pragma once
// One HTTP/2 connection, served on the connection's own thread: an nghttp2 server session fed
// by this loop's reads, its frames written by this loop. Each complete request becomes a
// RecordedRequest handed to the engine on a worker of the connection, whose delivery plan comes
// back to the loop through an eventfd; a slow stream never holds another. A stub's latency and
// body parts sent over time are timed by the loop's poll, never by a sleep.
// What a plan asks in HTTP/2 terms: a body cut short ends its stream with RST_STREAM, as does
// reset_stream (with its code); malformed_chunk sends more DATA than its content-length (the
// client resets the stream), random_data_then_close bytes that are no frame, then close;
// empty_response becomes GOAWAY, then close; connection_reset a TCP reset.
// Thread safety: serve() runs on one thread; workers only push finished plans.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <nghttp2/nghttp2.h>

#include "exchange/error_catalogue.hpp"
#include "transport/connection_handoff.hpp"
#include "transport/elastic_task_queue.hpp"
#include "transport/connection_io.hpp"
#include "transport/http2/http2_stream.hpp"

namespace mockhttp::detail {

class Http2Connection {
 public:
  // `io`: where the bytes come from and go to, when not the handed socket (the fuzzer's buffers).
  Http2Connection(HandedConnection connection, const HandoffEnvironment& environment,
                  std::optional<ConnectionIo> io = std::nullopt);
  ~Http2Connection();
  Http2Connection(const Http2Connection&) = delete;
  Http2Connection& operator=(const Http2Connection&) = delete;

  void serve();

 private:
  friend struct Http2Callbacks;  // nghttp2's C callbacks reach the members through it

  bool start_session();
  bool flush();  // writes every frame nghttp2 has queued; false when the peer is gone
  // Feeds the client's bytes to the session; false when it reads no more of this connection.
  bool receive(const char* data, std::size_t size);
  bool read_available();
  void take_finished_plans();
  void resume_due_streams();
  // Delivers the plans whose latency is over; `stopping`: every one, as server_stopping.
  void answer_delayed_streams(bool stopping);
  // A stopping server: waits (bounded) for the plans of streams the engine is still deciding, so
  // that a stream journaled just before the stop is answered too, not dropped by the GOAWAY.
  void take_plans_in_flight(std::chrono::milliseconds limit);
  // Resets each stream whose answer found the client's window shut for window_patience_.
  void reset_stalled_streams();
  int poll_timeout_ms() const;
  bool nothing_open() const { return streams_.empty(); }

  Http2Stream* stream(std::int32_t id);
  void request_complete(Http2Stream& stream);
  void hand_to_engine(Http2Stream& stream, RecordedRequest recorded);
  // The whole request: its kept head, or its head as the frames left it, with its body.
  RecordedRequest whole_request_of(Http2Stream& stream);
  // Conversations: a worker opens one; its head goes out with an answer left open; each turn
  // hands a worker the bytes come since the last (and the body's end), its step comes back.
  void open_conversation(Http2Stream& stream);
  void conversation_opened(Http2Stream& stream, std::optional<ConversationOpening> opening);
  void run_turn(Http2Stream& stream);
  void take_step(Http2Stream& stream, ConversationStep step);
  RecordedRequest recorded_request_of(Http2Stream& stream) const;
  void refuse(Http2Stream& stream, WireError error, const std::string& detail);
  void deliver(Http2Stream& stream, DeliveryPlan plan);
  void submit(Http2Stream& stream, int status, const Headers& headers, bool with_body);
  // random_data_then_close in HTTP/2 terms: bytes the client must reject as a connection error,
  // then the close.
  void send_unframed_bytes();
  void log_answer(const Http2Stream& stream, int status) const;

  HandedConnection connection_;
  const HandoffEnvironment& environment_;
  ConnectionIo io_;
  std::chrono::milliseconds window_patience_;
  nghttp2_session* session_ = nullptr;
  std::map<std::int32_t, std::unique_ptr<Http2Stream>> streams_;
  // A worker per stream being handled; joined before the connection ends.
  std::unique_ptr<ElasticTaskQueue> workers_;
  int wake_ = -1;  // eventfd: a worker finished a plan
  std::mutex finished_mutex_;
  // What a worker finished for a stream: a plan, a conversation's opening, or one of its steps.
  struct Finished {
    enum class Kind { plan, opening, step } kind = Kind::plan;
    std::int32_t stream_id = 0;
    DeliveryPlan plan;
    std::optional<ConversationOpening> opening;
    ConversationStep step;
  };
  void post(Finished finished);  // from a worker: queued, and the loop woken
  std::deque<Finished> finished_;
  // flush()'s frames, gathered up to kGatheredWrite bytes per write; kept to reuse its memory.
  static constexpr std::size_t kGatheredWrite = 64 * 1024;
  std::string outgoing_;
  bool broken_ = false;  // a fault reset the connection: nothing more is written
};

}  // namespace mockhttp::detail
