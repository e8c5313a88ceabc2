#pragma once
// How a stub's response reaches the client once chaos has been decided: whole, dribbled over
// time, cut off mid-body, or replaced by a transport fault (docs/chaos.md names the client
// error of each).
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <httplib.h>

#include <mockhttp/event_stream.hpp>
#include <mockhttp/response.hpp>

#include "actions/chaos_plan.hpp"

namespace mockhttp::detail {

// Sleeps for the duration unless the server stops first; false when it stopped.
using Pause = std::function<bool(std::chrono::milliseconds)>;

// Every answer a stub (or a proxy stub, or a replayed rule) gives carries this policy unless it
// sets a Content-Security-Policy of its own. A stub's page is served on the same origin as the
// control surfaces (/__mock__, /__admin__, /v1/sessions); the sandbox gives it an opaque origin
// instead, so its scripts still run but every call they make to a control surface is
// cross-origin (`Origin: null`, `Sec-Fetch-Site: cross-site`), which the control guard refuses
// and whose answer the browser would not let the page read (docs/security.md).
constexpr const char* kStubSandboxPolicy = "sandbox allow-scripts allow-forms allow-popups";

void deliver_response(const Response& response, const Chaos& chaos, const ChaosDecision& decision,
                      const httplib::Request& request, httplib::Response& out, const Pause& pause);

// One Server-Sent Event, its templates already rendered, and the pause before it.
struct StreamedEvent {
  std::string frame;  // "id: 1\nevent: message\ndata: first\n\n"
  std::int64_t delay_ms = 0;
};

// The SSE framing of one event: id, event, retry (when set), one data line per line of data
// (split as Python's str.splitlines does), then a blank line.
std::string sse_frame(const SseEvent& event);

// 200, text/event-stream, no-cache; each event after its pause. A connection drop sends half
// of the first event, then aborts; the other faults break the connection before the stream.
void deliver_event_stream(std::vector<StreamedEvent> events, const ChaosDecision& decision,
                          const httplib::Request& request, httplib::Response& out, const Pause& pause);

}  // namespace mockhttp::detail
