#include "transport/websocket/socket_loop.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "transport/connection_socket.hpp"

namespace mockhttp::detail {

// The connection as other threads reach it: actions queued, and an eventfd that wakes the loop.
class SocketLoop::Outlet final : public SocketOutlet {
 public:
  Outlet() : wake_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~Outlet() override {
    if (wake_ >= 0) ::close(wake_);
  }
  Outlet(const Outlet&) = delete;
  Outlet& operator=(const Outlet&) = delete;

  bool perform(SocketActions actions) override {
    bool was_empty = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (ended_) return false;
      was_empty = queued_.empty();
      for (auto& action : actions) queued_.push_back(std::move(action));
    }
    // One wake-up per batch the loop has not taken yet: a test pushing in a loop costs no system
    // call per message.
    if (was_empty) {
      const std::uint64_t one = 1;
      [[maybe_unused]] const auto written = ::write(wake_, &one, sizeof one);
    }
    return true;
  }
  // What was queued; `woken`: the eventfd was readable, and is emptied here (never otherwise,
  // so a turn without a wake-up costs no system call).
  SocketActions take(bool woken) {
    if (woken) {
      std::uint64_t count = 0;
      [[maybe_unused]] const auto read = ::read(wake_, &count, sizeof count);
    }
    std::lock_guard<std::mutex> lock(mutex_);
    SocketActions taken(std::make_move_iterator(queued_.begin()), std::make_move_iterator(queued_.end()));
    queued_.clear();
    return taken;
  }
  void end() {
    std::lock_guard<std::mutex> lock(mutex_);
    ended_ = true;
    queued_.clear();
  }
  int wake_fd() const { return wake_; }

 private:
  const int wake_;
  std::mutex mutex_;
  std::deque<SocketAction> queued_;
  bool ended_ = false;
};

namespace {

SocketLoop& loop_of(void* user_data) { return *static_cast<SocketLoop*>(user_data); }

ssize_t on_recv(wslay_event_context_ptr, std::uint8_t* buffer, std::size_t length, int, void* user_data) {
  return loop_of(user_data).take_input(buffer, length);
}
ssize_t on_send(wslay_event_context_ptr, const std::uint8_t* data, std::size_t length, int flags, void* user_data) {
  return loop_of(user_data).queue_output(data, length, flags);
}
void on_frame_start(wslay_event_context_ptr, const wslay_event_on_frame_recv_start_arg* frame, void* user_data) {
  loop_of(user_data).frame_started(*frame);
}
void on_message(wslay_event_context_ptr, const wslay_event_on_msg_recv_arg* message, void* user_data) {
  loop_of(user_data).message_received(*message);
}

// A frame no client may accept: FIN and the reserved opcode 3, empty (RFC 6455 §5.2: the
// client must fail the connection).
constexpr char kMalformedFrame[] = {'\x83', '\x00'};
// The slice in which a loop with nothing due notices a stopping server.
constexpr int kStopCheckMs = 100;
constexpr std::size_t kReadSize = 16 * 1024;
constexpr std::uint8_t kPongFirstByte = 0x8A;  // FIN + pong: the server's frames are unmasked

}  // namespace

SocketLoop::SocketLoop(ConnectionIo io, std::shared_ptr<MessageSession> session, const WebSocketLimits& limits,
                       std::function<bool()> still_serving)
    : io_(io),
      session_(std::move(session)),
      limits_(limits),
      still_serving_(std::move(still_serving)),
      outlet_(std::make_shared<Outlet>()) {
  wslay_event_callbacks callbacks{};
  callbacks.recv_callback = on_recv;
  callbacks.send_callback = on_send;
  callbacks.on_frame_recv_start_callback = on_frame_start;
  callbacks.on_msg_recv_callback = on_message;
  wslay_event_context_server_init(&context_, &callbacks, this);
  // Always bounded: with buffering on, wslay allocates a frame's whole declared length up front.
  if (context_) wslay_event_config_set_max_recv_msg_length(context_, limits_.max_message_bytes);
}

