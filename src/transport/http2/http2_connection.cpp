#include "transport/http2/http2_connection.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <string_view>

#include <httplib.h>

#include "encoding/base64.hpp"
#include "encoding/http_url.hpp"
#include "encoding/unicode_text.hpp"
#include "exchange/trailer_fields.hpp"
#include "transport/certificate_authority.hpp"
#include "transport/connection_socket.hpp"
#include "transport/http2/session_limits.hpp"

namespace mockhttp::detail {

namespace {

using Clock = std::chrono::steady_clock;

// The loop wakes at least this often to notice a stopping server.
constexpr int kLongestPollMs = 100;
// Headers that only mean something to one HTTP/1.1 hop; HTTP/2 forbids them (RFC 9113 §8.2.2).
bool connection_specific(const std::string& lowercase_name) {
  return lowercase_name == "connection" || lowercase_name == "keep-alive" || lowercase_name == "proxy-connection" ||
         lowercase_name == "transfer-encoding" || lowercase_name == "upgrade";
}

bool status_has_no_body(int status) { return (status >= 100 && status < 200) || status == 204 || status == 304; }

nghttp2_nv header_pair(const std::string& name, const std::string& value) {
  return {reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
          NGHTTP2_NV_FLAG_NONE};
}

// Keeps the plan's trailers on the stream, for after its last DATA frame.
void take_trailers(Http2Stream& stream, const Headers& trailers, Headers& headers) {
  std::string announced;
  for (const auto& field : trailers) {
    if (why_not_a_trailer(field.first, field.second)) continue;
    std::string name = ascii_lowercase(field.first);  // HTTP/2 field names are lowercase
    const bool named = std::any_of(stream.trailers.begin(), stream.trailers.end(),
                                   [&name](const std::pair<std::string, std::string>& f) { return f.first == name; });
    if (!named) announced += (announced.empty() ? "" : ", ") + name;
    stream.trailers.emplace_back(std::move(name), field.second);
  }
  // RFC 9110 §6.6.2: the head names the trailers to come.
  if (!announced.empty()) headers.emplace_back("trailer", std::move(announced));
}

}  // namespace

// nghttp2 calls C functions with the connection as user data; these forward to it.
struct Http2Callbacks {
  static Http2Connection& of(void* user_data) { return *static_cast<Http2Connection*>(user_data); }

