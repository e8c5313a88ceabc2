#include <mockhttp/event_stream.hpp>

#include "wire/wire_object.hpp"

namespace mockhttp {

using Json = nlohmann::json;

void EventStream::validate() const {
  const std::string at = "/action/sse";
  if (events_.empty()) throw DocumentError(at + "/events", "events must hold at least one event");
  if (default_delay_.count() < 0) {
    throw DocumentError(at + "/default_delay_ms",
                        "default_delay_ms must be >= 0, got " + std::to_string(default_delay_.count()));
  }
  for (std::size_t i = 0; i < events_.size(); ++i) {
    const std::string event_at = detail::pointer_append(at + "/events", i);
    const SseEvent& e = events_[i];
    if (e.delay() && e.delay()->count() < 0) {
      throw DocumentError(event_at + "/delay_ms", "delay_ms must be >= 0, got " + std::to_string(e.delay()->count()));
    }
    if (e.retry() && e.retry()->count() < 0) {
      throw DocumentError(event_at + "/retry", "retry must be >= 0, got " + std::to_string(e.retry()->count()));
    }
  }
}

Json EventStream::to_json() const {
  Json list = Json::array();
  for (const auto& e : events_) {
    Json event = {{"data", e.data()}};
    if (e.id()) event["id"] = *e.id();
    if (e.event()) event["event"] = *e.event();
    if (e.retry()) event["retry"] = e.retry()->count();
    if (e.delay()) event["delay_ms"] = e.delay()->count();
    list.push_back(std::move(event));
  }
  return {{"events", list}, {"default_delay_ms", default_delay_.count()}};
}

EventStream EventStream::from_json(const Json& document, const std::string& pointer) {
  const detail::WireObject fields(document, pointer, {"events", "default_delay_ms"}, "action.sse");
  EventStream stream;
  stream.default_delay(fields.integer_or("default_delay_ms", 0, 0));
  if (!fields.has("events") || !fields.at("events").is_array() || fields.at("events").empty()) {
    fields.fail("events", "events must be a non-empty array of events");
  }
  const auto& events = fields.at("events");
  for (std::size_t i = 0; i < events.size(); ++i) {
    const detail::WireObject event(events[i], detail::pointer_append(fields.pointer("events"), i),
                                   {"data", "id", "event", "retry", "delay_ms"}, "an SSE event");
    SseEvent e(event.string("data"));
    if (auto id = event.optional_string("id")) e.id(std::move(*id));
    if (auto name = event.optional_string("event")) e.event(std::move(*name));
    if (event.has("retry")) e.retry(event.integer("retry", 0));
    if (event.has("delay_ms")) e.delay(event.integer("delay_ms", 0));
    stream.event(std::move(e));
  }
  return stream;
}

}  // namespace mockhttp
