#pragma once
// EventStream: a stub that answers with Server-Sent Events, as assertive-mock-api's
// `action.sse` does. Status 200, `Content-Type: text/event-stream`, `Cache-Control: no-cache`;
// each event waits its delay, then is written as `id:`, `event:`, `retry:` (when set) and one
// `data:` line per line of data, then a blank line.
//
//   server.when_requested_with(Request{}.path("/events"))
//         .respond_with_sse(EventStream{}.event(SseEvent{"first"}.id("1"))
//                                        .event(SseEvent{"second"}.delay(std::chrono::milliseconds(50))));
//
// `id`, `event` and `data` are templates rendered against the request (docs/templates.md).
// Thread safety: value types: build on one thread, then share freely.
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mockhttp {

// One event. Each setter has a getter of the same name; times are std::chrono durations (the
// integer overloads are milliseconds, as on the wire).
class SseEvent {
 public:
  SseEvent() = default;
  explicit SseEvent(std::string data) : data_(std::move(data)) {}

  SseEvent& data(std::string text) {
    data_ = std::move(text);
    return *this;
  }
  SseEvent& id(std::string value) {
    id_ = std::move(value);
    return *this;
  }
  SseEvent& event(std::string name) {
    event_ = std::move(name);
    return *this;
  }
  // The client's reconnection time, sent as `retry:`.
  SseEvent& retry(std::chrono::milliseconds after) {
    retry_ = after;
    return *this;
  }
  SseEvent& retry(std::int64_t ms) { return retry(std::chrono::milliseconds(ms)); }
  // The wait before this event; unset: the stream's default_delay().
  SseEvent& delay(std::chrono::milliseconds wait) {
    delay_ = wait;
    return *this;
  }
  SseEvent& delay(std::int64_t ms) { return delay(std::chrono::milliseconds(ms)); }

  const std::string& data() const { return data_; }
  const std::optional<std::string>& id() const { return id_; }
  const std::optional<std::string>& event() const { return event_; }
  const std::optional<std::chrono::milliseconds>& retry() const { return retry_; }
  const std::optional<std::chrono::milliseconds>& delay() const { return delay_; }

 private:
  std::string data_;
  std::optional<std::string> id_;
  std::optional<std::string> event_;
  std::optional<std::chrono::milliseconds> retry_;
  std::optional<std::chrono::milliseconds> delay_;
};

class EventStream {
 public:
  EventStream& event(SseEvent e) {
    events_.push_back(std::move(e));
    return *this;
  }
  EventStream& default_delay(std::chrono::milliseconds wait) {
    default_delay_ = wait;
    return *this;
  }
  EventStream& default_delay(std::int64_t ms) { return default_delay(std::chrono::milliseconds(ms)); }

  const std::vector<SseEvent>& events() const { return events_; }
  std::chrono::milliseconds default_delay() const { return default_delay_; }

  // Throws DocumentError naming the field (under "/action/sse") for no events or a negative
  // delay or retry.
  void validate() const;
  // The wire form of action.sse: {"events": [{"data", "id", "event", "retry", "delay_ms"}],
  // "default_delay_ms"}, times in milliseconds.
  nlohmann::json to_json() const;
  static EventStream from_json(const nlohmann::json& document, const std::string& pointer = "");

 private:
  std::vector<SseEvent> events_;
  std::chrono::milliseconds default_delay_{0};
};

}  // namespace mockhttp
