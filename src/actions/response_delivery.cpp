#include "actions/response_delivery.hpp"

#include <algorithm>
#include <memory>
#include <string>

#include "transport/connection_socket.hpp"
#include "encoding/unicode_text.hpp"

namespace mockhttp::detail {

namespace {

constexpr const char* kDefaultContentType = "application/octet-stream";

// Copies status and headers, and sandboxes the answer unless it has a policy of its own;
// returns the content type, which httplib sets with the body.
std::string copy_head(const Response& response, httplib::Response& out) {
  out.status = response.status();
  std::string content_type;
  bool has_own_policy = false;
  for (const auto& [name, value] : response.headers()) {
    if (ascii_equals_ignoring_case(name, "content-type")) {
      content_type = value;
    } else {
      has_own_policy = has_own_policy || ascii_equals_ignoring_case(name, "content-security-policy");
      out.set_header(name, value);
    }
  }
  if (!has_own_policy) out.set_header("Content-Security-Policy", kStubSandboxPolicy);
  return content_type;
}

void deliver_whole(const Response& response, httplib::Response& out) {
  const std::string content_type = copy_head(response, out);
  if (!content_type.empty()) {
    out.set_content(response.body(), content_type);
  } else {
    out.body = response.body();  // no content type invented for the stub
  }
}

// Headers announce the whole body; half of it is sent, then the connection closes. Declaring at
// least one byte keeps an empty body truncated too.
void deliver_cut_off(const Response& response, httplib::Response& out) {
  std::string content_type = copy_head(response, out);
  auto body = std::make_shared<const std::string>(response.body());
  const std::size_t declared = std::max<std::size_t>(body->size(), 1);
  const std::size_t sent = body->size() / 2;
  out.set_content_provider(declared, content_type.empty() ? kDefaultContentType : content_type,
                           [body, sent](std::size_t, std::size_t, httplib::DataSink& sink) {
                             if (sent > 0) sink.write(body->data(), sent);
                             return false;  // httplib abandons the response and closes
                           });
}

void deliver_dribbled(const Response& response, const Dribble& dribble, httplib::Response& out,
                      const Pause& pause) {
  std::string content_type = copy_head(response, out);
  auto body = std::make_shared<const std::string>(response.body());
  const auto chunks = static_cast<std::size_t>(dribble.chunks);
  const auto gap = std::chrono::milliseconds(dribble.duration_ms / dribble.chunks);
  out.set_content_provider(
      body->size(), content_type.empty() ? kDefaultContentType : content_type,
      [body, chunks, gap, pause](std::size_t offset, std::size_t, httplib::DataSink& sink) {
        const std::size_t chunk_size = (body->size() + chunks - 1) / chunks;
        for (std::size_t at = offset; at < body->size(); at += chunk_size) {
          if (!pause(gap)) return false;
          if (!sink.write(body->data() + at, std::min(chunk_size, body->size() - at))) return false;
        }
        return true;
      });
}

std::string status_line(int status) {
  return "HTTP/1.1 " + std::to_string(status) + " Chaos\r\n";  // any reason phrase is valid
}

// Starts with bytes no HTTP response can start with, NUL included.
constexpr char kNotHttp[] = "\x7f\x13\x00\xffmockhttp-random-data\xfe\x01\r\n\r\n";

// Faults below HTTP: they write to the socket directly and end the connection, so whatever
// httplib then tries to send fails and it closes the connection.
void break_connection(FaultKind fault, const Response& response, const httplib::Request& request) {
  const int socket = find_connection_socket(request.local_port, request.remote_addr, request.remote_port);
  if (socket < 0) return;
  switch (fault) {
    case FaultKind::empty_response:
      break;
    case FaultKind::connection_reset:
      reset_connection(socket);
      return;
    case FaultKind::malformed_chunk:
      send_raw(socket, status_line(response.status()) +
                           "Transfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
                           "not-a-chunk-size\r\n" + response.body() + "\r\n");
      break;
    case FaultKind::random_data_then_close:
      // Not an HTTP status line: a client must give up on the response.
      send_raw(socket, std::string(kNotHttp, sizeof kNotHttp - 1));
      break;
    case FaultKind::connection_drop:
      return;  // handled through httplib: it needs real headers
  }
  end_connection(socket);
}

// Python's str.splitlines separators, as UTF-8: \r\n, \n, \r, \v, \f, \x1c-\x1e, U+0085,
// U+2028, U+2029.
std::size_t line_break_length(const std::string& text, std::size_t at) {
  const auto byte = static_cast<unsigned char>(text[at]);
  if (byte == '\r') return at + 1 < text.size() && text[at + 1] == '\n' ? 2 : 1;
  if (byte == '\n' || byte == 0x0b || byte == 0x0c || (byte >= 0x1c && byte <= 0x1e)) return 1;
  if (byte == 0xc2 && at + 1 < text.size() && static_cast<unsigned char>(text[at + 1]) == 0x85) return 2;
  if (byte == 0xe2 && at + 2 < text.size() && static_cast<unsigned char>(text[at + 1]) == 0x80 &&
      (static_cast<unsigned char>(text[at + 2]) == 0xa8 || static_cast<unsigned char>(text[at + 2]) == 0xa9)) {
    return 3;
  }
  return 0;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0, at = 0;
  while (at < text.size()) {
    if (const std::size_t length = line_break_length(text, at)) {
      lines.push_back(text.substr(start, at - start));
      at += length;
      start = at;
    } else {
      ++at;
    }
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

void set_event_stream_head(httplib::Response& out) {
  out.status = 200;
  out.set_header("Cache-Control", "no-cache");
  out.set_header("Connection", "keep-alive");
  out.set_header("Content-Security-Policy", kStubSandboxPolicy);  // an event stream is a stub's answer too
}

}  // namespace

std::string sse_frame(const SseEvent& event) {
  std::string frame;
  if (event.id()) frame += "id: " + *event.id() + "\n";
  if (event.event()) frame += "event: " + *event.event() + "\n";
  if (event.retry()) frame += "retry: " + std::to_string(event.retry()->count()) + "\n";
  const auto lines = split_lines(event.data());
  if (lines.empty()) frame += "data: \n";
  for (const auto& line : lines) frame += "data: " + line + "\n";
  return frame + "\n";
}

void deliver_event_stream(std::vector<StreamedEvent> events, const ChaosDecision& decision,
                          const httplib::Request& request, httplib::Response& out, const Pause& pause) {
  if (decision.fault && decision.fault != FaultKind::connection_drop) {
    break_connection(*decision.fault, Response(200).body(events.front().frame), request);
    out.status = 500;  // never reaches the client
    return;
  }
  set_event_stream_head(out);
  const bool drop = decision.fault == FaultKind::connection_drop;
  auto stream = std::make_shared<const std::vector<StreamedEvent>>(std::move(events));
  out.set_chunked_content_provider(
      "text/event-stream", [stream, drop, pause](std::size_t, httplib::DataSink& sink) {
        for (const auto& event : *stream) {
          if (!pause(std::chrono::milliseconds(event.delay_ms))) return false;
          if (drop) {
            sink.write(event.frame.data(), std::max<std::size_t>(1, event.frame.size() / 2));
            return false;  // abandoned mid-event: the chunked body never ends
          }
          if (!sink.write(event.frame.data(), event.frame.size())) return false;
        }
        sink.done();
        return true;
      });
}

void deliver_response(const Response& response, const Chaos& chaos, const ChaosDecision& decision,
                      const httplib::Request& request, httplib::Response& out, const Pause& pause) {
  if (decision.fault == FaultKind::connection_drop) {
    deliver_cut_off(response, out);
  } else if (decision.fault) {
    break_connection(*decision.fault, response, request);
    out.status = 500;  // never reaches the client: the connection is already broken
  } else if (chaos.dribble) {
    deliver_dribbled(response, *chaos.dribble, out, pause);
  } else {
    deliver_whole(response, out);
  }
}

}  // namespace mockhttp::detail