  // The trailers end the stream as a HEADERS frame after the last DATA frame, which then leaves
  // the stream open; nghttp2 copies the fields. If they cannot be queued the body still ends.
  static void submit_trailers(nghttp2_session* session, const Http2Stream& stream, std::uint32_t& data_flags) {
    std::vector<nghttp2_nv> pairs;
    pairs.reserve(stream.trailers.size());
    for (const auto& field : stream.trailers) pairs.push_back(header_pair(field.first, field.second));
    if (nghttp2_submit_trailer(session, stream.id, pairs.data(), pairs.size()) == 0) {
      data_flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
    }
  }

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    Http2Connection& connection = of(user_data);
    connection.streams_.emplace(frame->hd.stream_id, std::make_unique<Http2Stream>(frame->hd.stream_id));
    return 0;
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name, std::size_t name_size,
                       const std::uint8_t* value, std::size_t value_size, std::uint8_t, void* user_data) {
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    Http2Connection& connection = of(user_data);
    Http2Stream* stream = connection.stream(frame->hd.stream_id);
    // Trailers a client sends after its body are read and not kept: a request's headers are its head's.
    if (!stream || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    stream->header_bytes += name_size + value_size + 32;
    if (stream->header_bytes > http2_limits::kMaxHeaderListBytes) {
      // Counted, no longer kept: the request is answered 431 once its header block ends.
      stream->header_list_too_large = true;
      return 0;
    }
    std::string key(reinterpret_cast<const char*>(name), name_size);
    std::string text(reinterpret_cast<const char*>(value), value_size);
    if (!key.empty() && key[0] == ':') {
      if (key == ":method") {
        stream->method = std::move(text);
        stream->head_request = stream->method == "HEAD";
      } else if (key == ":path") {
        stream->target = std::move(text);
      } else if (key == ":authority") {
        stream->authority = std::move(text);
      }
      return 0;
    }
    stream->headers.emplace_back(std::move(key), std::move(text));
    return 0;
  }

  static int on_data_chunk_recv(nghttp2_session*, std::uint8_t, std::int32_t stream_id, const std::uint8_t* data,
                                std::size_t size, void* user_data) {
    Http2Connection& connection = of(user_data);
    Http2Stream* stream = connection.stream(stream_id);
    if (!stream || stream->refused) return 0;  // a refused body is read (flow control) and dropped
    if (stream->conversation) {
      // A conversation takes the bytes as they come; the codec bounds what a message may hold.
      stream->inbound.append(reinterpret_cast<const char*>(data), size);
      connection.run_turn(*stream);
      return 0;
    }
    const std::size_t limit = connection.environment_.max_body_bytes;
    if (limit != 0 && size > limit - std::min(limit, stream->body.size())) {
      connection.refuse(*stream, WireError::payload_too_large,
                        "the body runs past the limit; this server takes at most " + std::to_string(limit) +
                            " bytes of body (ServerOptions::max_body_bytes, serve --max-body-bytes)");
      stream->body.clear();
      return 0;
    }
    stream->body.append(reinterpret_cast<const char*>(data), size);
    return 0;
  }

  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) return 0;
    Http2Connection& connection = of(user_data);
    Http2Stream* stream = connection.stream(frame->hd.stream_id);
    if (!stream) return 0;
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
      const std::size_t most = connection.environment_.max_header_count;
      const std::size_t limit = connection.environment_.max_body_bytes;
      if (stream->header_list_too_large) {
        connection.refuse(*stream, WireError::header_fields_too_large,
                          "the header list runs past " + std::to_string(http2_limits::kMaxHeaderListBytes) +
                              " bytes (names, values and 32 per field, as HPACK decodes them; "
                              "SETTINGS_MAX_HEADER_LIST_SIZE)");
      } else if (most != 0 && stream->headers.size() > most) {
        connection.refuse(*stream, WireError::header_fields_too_large,
                          std::to_string(stream->headers.size()) + " header fields; this server takes at most " +
                              std::to_string(most) + " (ServerOptions::max_header_count, serve --max-header-count)");
      } else if (limit != 0) {
        // A declared length over the limit is refused before a byte of the body arrives.
        for (const auto& header : stream->headers) {
          if (header.first != "content-length") continue;
          const std::string& declared = header.second;
          // nghttp2 refuses a content-length that is not a number before this runs; the check
          // stays so a malformed one can never throw here.
          const bool number =
              !declared.empty() && declared.size() <= 19 &&
              std::all_of(declared.begin(), declared.end(), [](char c) { return c >= '0' && c <= '9'; });
          if (number && std::stoull(declared) > limit) {
            connection.refuse(*stream, WireError::payload_too_large,
                              "content-length is " + declared + "; this server takes at most " + std::to_string(limit) +
                                  " bytes of body (ServerOptions::max_body_bytes, serve --max-body-bytes)");
          }
          break;
        }
      }
    }
    if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) {
      connection.request_complete(*stream);
    } else if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST && !stream->refused &&
               connection.environment_.may_converse) {
      // A body follows: a call the engine answers while it arrives is opened now.
      stream->head = connection.recorded_request_of(*stream);
      if (connection.environment_.may_converse(*stream->head)) connection.open_conversation(*stream);
    }
    return 0;
  }

  static int on_frame_send(nghttp2_session* session, const nghttp2_frame* frame, void* user_data) {
    // A refused request whose client is still sending its body: once the answer is out, the
    // stream is reset, so the client stops sending what will never be read.
    if (frame->hd.type != NGHTTP2_DATA && frame->hd.type != NGHTTP2_HEADERS) return 0;
    if (!(frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) return 0;
    Http2Stream* stream = of(user_data).stream(frame->hd.stream_id);
    if (stream && stream->refused && !stream->request_complete) {
      nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, stream->id, NGHTTP2_NO_ERROR);
    }
    return 0;
  }

  static int on_stream_close(nghttp2_session*, std::int32_t stream_id, std::uint32_t, void* user_data) {
    of(user_data).streams_.erase(stream_id);  // a plan arriving later for it is dropped
    return 0;
  }

  // The body of an answer, a part at a time; a part whose pause is not over is deferred, and the
  // loop resumes the stream when it is due.
  static ssize_t read_body(nghttp2_session* session, std::int32_t stream_id, std::uint8_t* buffer, std::size_t length,
                           std::uint32_t* data_flags, nghttp2_data_source*, void* user_data) {
    Http2Stream* stream = of(user_data).stream(stream_id);
    if (!stream) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    while (stream->part < stream->parts.size()) {
      const BodyPart& part = stream->parts[stream->part];
      if (!stream->waiting) {
        stream->waiting = true;
        stream->due = Clock::now() + part.after;
      }
      if (part.after.count() > 0 && Clock::now() < stream->due) {
        stream->deferred = true;
        return NGHTTP2_ERR_DEFERRED;
      }
      if (stream->offset < part.bytes.size()) {
        const std::size_t count = std::min(length, part.bytes.size() - stream->offset);
        std::memcpy(buffer, part.bytes.data() + stream->offset, count);
        stream->offset += count;
        return static_cast<ssize_t>(count);
      }
      ++stream->part;
      stream->offset = 0;
      stream->waiting = false;
    }
    // A conversation's answer stays open until a step ends it.
    if (stream->open_ended) {
      stream->awaiting_step = true;
      return NGHTTP2_ERR_DEFERRED;
    }
    // Cut short: the stream ends with RST_STREAM (INTERNAL_ERROR) instead of END_STREAM.
    if (stream->cut_short) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    if (!stream->trailers.empty()) submit_trailers(session, *stream, *data_flags);
    return 0;
  }
};

