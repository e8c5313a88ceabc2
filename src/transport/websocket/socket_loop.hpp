#pragma once
// One WebSocket connection, served on its listener thread: wslay frames and checks the bytes
// (UTF-8 of text, masking, sizes, control frames, the close handshake), fed from this loop's
// own reads and writing into its own buffer, as nghttp2 is in the HTTP/2 loop. The engine's
// MessageSession decides what each message gets; this loop times and carries out its actions,
// the pushes tests queue through the outlet, and the limits (WebSocketLimits).
// Thread safety: everything runs on the connection's thread, wslay included (it has no locks);
// other threads reach the connection only through its outlet (a queue and an eventfd).
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <vector>

#include <wslay/wslay.h>

#include "exchange/message_session.hpp"
#include "transport/connection_handoff.hpp"
#include "transport/connection_io.hpp"

namespace mockhttp::detail {

class SocketLoop {
 public:
  SocketLoop(ConnectionIo io, std::shared_ptr<MessageSession> session, const WebSocketLimits& limits,
             std::function<bool()> still_serving);
  ~SocketLoop();
  SocketLoop(const SocketLoop&) = delete;
  SocketLoop& operator=(const SocketLoop&) = delete;

  // Sends `answer_head` (the 101), feeds `already_read`, then serves until the connection ends.
  void serve(const std::string& answer_head, std::string already_read);

  // wslay's callbacks (C functions call these).
  ssize_t take_input(std::uint8_t* buffer, std::size_t length);
  ssize_t queue_output(const std::uint8_t* data, std::size_t length, int flags);
  void frame_started(const wslay_event_on_frame_recv_start_arg& frame);
  void message_received(const wslay_event_on_msg_recv_arg& message);

 private:
  class Outlet;
  struct Timed {
    std::chrono::steady_clock::time_point due;
    std::uint64_t order;
    SocketAction action;
    bool operator>(const Timed& other) const { return due != other.due ? due > other.due : order > other.order; }
  };

  void schedule(SocketActions actions);
  // Carries out the actions due now; false when one ended the connection.
  bool run_due(std::chrono::steady_clock::time_point now);
  bool carry_out(const SocketAction& action);
  void start_close(std::uint16_t code, const std::string& reason, const char* by);
  bool read_some();
  bool flush();
  void hand_received_to_session();
  int poll_timeout_ms(std::chrono::steady_clock::time_point now) const;
  std::size_t unsent_bytes() const;

  ConnectionIo io_;
  std::shared_ptr<MessageSession> session_;
  const WebSocketLimits limits_;
  std::function<bool()> still_serving_;
  std::shared_ptr<Outlet> outlet_;
  wslay_event_context_ptr context_ = nullptr;

  std::string input_;  // read, not yet taken by wslay
  std::size_t input_taken_ = 0;
  bool peer_closed_ = false;
  std::string output_;  // framed by wslay, not yet written
  std::size_t output_written_ = 0;
  bool dropping_pong_ = false;  // chaos: unanswered pings; the next write is the pong's payload
  bool payload_next_ = false;   // the next write is the payload of the frame whose header was written
  std::size_t fragments_ = 0;   // frames of the message being received
  bool too_many_fragments_ = false;
  std::vector<WebSocketMessage> received_;  // whole messages wslay handed over, not yet to the session

  std::priority_queue<Timed, std::vector<Timed>, std::greater<Timed>> timed_;
  std::uint64_t next_order_ = 0;
  std::chrono::steady_clock::time_point batch_due_;  // when the last scheduled batch's last action is due
  bool closing_ = false;
  std::chrono::steady_clock::time_point close_deadline_;
  bool stop_noticed_ = false;
  SocketEnding ending_;
};

}  // namespace mockhttp::detail
