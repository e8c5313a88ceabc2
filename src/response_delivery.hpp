#pragma once
// How a stub's response reaches the client once chaos has been decided: whole, dribbled over
// time, cut off mid-body, or replaced by a transport fault (docs/chaos.md names the client
// error of each).
#include <chrono>
#include <functional>

#include <httplib.h>

#include <mockhttp/response.hpp>

#include "chaos_plan.hpp"

namespace mockhttp::detail {

// Sleeps for the duration unless the server stops first; false when it stopped.
using Pause = std::function<bool(std::chrono::milliseconds)>;

void deliver_response(const Response& response, const Chaos& chaos, const ChaosDecision& decision,
                      const httplib::Request& request, httplib::Response& out, const Pause& pause);

}  // namespace mockhttp::detail