Http2Connection::Http2Connection(HandedConnection connection, const HandoffEnvironment& environment,
                                 std::optional<ConnectionIo> io)
    : connection_(std::move(connection)),
      environment_(environment),
      io_(io ? *io : ConnectionIo(connection_.socket, connection_.ssl)),
      window_patience_(http2_limits::stalled_window_patience(io_.socket())) {
  // A worker per stream in the engine, as many as may be open, and a few for streams the
  // client reset while their answer was still being decided.
  const std::size_t most = static_cast<std::size_t>(environment_.max_concurrent_streams) + 16;
  workers_ = std::make_unique<ElasticTaskQueue>(most, std::chrono::seconds(2), nullptr,
                                                ElasticTaskQueue::Growth::one_thread_at_a_time);
  wake_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

Http2Connection::~Http2Connection() {
  workers_->shutdown();  // a worker still in handle() ends before what it reports to does
  if (session_) nghttp2_session_del(session_);
  if (wake_ >= 0) ::close(wake_);
}

Http2Stream* Http2Connection::stream(std::int32_t id) {
  const auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : it->second.get();
}

bool Http2Connection::start_session() {
  nghttp2_session_callbacks* callbacks = nullptr;
  if (nghttp2_session_callbacks_new(&callbacks) != 0) return false;
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, &Http2Callbacks::on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, &Http2Callbacks::on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &Http2Callbacks::on_data_chunk_recv);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &Http2Callbacks::on_frame_recv);
  nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, &Http2Callbacks::on_frame_send);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &Http2Callbacks::on_stream_close);
  nghttp2_option* option = nullptr;
  if (nghttp2_option_new(&option) != 0) {
    nghttp2_session_callbacks_del(callbacks);
    return false;
  }
  // nghttp2's own mitigations (transport/http2/session_limits.hpp): streams past the advertised
  // maximum are refused, CONTINUATION floods and rapid reset end the connection, SETTINGS and
  // PING floods are bounded.
  http2_limits::apply_hostile_peer_mitigations(option);
  const int made = nghttp2_session_server_new2(&session_, callbacks, this, option);
  nghttp2_option_del(option);
  nghttp2_session_callbacks_del(callbacks);
  if (made != 0) return false;

  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, environment_.max_concurrent_streams},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, static_cast<std::uint32_t>(http2_limits::kMaxHeaderListBytes)},
  };
  if (connection_.upgraded_request) {
    // h2c: the HTTP2-Settings header is the client's SETTINGS; its request becomes stream 1,
    // half-closed on the client's side, answered like any other.
    std::string payload;
    if (!base64url_decode(connection_.upgrade_settings, payload)) return false;
    if (nghttp2_session_upgrade2(session_, reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size(),
                                 connection_.upgraded_request->method == "HEAD", nullptr) != 0) {
      return false;
    }
  }
  return nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, sizeof settings / sizeof settings[0]) == 0;
}

