#pragma once
// EventStream: a stub that answers with Server-Sent Events, as assertive-mock-api's
// `action.sse` does. Status 200, `Content-Type: text/event-stream`, `Cache-Control: no-cache`;
// each event waits its delay, then is written as `id:`, `event:`, `retry:` (when set) and one
// `data:` line per line of data, then a blank line.
//
//   server.when_requested_with(Request{}.path("/events"))
//         .respond_with_sse(EventStream{}.event(SseEvent{"first"}.id("1"))
//                                        .event(SseEvent{"second"}.delay_ms(50)));
//
// `id`, `event` and `data` are templates rendered against the request (docs/templates.md).
// Thread safety: value types.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mockhttp {

struct SseEvent {
  SseEvent() = default;
  explicit SseEvent(std::string data_text) : data(std::move(data_text)) {}
  SseEvent& id(std::string value) { id_value = std::move(value); return *this; }
  SseEvent& event(std::string value) { event_name = std::move(value); return *this; }
  SseEvent& retry(std::int64_t ms) { retry_ms = ms; return *this; }
  SseEvent& delay_ms(std::int64_t ms) { delay = ms; return *this; }

  std::string data;
  std::optional<std::string> id_value;
  std::optional<std::string> event_name;
  std::optional<std::int64_t> retry_ms;
  std::optional<std::int64_t> delay;  // before this event; default: the stream's default
};

struct EventStream {
  EventStream& event(SseEvent e) { events.push_back(std::move(e)); return *this; }
  EventStream& default_delay(std::int64_t ms) { default_delay_ms = ms; return *this; }

  std::vector<SseEvent> events;
  std::int64_t default_delay_ms = 0;

  // Throws DocumentError naming the field (under "/action/sse") for no events or a negative
  // delay or retry.
  void validate() const;
  // The wire form of action.sse: {"events": [{"data", "id", "event", "retry", "delay_ms"}],
  // "default_delay_ms"}.
  nlohmann::json to_json() const;
  static EventStream from_json(const nlohmann::json& document, const std::string& pointer = "");
};

}  // namespace mockhttp
