#pragma once
// The HTTP admin API under /__mock__, wire-compatible with assertive-mock-api (docs/http-api.md).
// Every route builds the same stubs, scopes and verifications as the C++ API, through
// Engine; payloads are checked against the compiled-in schemas, then read by the same
// readers as the C++ API (StubDefinition::from_json, Request::from_json).
// Thread safety: handle() runs on worker threads, any number at once.
#include <mockhttp/recorded_request.hpp>

#include "exchange/delivery_plan.hpp"

namespace mockhttp {
class Engine;
}

namespace mockhttp::detail {

// True when `request` is an admin call; `response` then holds the answer. A control path with
// another method (GET /__mock__/assert) is not an admin call: it is served as a mocked
// request, as assertive-mock-api does.
bool handle_admin_call(Engine& core, const RecordedRequest& request, DeliveryPlan& response);

}  // namespace mockhttp::detail