bool Http2Connection::flush() {
  // nghttp2 hands out one frame at a time: the frames are gathered into one write (a gRPC call's
  // HEADERS, DATA and trailers are one send, not three system calls).
  outgoing_.clear();
  for (;;) {
    const std::uint8_t* data = nullptr;
    const ssize_t size = nghttp2_session_mem_send(session_, &data);
    if (size < 0) return false;
    if (size == 0) break;
    outgoing_.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
    if (outgoing_.size() < kGatheredWrite) continue;
    if (!io_.write_all(outgoing_)) return false;
    outgoing_.clear();
  }
  return outgoing_.empty() || io_.write_all(outgoing_);
}

bool Http2Connection::receive(const char* data, std::size_t size) {
  const ssize_t taken = nghttp2_session_mem_recv(session_, reinterpret_cast<const std::uint8_t*>(data), size);
  if (taken >= 0) return true;
  // nghttp2 stops reading without a GOAWAY of its own; the last flush sends this one.
  if (taken == http2_limits::kTooManyContinuations)
    nghttp2_session_terminate_session(session_, NGHTTP2_ENHANCE_YOUR_CALM);
  return false;
}

bool Http2Connection::read_available() {
  char buffer[16 * 1024];
  do {
    const ssize_t received = io_.read(buffer, sizeof buffer);
    if (received <= 0 || !receive(buffer, static_cast<std::size_t>(received))) return false;
  } while (io_.has_pending());
  return true;
}

void Http2Connection::request_complete(Http2Stream& stream) {
  stream.request_complete = true;
  if (stream.opening) return;  // the opening decides how it is answered
  if (stream.conversation) {
    run_turn(stream);
    return;
  }
  if (!stream.refused && !stream.handed_to_engine) hand_to_engine(stream, whole_request_of(stream));
}

RecordedRequest Http2Connection::whole_request_of(Http2Stream& stream) {
  if (!stream.head) return recorded_request_of(stream);
  RecordedRequest whole = std::move(*stream.head);
  stream.head.reset();
  whole.body = std::move(stream.body);
  return whole;
}

void Http2Connection::post(Finished finished) {
  {
    const std::lock_guard<std::mutex> lock(finished_mutex_);
    finished_.push_back(std::move(finished));
  }
  const std::uint64_t one = 1;
  (void)!::write(wake_, &one, sizeof one);
}

void Http2Connection::open_conversation(Http2Stream& stream) {
  stream.opening = true;
  auto head = std::make_shared<RecordedRequest>(*stream.head);
  const std::int32_t id = stream.id;
  std::function<void()> task = [this, id, head] {
    Finished finished;
    finished.kind = Finished::Kind::opening;
    finished.stream_id = id;
    finished.opening = environment_.open_conversation(std::move(*head));
    post(std::move(finished));
  };
  if (!workers_->try_enqueue(task)) {
    stream.opening = false;  // answered whole, as any request, once its body is in
  }
}

void Http2Connection::conversation_opened(Http2Stream& stream, std::optional<ConversationOpening> opening) {
  stream.opening = false;
  // Refused meanwhile (its body ran past the limit): answered already; a conversation opened
  // for it is dropped, and journaled as a call the client never finished.
  if (stream.answered) return;
  if (!opening) {
    // No conversation stub: the call is answered whole once its body is in.
    if (stream.request_complete && !stream.refused) hand_to_engine(stream, whole_request_of(stream));
    return;
  }
  stream.head.reset();
  if (!opening->conversation) {
    // Answered at once (a fault, an error): the rest of the body is read and dropped.
    stream.refused = true;
    stream.body.clear();
    deliver(stream, std::move(opening->head));
    return;
  }
  stream.conversation = std::move(opening->conversation);
  stream.inbound = std::move(stream.body);
  stream.body.clear();
  stream.answered = true;
  stream.open_ended = true;
  Headers headers;
  for (const auto& header : opening->head.headers) {
    std::string name = ascii_lowercase(header.first);
    if (!connection_specific(name)) headers.emplace_back(std::move(name), header.second);
  }
  submit(stream, opening->head.status, headers, true);
  log_answer(stream, opening->head.status);
  run_turn(stream);
}

