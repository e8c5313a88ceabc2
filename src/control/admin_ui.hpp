#pragma once
// The admin UI under /__admin__: one page, compiled into the library, that lists stubs, scopes
// and the latest requests, shows a stub or a scope, and deletes them. Its data comes from
// /__admin__/api/*, which sees every scope (the /__mock__ API sees one at a time).
// Thread safety: handle_admin_ui() runs on worker threads, any number at once.
#include <mockhttp/recorded_request.hpp>

#include "exchange/delivery_plan.hpp"

namespace mockhttp {
class Engine;
}

namespace mockhttp::detail {

// True when `request` is a UI route; `response` then holds the page or the JSON.
bool handle_admin_ui(Engine& core, const RecordedRequest& request, DeliveryPlan& response);

}  // namespace mockhttp::detail
