#pragma once
// How a stub's response reaches the client once chaos has been decided, as a delivery plan the
// transport carries out: whole, dribbled over time, cut off mid-body, or replaced by a transport
// fault (docs/chaos.md names the client error of each).
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <mockhttp/event_stream.hpp>
#include <mockhttp/response.hpp>

#include "actions/chaos_plan.hpp"
#include "exchange/delivery_plan.hpp"

namespace mockhttp::detail {

// Every answer a stub (or a proxy stub, or a replayed rule) gives carries this policy unless it
// sets a Content-Security-Policy of its own. A stub's page is served on the same origin as the
// control surfaces (/__mock__, /__admin__, /v1/sessions); the sandbox gives it an opaque origin
// instead, so its scripts still run but every call they make to a control surface is
// cross-origin (`Origin: null`, `Sec-Fetch-Site: cross-site`), which the control guard refuses
// and whose answer the browser would not let the page read (docs/security.md).
constexpr const char* kStubSandboxPolicy = "sandbox allow-scripts allow-forms allow-popups";

DeliveryPlan plan_response(const Response& response, const Chaos& chaos, const ChaosDecision& decision);

// One Server-Sent Event, its templates already rendered, and the pause before it.
struct StreamedEvent {
  std::string frame;  // "id: 1\nevent: message\ndata: first\n\n"
  std::int64_t delay_ms = 0;
};

// The SSE framing of one event: id, event, retry (when set), one data line per line of data
// (split as Python's str.splitlines does), then a blank line.
std::string sse_frame(const SseEvent& event);

// 200, text/event-stream, no-cache; each event after its pause. A connection drop sends half
// of the first event, then abandons the stream; the other faults break the connection before it.
DeliveryPlan plan_event_stream(const std::vector<StreamedEvent>& events, const ChaosDecision& decision);

// An answer a codec encoded when its stub was mounted (a gRPC reply), with the call's chaos: a
// fault replaces it; a dropped connection sends the parts before the middle one, then cuts.
DeliveryPlan plan_encoded_answer(const DeliveryPlan& encoded, const ChaosDecision& decision);

}  // namespace mockhttp::detail