void Http2Connection::run_turn(Http2Stream& stream) {
  if (!stream.conversation || stream.turn_running || stream.finish_sent) return;
  if (!stream.open_ended && !stream.inbound.empty()) {
    stream.inbound.clear();  // the call has ended: what the client still sends is read and dropped
    return;
  }
  const bool finishing = stream.request_complete;
  if (stream.inbound.empty() && !finishing) return;
  stream.turn_running = true;
  stream.finish_sent = finishing;
  auto bytes = std::make_shared<std::string>(std::move(stream.inbound));
  stream.inbound.clear();
  auto conversation = stream.conversation;
  const std::int32_t id = stream.id;
  // One turn at a time per stream, so the conversation sees its bytes in order.
  std::function<void()> task = [this, id, bytes, conversation, finishing] {
    Finished finished;
    finished.kind = Finished::Kind::step;
    finished.stream_id = id;
    if (!bytes->empty()) finished.step = conversation->receive(*bytes);
    if (finishing && !finished.step.ending) finished.step.append(conversation->finish());
    post(std::move(finished));
  };
  if (!workers_->try_enqueue(task)) {
    stream.turn_running = false;
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream.id, NGHTTP2_REFUSED_STREAM);
  }
}

void Http2Connection::take_step(Http2Stream& stream, ConversationStep step) {
  stream.turn_running = false;
  if (!stream.open_ended) return;  // ended already
  for (auto& part : step.parts) stream.parts.push_back(std::move(part));
  if (step.ending) {
    for (const auto& field : *step.ending) {
      if (!why_not_a_trailer(field.first, field.second))
        stream.trailers.emplace_back(ascii_lowercase(field.first), field.second);
    }
    stream.open_ended = false;
  }
  if (stream.awaiting_step) {
    stream.awaiting_step = false;
    nghttp2_session_resume_data(session_, stream.id);
  }
  run_turn(stream);
}

RecordedRequest Http2Connection::recorded_request_of(Http2Stream& stream) const {
  RecordedRequest recorded;
  recorded.method = stream.method;
  const std::size_t mark = stream.target.find('?');
  // Percent-decoded, with its query apart, as HTTP/1.1's requests are (transport/request_capture).
  recorded.path = httplib::detail::decode_url(stream.target.substr(0, mark), false);
  if (mark != std::string::npos) {
    httplib::Params params;
    httplib::detail::parse_query_text(stream.target.substr(mark + 1), params);
    for (const auto& parameter : params) recorded.query[parameter.first] = parameter.second;
  }
  // :authority is HTTP/2's Host; the journal and header criteria see it as `host` when the
  // client sent no Host header of its own.
  const bool has_host = std::any_of(stream.headers.begin(), stream.headers.end(),
                                    [](const std::pair<std::string, std::string>& h) { return h.first == "host"; });
  if (!has_host && !stream.authority.empty()) recorded.headers.emplace_back("host", stream.authority);
  for (auto& header : stream.headers) recorded.headers.push_back(std::move(header));
  stream.headers.clear();
  recorded.body = std::move(stream.body);
  std::string authority = stream.authority;
  if (authority.empty()) {
    if (const auto host = recorded.header("host")) authority = *host;
  }
  if (authority.empty() && connection_.tunnel) authority = *connection_.tunnel;
  recorded.host = parse_authority(authority).host;
  recorded.tunnel = connection_.tunnel;
  recorded.protocol = "HTTP/2";
  recorded.connection_id = connection_.connection_id;
  recorded.tls = connection_.ssl != nullptr;
  recorded.received_at = std::chrono::system_clock::now();
  if (connection_.ssl) {
    if (X509* peer = SSL_get1_peer_certificate(connection_.ssl)) {
      recorded.client_certificate = subject_of(peer);
      X509_free(peer);
    }
  }
  return recorded;
}

void Http2Connection::hand_to_engine(Http2Stream& stream, RecordedRequest recorded) {
  stream.handed_to_engine = true;
  auto request = std::make_shared<RecordedRequest>(std::move(recorded));
  const std::int32_t id = stream.id;
  std::function<void()> task = [this, id, request] {
    Finished finished;
    finished.stream_id = id;
    finished.plan = environment_.handle(std::move(*request));
    post(std::move(finished));
  };
  if (!workers_->try_enqueue(task)) {
    refuse(stream, WireError::over_capacity,
           "this connection has more streams being answered than it may have open; retry the request");
  }
}

