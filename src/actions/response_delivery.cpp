#include "actions/response_delivery.hpp"

#include <algorithm>
#include <string>

#include "encoding/unicode_text.hpp"
#include "exchange/error_catalogue.hpp"
#include "exchange/trailer_fields.hpp"

namespace mockhttp::detail {

namespace {

// Copies status and headers, and sandboxes the answer unless it has a policy of its own.
DeliveryPlan plan_head(const Response& response) {
  DeliveryPlan plan;
  plan.status = response.status();
  bool has_own_policy = false;
  for (const auto& [name, value] : response.headers()) {
    has_own_policy = has_own_policy || ascii_equals_ignoring_case(name, "content-security-policy");
    plan.headers.emplace_back(name, value);
  }
  if (!has_own_policy) plan.headers.emplace_back("Content-Security-Policy", kStubSandboxPolicy);
  return plan;
}

DeliveryPlan plan_whole(const Response& response) {
  DeliveryPlan plan = plan_head(response);
  plan.body = response.body();
  plan.trailers = response.trailers();
  return plan;
}

// Headers announce the whole body; half of it is sent, then the exchange is abandoned.
// Declaring at least one byte keeps an empty body truncated too.
DeliveryPlan plan_cut_off(const Response& response) {
  DeliveryPlan plan = plan_head(response);
  const std::string& body = response.body();
  plan.framing = DeliveryPlan::Framing::announced;
  plan.announced_length = std::max<std::size_t>(body.size(), 1);
  if (body.size() / 2 > 0) plan.parts.push_back({std::chrono::milliseconds(0), body.substr(0, body.size() / 2)});
  plan.cut_short = true;
  return plan;
}

DeliveryPlan plan_dribbled(const Response& response, const Dribble& dribble) {
  DeliveryPlan plan = plan_head(response);
  const std::string& body = response.body();
  const auto chunks = static_cast<std::size_t>(dribble.chunks);
  const auto gap = dribble.duration / dribble.chunks;
  const std::size_t chunk_size = (body.size() + chunks - 1) / chunks;
  plan.framing = DeliveryPlan::Framing::announced;
  plan.announced_length = body.size();
  for (std::size_t at = 0; at < body.size(); at += chunk_size) plan.parts.push_back({gap, body.substr(at, chunk_size)});
  plan.trailers = response.trailers();  // after the last part
  return plan;
}

// Faults below HTTP: the transport breaks the connection as the fault says, with no answer.
DeliveryPlan plan_fault(const ChaosDecision& decision, const Response& response) {
  DeliveryPlan plan;
  plan.status = response.status();
  plan.body = response.body();
  plan.fault = decision.fault;
  plan.reset_code = decision.reset_code;
  return plan;
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

DeliveryPlan plan_event_stream(const std::vector<StreamedEvent>& events, const ChaosDecision& decision) {
  if (decision.fault && decision.fault != FaultKind::connection_drop) {
    return plan_fault(decision, Response(200).body(events.front().frame));
  }
  DeliveryPlan plan;
  plan.status = 200;
  plan.headers = {{"Cache-Control", "no-cache"},
                  {"Connection", "keep-alive"},
                  {"Content-Security-Policy", kStubSandboxPolicy},  // an event stream is a stub's answer too
                  {"Content-Type", "text/event-stream"}};
  plan.framing = DeliveryPlan::Framing::streamed;
  for (const auto& event : events) {
    if (decision.fault == FaultKind::connection_drop) {
      // Abandoned mid-event: the stream never ends.
      plan.parts.push_back({std::chrono::milliseconds(event.delay_ms),
                            event.frame.substr(0, std::max<std::size_t>(1, event.frame.size() / 2))});
      plan.cut_short = true;
      break;
    }
    plan.parts.push_back({std::chrono::milliseconds(event.delay_ms), event.frame});
  }
  return plan;
}

DeliveryPlan plan_encoded_answer(const DeliveryPlan& encoded, const ChaosDecision& decision) {
  // A grpc_status fault's answer is the encoded one itself.
  if (decision.fault && decision.fault != FaultKind::connection_drop && decision.fault != FaultKind::grpc_status) {
    return plan_fault(
        decision, Response(encoded.status).body(encoded.parts.empty() ? encoded.body : encoded.parts.front().bytes));
  }
  DeliveryPlan plan = encoded;
  if (decision.fault == FaultKind::connection_drop) {
    plan.parts.resize(plan.parts.size() / 2);
    plan.trailers.clear();
    plan.cut_short = true;
  }
  return plan;
}

DeliveryPlan plan_response(const Response& response, const Chaos& chaos, const ChaosDecision& decision) {
  // A stub's trailers were checked when it was mounted; a responder's answer is checked here.
  for (const auto& [name, value] : response.trailers()) {
    if (auto problem = why_not_a_trailer(name, value)) {
      return error_answer(WireError::responder_failed, "the answer's trailers: " + *problem);
    }
  }
  if (decision.fault == FaultKind::connection_drop) return plan_cut_off(response);
  if (decision.fault) return plan_fault(decision, response);
  if (chaos.dribble) return plan_dribbled(response, *chaos.dribble);
  return plan_whole(response);
}

}  // namespace mockhttp::detail