SocketLoop::~SocketLoop() {
  outlet_->end();
  if (context_) wslay_event_context_free(context_);
}

ssize_t SocketLoop::take_input(std::uint8_t* buffer, std::size_t length) {
  const std::size_t available = input_.size() - input_taken_;
  if (available == 0) {
    // Nothing buffered: "would block" until the loop reads more, or the end once the peer closed.
    wslay_event_set_error(context_, peer_closed_ ? WSLAY_ERR_CALLBACK_FAILURE : WSLAY_ERR_WOULDBLOCK);
    return -1;
  }
  const std::size_t count = std::min(available, length);
  std::memcpy(buffer, input_.data() + input_taken_, count);
  input_taken_ += count;
  if (input_taken_ == input_.size()) {
    input_.clear();
    input_taken_ = 0;
  }
  return static_cast<ssize_t>(count);
}

ssize_t SocketLoop::queue_output(const std::uint8_t* data, std::size_t length, int flags) {
  // wslay writes a frame's header in a call of its own, flagged WSLAY_MSG_MORE when its payload
  // follows, then that payload in one call (this callback takes every byte). A pong left
  // unanswered by chaos is swallowed whole: a header that is a pong's, then its payload; a
  // payload that merely starts like a pong's header is kept.
  const bool header = !dropping_pong_ && !payload_next_;
  const bool payload_of_pong = dropping_pong_;
  payload_next_ = (flags & WSLAY_MSG_MORE) != 0 && header;
  dropping_pong_ = false;
  if (payload_of_pong) return static_cast<ssize_t>(length);
  if (!session_->answers_pings() && header && length >= 2 && data[0] == kPongFirstByte) {
    dropping_pong_ = (flags & WSLAY_MSG_MORE) != 0;
    payload_next_ = false;
    return static_cast<ssize_t>(length);
  }
  output_.append(reinterpret_cast<const char*>(data), length);
  return static_cast<ssize_t>(length);
}

void SocketLoop::frame_started(const wslay_event_on_frame_recv_start_arg& frame) {
  // Control frames may come between a message's fragments; only data frames count.
  if (frame.opcode == WSLAY_TEXT_FRAME || frame.opcode == WSLAY_BINARY_FRAME) {
    fragments_ = 1;
  } else if (frame.opcode == WSLAY_CONTINUATION_FRAME && ++fragments_ > limits_.max_fragments) {
    too_many_fragments_ = true;
  }
}

void SocketLoop::message_received(const wslay_event_on_msg_recv_arg& message) {
  // A message of too many fragments is refused (1009 follows), not handed on.
  if (too_many_fragments_ && (message.opcode == WSLAY_TEXT_FRAME || message.opcode == WSLAY_BINARY_FRAME)) return;
  const std::string payload(reinterpret_cast<const char*>(message.msg), message.msg_length);
  if (message.opcode == WSLAY_TEXT_FRAME) {
    received_.push_back(WebSocketMessage::text(payload));
  } else if (message.opcode == WSLAY_BINARY_FRAME) {
    received_.push_back(WebSocketMessage::binary(payload));
  } else if (message.opcode == WSLAY_CONNECTION_CLOSE && !closing_) {
    // The client closes first: wslay answers with the same code; the ending is the client's.
    ending_.code = message.status_code == 0 ? std::uint16_t{1005} : message.status_code;
    ending_.reason = payload.size() > 2 ? payload.substr(2) : std::string();
    ending_.by = "client";
    closing_ = true;
    outlet_->end();
    close_deadline_ = std::chrono::steady_clock::now() + limits_.close_timeout;
  }
}

void SocketLoop::schedule(SocketActions actions) {
  auto due = std::chrono::steady_clock::now();
  for (auto& action : actions) {
    due += action.after;
    timed_.push({due, next_order_++, std::move(action)});
  }
}