void Http2Connection::refuse(Http2Stream& stream, WireError error, const std::string& detail) {
  if (stream.answered) return;
  stream.refused = true;
  DeliveryPlan plan;
  plan.status = entry_of(error).status;
  plan.body = error_body(error, detail).dump();
  plan.set_header("content-type", "application/json");
  deliver(stream, std::move(plan));
}

void Http2Connection::take_finished_plans() {
  std::uint64_t count = 0;
  (void)!::read(wake_, &count, sizeof count);
  std::deque<Finished> finished;
  {
    const std::lock_guard<std::mutex> lock(finished_mutex_);
    finished.swap(finished_);
  }
  for (auto& entry : finished) {
    if (broken_) return;
    Http2Stream* target = stream(entry.stream_id);
    if (!target) continue;  // the client reset it meanwhile
    switch (entry.kind) {
      case Finished::Kind::plan:
        deliver(*target, std::move(entry.plan));
        break;
      case Finished::Kind::opening:
        conversation_opened(*target, std::move(entry.opening));
        break;
      case Finished::Kind::step:
        take_step(*target, std::move(entry.step));
        break;
    }
  }
}

void Http2Connection::deliver(Http2Stream& stream, DeliveryPlan plan) {
  if (stream.answered || stream.delayed) return;
  if (plan.delay.count() > 0) {
    // The stub's latency runs on this loop's clock: the stream holds no thread while it waits.
    stream.answer_due = Clock::now() + plan.delay;
    plan.delay = std::chrono::milliseconds(0);
    stream.delayed = std::move(plan);
    return;
  }
  stream.answered = true;
  if (plan.fault) {
    log_answer(stream, 0);
    if (*plan.fault == FaultKind::connection_reset) {
      reset_connection(io_.socket());
      broken_ = true;
      return;
    }
    if (*plan.fault == FaultKind::reset_stream) {
      // This stream only; the connection's other streams go on.
      nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream.id, static_cast<std::uint32_t>(plan.reset_code));
      return;
    }
    if (*plan.fault == FaultKind::malformed_chunk) {
      // A body whose framing lies, as a bad chunk size does over HTTP/1.1: a content-length,
      // then more DATA than it says. The client must reset the stream (PROTOCOL_ERROR, RFC 9113
      // §8.1.1); being a stream error, the connection's other streams go on.
      stream.parts.push_back({std::chrono::milliseconds(0), plan.body + "mockhttp: more than content-length"});
      submit(stream, plan.status, {{"content-length", std::to_string(plan.body.size())}}, !stream.head_request);
      return;
    }
    if (*plan.fault == FaultKind::random_data_then_close) {
      send_unframed_bytes();
      return;
    }
    // Every other fault breaks the connection the HTTP/2 way: GOAWAY, then close.
    nghttp2_session_terminate_session(session_, NGHTTP2_INTERNAL_ERROR);
    return;
  }
  const bool no_body = stream.head_request || status_has_no_body(plan.status);
  Headers headers;
  headers.reserve(plan.headers.size() + 1);
  bool has_length = false;
  for (const auto& header : plan.headers) {
    std::string name = ascii_lowercase(header.first);
    if (connection_specific(name)) continue;
    has_length = has_length || name == "content-length";
    headers.emplace_back(std::move(name), header.second);
  }
  // An answer with trailers declares no length (as gRPC's do): libcurl ends a stream whose
  // declared length has arrived without reading the HEADERS frame that follows.
  const bool with_trailers = !no_body && !plan.cut_short && !plan.trailers.empty();
  has_length = has_length || with_trailers;
  switch (plan.framing) {
    case DeliveryPlan::Framing::whole:
      if (!has_length && !status_has_no_body(plan.status)) {
        headers.emplace_back("content-length", std::to_string(plan.body.size()));
      }
      stream.parts.push_back({std::chrono::milliseconds(0), std::move(plan.body)});
      break;
    case DeliveryPlan::Framing::announced:
      if (!has_length) headers.emplace_back("content-length", std::to_string(plan.announced_length));
      stream.parts = std::move(plan.parts);
      break;
    case DeliveryPlan::Framing::streamed:
      stream.parts = std::move(plan.parts);
      break;
  }
  stream.cut_short = plan.cut_short;
  if (with_trailers) take_trailers(stream, plan.trailers, headers);
  // Nothing to send after the headers: they end the stream (gRPC's "trailers-only" answer must
  // come so, a status in one HEADERS frame with END_STREAM).
  const bool empty = plan.framing == DeliveryPlan::Framing::whole && stream.parts.size() == 1 &&
                     stream.parts.front().bytes.empty() && !with_trailers && !plan.cut_short;
  submit(stream, plan.status, headers, !no_body && !empty);
  log_answer(stream, plan.status);
}

