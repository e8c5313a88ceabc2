#pragma once
// Carries out a delivery plan on an HTTP/1.1 exchange: the head and a whole body through
// cpp-httplib's response, parts over time through its content providers (a Content-Length body
// or a chunked one), a body cut short by abandoning the response (cpp-httplib then closes the
// connection), the faults below HTTP on the connection's own socket, and trailer fields after a
// chunked body.
// Runs on the connection's thread, inside cpp-httplib's handler.
#include <httplib.h>

#include "exchange/delivery_plan.hpp"

namespace mockhttp::detail {

// `pause` waits out the plan's delay (a stopping server turns the answer into server_stopping)
// and the pause before each part (a stopping server abandons the exchange). The plan's trailers
// go out only when `request` said `TE: trailers` (the body is then chunked, whatever its
// framing); otherwise they are dropped and the body goes out as it would without them.
void carry_out(DeliveryPlan plan, const httplib::Request& request, httplib::Response& out, const Pause& pause);

}  // namespace mockhttp::detail
