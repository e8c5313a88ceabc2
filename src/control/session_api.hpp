#pragma once
// Softprobe's runtime control API (protocol/http-control-api.md) on every MockServer, so tests in
// any language can drive replay sessions: POST /v1/sessions, /v1/sessions/{id}/load-case,
// /rules, /policy, /fixtures/auth and /close. Request and response bodies follow Softprobe's
// session formats; requests are validated against mockhttp's own schemas of them (schemas/softprobe/).
// Thread safety: handle_session_call() runs on worker threads, any number at once.
#include <mockhttp/recorded_request.hpp>

#include "exchange/delivery_plan.hpp"

namespace mockhttp {
class Engine;
}

namespace mockhttp::detail {

// True when `request` is a control call; `response` then holds the answer.
bool handle_session_call(Engine& core, const RecordedRequest& request, DeliveryPlan& response);

}  // namespace mockhttp::detail