void Http2Connection::send_unframed_bytes() {
  // What nghttp2 queued goes first, so the client is mid-conversation when the bad bytes come.
  flush();
  // A frame header announcing more than any SETTINGS_MAX_FRAME_SIZE, of an unknown type, then
  // bytes that are no frame at all: a connection error (FRAME_SIZE_ERROR) for the client.
  const std::string bytes = std::string("\xff\xff\xff\xfe\0\0\0\0\0", 9) + "mockhttp-random-data";
  broken_ = true;  // nothing more goes out through nghttp2: the framing is broken on purpose
  if (!io_.write_all(bytes)) return;
  // The client is to read the bytes and answer them (its GOAWAY), not an end of stream read in
  // the same breath, nor a TCP reset (a close with its frames unread), which may discard them.
  // So the server reads until the client closes — it must, having rejected the frame — for a
  // bounded time, and only then closes.
  const auto until = Clock::now() + std::chrono::seconds(2);
  char scratch[4096];
  while (Clock::now() < until) {
    pollfd readable{io_.socket(), POLLIN, 0};
    if (!io_.has_pending() && ::poll(&readable, 1, 100) <= 0) continue;
    const ssize_t got = io_.read(scratch, sizeof scratch);
    if (got == 0) break;  // the client closed; a failed read (nothing yet) waits for the next poll
  }
}

void Http2Connection::submit(Http2Stream& stream, int status, const Headers& headers, bool with_body) {
  const std::string status_text = std::to_string(status);
  const std::string status_name = ":status";
  std::vector<nghttp2_nv> pairs;
  pairs.reserve(headers.size() + 1);
  pairs.push_back(header_pair(status_name, status_text));
  for (const auto& header : headers) pairs.push_back(header_pair(header.first, header.second));
  nghttp2_data_provider provider{};
  provider.read_callback = &Http2Callbacks::read_body;
  // nghttp2 copies the header block when the response is submitted.
  if (nghttp2_submit_response(session_, stream.id, pairs.data(), pairs.size(), with_body ? &provider : nullptr) != 0) {
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream.id, NGHTTP2_INTERNAL_ERROR);
  }
}

void Http2Connection::log_answer(const Http2Stream& stream, int status) const {
  if (!environment_.log) return;
  environment_.log(stream.method + " " + stream.target + " -> " + (status == 0 ? "fault" : std::to_string(status)) +
                   " (HTTP/2)");
}

void Http2Connection::answer_delayed_streams(bool stopping) {
  const auto now = Clock::now();
  for (auto& entry : streams_) {
    if (broken_) return;
    Http2Stream& stream = *entry.second;
    if (!stream.delayed || (!stopping && stream.answer_due > now)) continue;
    DeliveryPlan plan = stopping
                            ? error_answer(WireError::server_stopping, "the server stopped during the stub's latency")
                            : std::move(*stream.delayed);
    stream.delayed.reset();
    deliver(stream, std::move(plan));
  }
}

void Http2Connection::take_plans_in_flight(std::chrono::milliseconds limit) {
  const auto until = Clock::now() + limit;
  for (;;) {
    bool in_flight = false;
    for (const auto& entry : streams_) {
      const Http2Stream& stream = *entry.second;
      in_flight = in_flight || (stream.handed_to_engine && !stream.answered && !stream.delayed);
    }
    if (!in_flight || broken_ || Clock::now() >= until) return;
    // The engine wakes its own waits when the server stops, so a plan comes soon.
    pollfd wake{wake_, POLLIN, 0};
    if (::poll(&wake, 1, 50) > 0 && (wake.revents & POLLIN)) take_finished_plans();
  }
}

void Http2Connection::resume_due_streams() {
  answer_delayed_streams(false);
  const auto now = Clock::now();
  for (auto& entry : streams_) {
    Http2Stream& stream = *entry.second;
    if (stream.deferred && stream.due <= now) {
      stream.deferred = false;
      nghttp2_session_resume_data(session_, stream.id);
    }
  }
}

