#pragma once
// Carries out a delivery plan on an HTTP/1.1 exchange: the head and a whole body through
// cpp-httplib's response, parts over time through its content providers (a Content-Length body
// or a chunked one), a body cut short by abandoning the response (cpp-httplib then closes the
// connection), and the faults below HTTP on the connection's own socket.
// Runs on the connection's thread, inside cpp-httplib's handler.
#include <httplib.h>

#include "exchange/delivery_plan.hpp"

namespace mockhttp::detail {

// `pause` waits out the plan's delay (a stopping server turns the answer into server_stopping)
// and the pause before each part (a stopping server abandons the exchange).
void carry_out(DeliveryPlan plan, httplib::Response& out, const Pause& pause);

}  // namespace mockhttp::detail
