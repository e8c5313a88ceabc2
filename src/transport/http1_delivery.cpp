#include "transport/http1_delivery.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "encoding/unicode_text.hpp"
#include "exchange/error_catalogue.hpp"
#include "exchange/trailer_fields.hpp"
#include "transport/connection_socket.hpp"

namespace mockhttp::detail {

namespace {

// cpp-httplib needs a content type for a body it streams; a stub that set none gets this one.
constexpr const char* kStreamedContentType = "application/octet-stream";

std::string status_line(int status) {
  return "HTTP/1.1 " + std::to_string(status) + " Chaos\r\n";  // any reason phrase is valid
}

// Starts with bytes no HTTP response can start with, NUL included.
constexpr char kNotHttp[] = "\x7f\x13\x00\xffmockhttp-random-data\xfe\x01\r\n\r\n";

// Faults below HTTP: they write to the socket directly and end the connection, so whatever
// cpp-httplib then tries to send fails and it closes the connection.
void break_connection(FaultKind fault, const DeliveryPlan& plan) {
  const int socket = socket_of_this_thread();
  if (socket < 0) return;
  switch (fault) {
    case FaultKind::empty_response:
    case FaultKind::grpc_status:  // the engine answers it as a status: no plan carries it here
      break;
    case FaultKind::connection_reset:
    case FaultKind::reset_stream:  // HTTP/1.1 has no stream to reset: the connection is
      reset_connection(socket);
      return;
    case FaultKind::malformed_chunk:
      send_raw(socket, status_line(plan.status) +
                           "Transfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
                           "not-a-chunk-size\r\n" +
                           plan.body + "\r\n");
      break;
    case FaultKind::random_data_then_close:
      // Not an HTTP status line: a client must give up on the response.
      send_raw(socket, std::string(kNotHttp, sizeof kNotHttp - 1));
      break;
    case FaultKind::connection_drop:
      return;  // a plan cut short, not a fault: it needs real headers
  }
  end_connection(socket);
}

// Copies status and headers but the content type, which cpp-httplib sets with the body; returns it.
std::string copy_head(const DeliveryPlan& plan, httplib::Response& out) {
  out.status = plan.status;
  std::string content_type;
  for (const auto& [name, value] : plan.headers) {
    if (ascii_equals_ignoring_case(name, "content-type")) {
      content_type = value;
    } else {
      out.set_header(name, value);
    }
  }
  return content_type;
}

// The parts, each after its pause; false when the exchange is to be abandoned (cut short, the
// client gone, or the server stopping), which makes cpp-httplib close the connection.
bool write_parts(const DeliveryPlan& plan, httplib::DataSink& sink, const Pause& pause) {
  for (const auto& part : plan.parts) {
    if (part.after.count() > 0 && !pause(part.after)) return false;
    if (!part.bytes.empty() && !sink.write(part.bytes.data(), part.bytes.size())) return false;
  }
  return !plan.cut_short;
}

// Trailers need a body to follow (RFC 9110 §6.5): not for HEAD, 1xx, 204 or 304. And only a
// client that listed `trailers` in TE said it will not discard them.
bool request_takes_trailers(const httplib::Request& request, int status) {
  if (request.method == "HEAD" || (status >= 100 && status < 200) || status == 204 || status == 304) return false;
  for (std::size_t i = 0; i < request.get_header_value_count("TE"); ++i) {
    if (te_accepts_trailers(request.get_header_value("TE", i))) return true;
  }
  return false;
}

std::string chunk(const std::string& bytes) {
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
  return size + bytes + "\r\n";
}

// The last chunk, the trailer section and the blank line that ends the message.
std::string last_chunk_with(const Headers& trailers) {
  std::string out = "0\r\n";
  for (const auto& [name, value] : trailers) out += name + ": " + value + "\r\n";
  return out + "\r\n";
}

// cpp-httplib 0.11's chunked provider always ends its body with an empty trailer section. Its
// provider without a length writes the bytes it is given as they are, so this answer declares
// `Transfer-Encoding: chunked` itself and writes the chunks, the last chunk and the trailers.
void carry_out_chunked_with_trailers(DeliveryPlan plan, httplib::Response& out, const Pause& pause) {
  Headers& trailers = plan.trailers;
  trailers.erase(std::remove_if(trailers.begin(), trailers.end(),
                                [](const std::pair<std::string, std::string>& field) {
                                  return why_not_a_trailer(field.first, field.second).has_value();
                                }),
                 trailers.end());
  // The framing is this answer's own now: a length or a coding a stub declared would contradict it.
  plan.headers.erase(std::remove_if(plan.headers.begin(), plan.headers.end(),
                                    [](const std::pair<std::string, std::string>& field) {
                                      return ascii_equals_ignoring_case(field.first, "content-length") ||
                                             ascii_equals_ignoring_case(field.first, "transfer-encoding") ||
                                             ascii_equals_ignoring_case(field.first, "trailer");
                                    }),
                     plan.headers.end());
  if (plan.framing == DeliveryPlan::Framing::whole) {
    plan.parts = {{std::chrono::milliseconds(0), std::move(plan.body)}};
    plan.framing = DeliveryPlan::Framing::streamed;
  }
  // The Trailer header names each field once, in the order they will come.
  std::vector<std::string> names;
  for (const auto& field : trailers) {
    const auto same = [&field](const std::string& name) { return ascii_equals_ignoring_case(name, field.first); };
    if (std::none_of(names.begin(), names.end(), same)) names.push_back(field.first);
  }
  std::string announced;
  for (const auto& name : names) announced += (announced.empty() ? "" : ", ") + name;
  const std::string content_type = copy_head(plan, out);
  out.set_header("Transfer-Encoding", "chunked");
  if (!announced.empty()) out.set_header("Trailer", announced);
  auto shared = std::make_shared<const DeliveryPlan>(std::move(plan));
  out.set_content_provider(content_type.empty() ? kStreamedContentType : content_type,
                           [shared, pause](std::size_t, httplib::DataSink& sink) {
                             for (const auto& part : shared->parts) {
                               if (part.after.count() > 0 && !pause(part.after)) return false;
                               if (part.bytes.empty()) continue;  // an empty chunk would end the body
                               const std::string framed = chunk(part.bytes);
                               if (!sink.write(framed.data(), framed.size())) return false;
                             }
                             const std::string end = last_chunk_with(shared->trailers);
                             if (!sink.write(end.data(), end.size())) return false;
                             sink.done();
                             return true;
                           });
}

// cpp-httplib decides to keep a connection before routing; a content provider that reports
// failure after writing the whole answer makes it close the connection instead. What the client
// sent beyond the head is discarded first, so the close is not a reset that loses the answer.
void carry_out_then_close(DeliveryPlan plan, httplib::Response& out) {
  const std::string content_type = copy_head(plan, out);
  out.set_header("Connection", "close");
  const int socket = socket_of_this_thread();
  if (socket >= 0) discard_unread(socket);
  auto body = std::make_shared<const std::string>(std::move(plan.body));
  out.set_content_provider(body->size(), content_type.empty() ? kStreamedContentType : content_type,
                           [body](std::size_t, std::size_t, httplib::DataSink& sink) {
                             sink.write(body->data(), body->size());
                             return false;  // written whole; now end the connection
                           });
}

}  // namespace

void carry_out(DeliveryPlan plan, const httplib::Request& request, httplib::Response& out, const Pause& pause) {
  // An HTTP/1.1 connection answers one request at a time, so its thread may wait the latency out.
  if (plan.delay.count() > 0 && !pause(plan.delay)) {
    plan = error_answer(WireError::server_stopping, "the server stopped during the stub's latency");
  }
  if (plan.fault) {
    break_connection(*plan.fault, plan);
    out.status = 500;  // never reaches the client: the connection is already broken
    return;
  }
  if (plan.close_connection) return carry_out_then_close(std::move(plan), out);
  if (!plan.trailers.empty() && !plan.cut_short) {
    if (request_takes_trailers(request, plan.status))
      return carry_out_chunked_with_trailers(std::move(plan), out, pause);
    plan.trailers.clear();  // RFC 9110 §6.5.1 lets a sender drop trailers the client did not ask for
  }
  std::string content_type = copy_head(plan, out);
  switch (plan.framing) {
    case DeliveryPlan::Framing::whole:
      if (!content_type.empty()) {
        out.set_content(std::move(plan.body), content_type);
      } else {
        out.body = std::move(plan.body);  // no content type invented for a stub
      }
      return;
    case DeliveryPlan::Framing::announced: {
      const std::size_t length = plan.announced_length;
      auto shared = std::make_shared<const DeliveryPlan>(std::move(plan));
      out.set_content_provider(length, content_type.empty() ? kStreamedContentType : content_type,
                               [shared, pause](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                 // cpp-httplib asks again from `offset` while the length is not reached;
                                 // everything is written on the first call.
                                 if (offset > 0) return false;
                                 return write_parts(*shared, sink, pause);
                               });
      return;
    }
    case DeliveryPlan::Framing::streamed: {
      auto shared = std::make_shared<const DeliveryPlan>(std::move(plan));
      out.set_chunked_content_provider(content_type.empty() ? kStreamedContentType : content_type,
                                       [shared, pause](std::size_t, httplib::DataSink& sink) {
                                         if (!write_parts(*shared, sink, pause)) return false;
                                         sink.done();
                                         return true;
                                       });
      return;
    }
  }
}

}  // namespace mockhttp::detail
