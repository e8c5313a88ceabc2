#pragma once
// What a control surface answers when a call's path is one of its routes' but its method is none
// of theirs, the methods coming from the surface's route table (control/route_table.hpp):
// OPTIONS gets 204 with Allow; another method, on Softprobe's API, 405 with Allow. The admin API
// and page leave other methods to the stubs (a stub may mock GET /__mock__/assert), as
// assertive-mock-api's users rely on.
// Thread safety: pure functions of their arguments.
#include <string>

#include <mockhttp/recorded_request.hpp>

#include "exchange/delivery_plan.hpp"
#include "exchange/error_catalogue.hpp"

namespace mockhttp::detail {

// `allowed`: the path's methods ("GET, POST"); empty when no route has the path, and then
// nothing is answered (false): the call goes on, to the stubs.
bool answer_options(const RecordedRequest& request, const std::string& allowed, DeliveryPlan& response);
bool refuse_other_methods(const RecordedRequest& request, const std::string& allowed, WireError error, ErrorShape shape,
                          DeliveryPlan& response);

}  // namespace mockhttp::detail