void SocketLoop::start_close(std::uint16_t code, const std::string& reason, const char* by) {
  if (closing_) return;
  closing_ = true;
  outlet_->end();  // what a test sends from now on is refused, not silently dropped
  close_deadline_ = std::chrono::steady_clock::now() + limits_.close_timeout;
  ending_.code = code;
  ending_.reason = reason;
  ending_.by = by;
  wslay_event_queue_close(context_, code, reinterpret_cast<const std::uint8_t*>(reason.data()), reason.size());
}

bool SocketLoop::carry_out(const SocketAction& action) {
  switch (action.kind) {
    case SocketAction::Kind::send: {
      if (closing_) return true;  // nothing goes after a close
      const wslay_event_msg message{
          static_cast<std::uint8_t>(action.message.kind == MessageKind::text ? WSLAY_TEXT_FRAME : WSLAY_BINARY_FRAME),
          reinterpret_cast<const std::uint8_t*>(action.message.payload.data()), action.message.payload.size()};
      if (wslay_event_queue_msg(context_, &message) == 0) session_->sent(action.message);
      return true;
    }
    case SocketAction::Kind::close:
      // wslay sends a queued control frame before queued messages, and nothing after its close:
      // the messages queued before it (a reply's, in this same turn) are framed first, or they
      // would be lost. (A 1008 for a client that does not read leaves its backlog behind.)
      wslay_event_send(context_);
      start_close(action.code, action.reason, "server");
      return true;
    case SocketAction::Kind::reset:
      ending_ = {std::nullopt, "", "chaos"};
      if (io_.socket() >= 0) reset_connection(io_.socket());
      return false;
    case SocketAction::Kind::end_without_close:
      ending_ = {std::nullopt, "", "chaos"};
      wslay_event_send(context_);
      flush();
      return false;
    case SocketAction::Kind::malformed_frame:
      ending_ = {std::nullopt, "", "chaos"};
      wslay_event_send(context_);
      output_.append(kMalformedFrame, sizeof kMalformedFrame);
      flush();
      return false;
  }
  return true;
}

bool SocketLoop::run_due(std::chrono::steady_clock::time_point now) {
  while (!timed_.empty() && timed_.top().due <= now) {
    const SocketAction action = timed_.top().action;
    timed_.pop();
    if (!carry_out(action)) return false;
  }
  return true;
}

std::size_t SocketLoop::unsent_bytes() const {
  return output_.size() - output_written_ + wslay_event_get_queued_msg_length(context_);
}

bool SocketLoop::flush() {
  while (output_written_ < output_.size()) {
    const ssize_t written = io_.write_some(std::string_view(output_).substr(output_written_));
    if (written < 0) return false;
    if (written == 0) break;
    output_written_ += static_cast<std::size_t>(written);
  }
  if (output_written_ == output_.size()) {
    output_.clear();
    output_written_ = 0;
  } else if (output_written_ > 1024 * 1024) {
    output_.erase(0, output_written_);
    output_written_ = 0;
  }
  return true;
}

bool SocketLoop::read_some() {
  char buffer[kReadSize];
  const ssize_t count = io_.read(buffer, sizeof buffer);
  if (count > 0) {
    input_.append(buffer, static_cast<std::size_t>(count));
  } else if (count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
    peer_closed_ = true;
  }
  return true;
}

void SocketLoop::hand_received_to_session() {
  std::vector<WebSocketMessage> messages;
  messages.swap(received_);
  for (auto& message : messages) {
    if (closing_) break;
    schedule(session_->received(std::move(message)));
  }
}

int SocketLoop::poll_timeout_ms(std::chrono::steady_clock::time_point now) const {
  auto until = now + std::chrono::milliseconds(kStopCheckMs);
  if (!timed_.empty()) until = std::min(until, timed_.top().due);
  if (closing_) until = std::min(until, close_deadline_);
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count();
  return static_cast<int>(std::max<long long>(wait, 0) + (until > now ? 1 : 0));
}