void Http2Connection::reset_stalled_streams() {
  const auto now = Clock::now();
  const bool connection_window_shut = nghttp2_session_get_remote_window_size(session_) <= 0;
  for (auto& entry : streams_) {
    Http2Stream& stream = *entry.second;
    // Only an answer with DATA to send and nothing of its own to wait for can be stalled.
    const bool waits_for_window =
        stream.answered && !stream.deferred && !stream.awaiting_step && !stream.stalled_reset &&
        nghttp2_session_get_stream_local_close(session_, stream.id) == 0 &&
        (connection_window_shut || nghttp2_session_get_stream_remote_window_size(session_, stream.id) <= 0);
    if (!waits_for_window) {
      stream.window_shut_since.reset();
      continue;
    }
    if (!stream.window_shut_since) stream.window_shut_since = now;
    if (now - *stream.window_shut_since < window_patience_) continue;
    // The client let no DATA through for as long as a blocked write may wait: the stream is
    // given up, so a window never opened holds neither the stream nor, once idle, the connection.
    stream.stalled_reset = true;
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream.id, NGHTTP2_CANCEL);
  }
}

int Http2Connection::poll_timeout_ms() const {
  auto timeout = std::chrono::milliseconds(kLongestPollMs);
  const auto now = Clock::now();
  for (const auto& entry : streams_) {
    const Http2Stream& stream = *entry.second;
    if (!stream.deferred && !stream.delayed) continue;
    const auto due = stream.delayed ? stream.answer_due : stream.due;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(due - now) + std::chrono::milliseconds(1);
    timeout = std::max(std::chrono::milliseconds(0), std::min(timeout, left));
  }
  return static_cast<int>(timeout.count());
}

void Http2Connection::serve() {
  if (wake_ < 0 || !start_session()) return;
  if (connection_.upgraded_request) {
    // Stream 1 is the upgrading request, read whole by HTTP/1.1 and journaled as HTTP/2's.
    RecordedRequest& request = *connection_.upgraded_request;
    auto first = std::make_unique<Http2Stream>(1);
    first->method = request.method;
    first->head_request = request.method == "HEAD";
    first->target = request.path;
    first->request_complete = true;
    Http2Stream& stream = *first;
    streams_.emplace(1, std::move(first));
    request.protocol = "HTTP/2";
    request.connection_id = connection_.connection_id;
    hand_to_engine(stream, std::move(request));
  }
  if (!connection_.already_read.empty() && !receive(connection_.already_read.data(), connection_.already_read.size())) {
    if (flush()) io_.end_gracefully();  // a GOAWAY the bytes earned goes out
    return;
  }
  auto idle_since = Clock::now();
  bool stopping = false;
  while (!broken_) {
    if (!flush()) break;
    if (!nghttp2_session_want_read(session_) && !nghttp2_session_want_write(session_)) break;
    if (!stopping && !environment_.still_serving()) {
      // The server stops: GOAWAY tells the client no new stream will be read; the loop ends once it is written.
      stopping = true;
      // Answers still waiting out a latency are woken at once, as the HTTP/1.1 ones are.
      take_plans_in_flight(std::chrono::milliseconds(2000));
      answer_delayed_streams(true);
      if (!flush()) break;
      nghttp2_session_terminate_session(session_, NGHTTP2_NO_ERROR);
      continue;
    }
    if (stopping) break;
    if (!nothing_open()) idle_since = Clock::now();
    if (nothing_open() && Clock::now() - idle_since > environment_.idle_timeout) {
      nghttp2_session_terminate_session(session_, NGHTTP2_NO_ERROR);
      stopping = true;
      continue;
    }
    pollfd watched[2] = {{io_.socket(), POLLIN, 0}, {wake_, POLLIN, 0}};
    const int ready = io_.has_pending() ? 1 : ::poll(watched, 2, poll_timeout_ms());
    if (ready < 0 && errno != EINTR) break;
    if (io_.has_pending() || (watched[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      if (!read_available()) break;
    }
    if (watched[1].revents & POLLIN) take_finished_plans();
    resume_due_streams();
    reset_stalled_streams();
  }
  if (!broken_ && flush()) io_.end_gracefully();
}

}  // namespace mockhttp::detail
