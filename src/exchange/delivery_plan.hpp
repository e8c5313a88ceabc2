#pragma once
// What the engine decided one exchange gets, as one value the transport carries out: the
// status, the headers, and the body — whole, or in parts with a pause before each (dribble,
// Server-Sent Events), possibly cut short (a dropped connection) — or, instead of any answer, a
// fault that breaks the connection itself. Protocol-neutral: the HTTP/1.1 transport writes it
// with cpp-httplib (transport/http1_delivery.hpp); a later protocol writes it its own way.
// A value: built on a worker thread, carried out on the same or another.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <mockhttp/chaos.hpp>
#include <mockhttp/response.hpp>

#include "exchange/message_session.hpp"

namespace mockhttp::detail {

// Sleeps for the duration unless the server stops first; false when it stopped.
using Pause = std::function<bool(std::chrono::milliseconds)>;

// A piece of a body sent over time: `bytes` after waiting `after`.
struct BodyPart {
  std::chrono::milliseconds after{0};
  std::string bytes;
};

struct DeliveryPlan {
  // How the body goes out.
  enum class Framing {
    whole,      // `body`, with its length
    announced,  // `announced_length` declared up front, then `parts`
    streamed,   // `parts` as they come, the length never declared (HTTP/1.1: chunked)
  };

  // Nothing of the answer goes out before this has passed (a stub's latency). The transport
  // waits, on its loop's timer where it has one, so a delayed answer holds no thread; a server
  // that stops meanwhile answers server_stopping at once instead.
  std::chrono::milliseconds delay{0};
  int status = 200;
  Headers headers;  // as sent; Content-Type among them when the answer has one
  std::string body;
  Framing framing = Framing::whole;
  std::size_t announced_length = 0;
  std::vector<BodyPart> parts;
  // Fields sent after the whole body (every one sendable: exchange/trailer_fields.hpp). HTTP/2
  // sends them as a last HEADERS frame; HTTP/1.1 only to a request whose TE lists `trailers`,
  // the body then chunked. A plan cut short or a fault sends none.
  Headers trailers;
  // After the parts the exchange is abandoned, its body unfinished: the client sees the body
  // end early (HTTP/1.1: the connection closes).
  bool cut_short = false;
  // After this answer the connection ends: what follows a malformed request head cannot be
  // trusted (a lying Content-Length would smuggle the next bytes in as another request). HTTP/2
  // ignores it: a refused stream leaves its connection's framing intact.
  bool close_connection = false;
  // Set: no answer at all; the connection is broken the way the fault says. `status` and `body`
  // are what a malformed answer carries.
  std::optional<FaultKind> fault;
  StreamErrorCode reset_code = StreamErrorCode::internal_error;  // a reset_stream fault's code
  // Set when the answer is the server's own error from its catalogue (exchange/error_catalogue):
  // "CODE: detail". A protocol with an error form of its own (gRPC's status) sends it that way.
  std::optional<std::string> server_error;
  // Set: the answer accepts a WebSocket upgrade (101, with `headers` added to the handshake's
  // own) and this session then runs the connection (exchange/message_session.hpp).
  std::shared_ptr<MessageSession> session;

  const std::string* header(const std::string& name) const;       // the first, case-insensitive
  DeliveryPlan& set_header(std::string name, std::string value);  // replaces any of that name
};

}  // namespace mockhttp::detail