void SocketLoop::serve(const std::string& answer_head, std::string already_read) {
  if (!context_ || !io_.write_all(answer_head)) {
    session_->ended({std::nullopt, "", "network"});
    return;
  }
  input_ = std::move(already_read);
  schedule(session_->opened(outlet_));
  ending_.by = "network";
  bool woken = false;  // the last poll found the outlet's eventfd readable
  for (;;) {
    auto now = std::chrono::steady_clock::now();
    if (!stop_noticed_ && !still_serving_()) {
      stop_noticed_ = true;
      start_close(1001, "the mock server is stopping", "server_stop");
      close_deadline_ = now + std::chrono::milliseconds(200);
    }
    if (!input_.empty() || peer_closed_) {
      const int failed = wslay_event_recv(context_);
      hand_received_to_session();
      if (too_many_fragments_) {
        too_many_fragments_ = false;
        start_close(1009, "a message of more than " + std::to_string(limits_.max_fragments) + " fragments", "server");
        wslay_event_shutdown_read(context_);
      }
      // wslay fails when the peer closed (our recv callback says so) or on a frame it refuses,
      // having then queued its close; either way reading is over.
      if (failed != 0 && peer_closed_) break;
    }
    // The session's replies were scheduled from a clock read after `now`: read it again, or an
    // immediate reply waits a turn (a poll of a millisecond, or forever when the client's close
    // or FIN came in the same read).
    now = std::chrono::steady_clock::now();
    for (auto& action : outlet_->take(woken)) timed_.push({now, next_order_++, std::move(action)});
    woken = false;
    if (!run_due(now)) break;
    if (!closing_ && unsent_bytes() > limits_.max_unsent_bytes) {
      start_close(1008,
                  "the client does not read what the server sends (" + std::to_string(limits_.max_unsent_bytes) +
                      " bytes unsent)",
                  "server");
    }
    if (wslay_event_send(context_) != 0 && output_.empty()) break;
    if (!flush()) break;
    if (!closing_ && wslay_event_get_close_sent(context_)) {
      // wslay failed the connection on a frame it refused (1002, 1007, 1009): its close is the
      // server's, and its reading is over, so the connection ends below (RFC 6455 §7.1.7).
      closing_ = true;
      outlet_->end();
      close_deadline_ = now + limits_.close_timeout;
      ending_ = {wslay_event_get_status_code_sent(context_), "", "server"};
    }
    // The close went out and either the client's came back or nothing more will be read (wslay
    // refused a frame, or too many fragments shut reading): waiting could only wait for nothing.
    const bool handshake_done = closing_ && wslay_event_get_close_sent(context_) && output_.empty() &&
                                (wslay_event_get_close_received(context_) || !wslay_event_want_read(context_));
    if (handshake_done) break;
    now = std::chrono::steady_clock::now();
    if (closing_ && now >= close_deadline_) break;
    if (peer_closed_ && input_.empty() && !wslay_event_want_read(context_)) break;

    const bool reading =
        wslay_event_want_read(context_) && !peer_closed_ && output_.size() - output_written_ < limits_.max_unsent_bytes;
    if (reading && io_.has_pending()) {
      read_some();
      continue;
    }
    pollfd watched[2] = {
        {io_.socket(), static_cast<short>((reading ? POLLIN : 0) | (output_.empty() ? 0 : POLLOUT)), 0},
        {outlet_->wake_fd(), POLLIN, 0}};
    const int ready = ::poll(watched, 2, poll_timeout_ms(now));
    if (ready < 0 && errno != EINTR) break;
    woken = ready > 0 && (watched[1].revents & POLLIN) != 0;
    if (ready > 0 && (watched[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0 && reading) read_some();
    if (ready > 0 && (watched[0].revents & (POLLHUP | POLLERR)) != 0 && !reading) break;
  }
  outlet_->end();
  // Whatever is still framed goes out if the client takes it at once; then the end.
  flush();
  // Listed as ended before the socket closes: a client seeing the end finds the listing agree.
  session_->ended(ending_);
  if (ending_.by != "chaos") io_.end_gracefully();
}

}  // namespace mockhttp::detail
