#include <mockhttp/event_stream.hpp>

#include "wire/wire_object.hpp"

namespace mockhttp {

using Json = nlohmann::json;

void EventStream::validate() const {
  const std::string at = "/action/sse";
  if (events.empty()) throw DocumentError(at + "/events", "events must hold at least one event");
  if (default_delay_ms < 0) {
    throw DocumentError(at + "/default_delay_ms", "default_delay_ms must be >= 0, got " + std::to_string(default_delay_ms));
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::string event_at = detail::pointer_append(at + "/events", i);
    if (events[i].delay && *events[i].delay < 0) {
      throw DocumentError(event_at + "/delay_ms", "delay_ms must be >= 0, got " + std::to_string(*events[i].delay));
    }
    if (events[i].retry_ms && *events[i].retry_ms < 0) {
      throw DocumentError(event_at + "/retry", "retry must be >= 0, got " + std::to_string(*events[i].retry_ms));
    }
  }
}

Json EventStream::to_json() const {
  Json list = Json::array();
  for (const auto& e : events) {
    Json event = {{"data", e.data}};
    if (e.id_value) event["id"] = *e.id_value;
    if (e.event_name) event["event"] = *e.event_name;
    if (e.retry_ms) event["retry"] = *e.retry_ms;
    if (e.delay) event["delay_ms"] = *e.delay;
    list.push_back(std::move(event));
  }
  return {{"events", list}, {"default_delay_ms", default_delay_ms}};
}

EventStream EventStream::from_json(const Json& document, const std::string& pointer) {
  const detail::WireObject fields(document, pointer, {"events", "default_delay_ms"}, "action.sse");
  EventStream stream;
  stream.default_delay_ms = fields.integer_or("default_delay_ms", 0, 0);
  if (!fields.has("events") || !fields.at("events").is_array() || fields.at("events").empty()) {
    fields.fail("events", "events must be a non-empty array of events");
  }
  const auto& events = fields.at("events");
  for (std::size_t i = 0; i < events.size(); ++i) {
    const detail::WireObject event(events[i], detail::pointer_append(fields.pointer("events"), i),
                                   {"data", "id", "event", "retry", "delay_ms"}, "an SSE event");
    SseEvent e(event.string("data"));
    e.id_value = event.optional_string("id");
    e.event_name = event.optional_string("event");
    if (event.has("retry")) e.retry_ms = event.integer("retry", 0);
    if (event.has("delay_ms")) e.delay = event.integer("delay_ms", 0);
    stream.events.push_back(std::move(e));
  }
  return stream;
}

}  // namespace mockhttp
