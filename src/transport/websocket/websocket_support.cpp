// mockhttp::websocket's whole public face: linking the library registers WebSocket with the
// listener (transport/connection_handoff.hpp) before main() runs, as mockhttp::http2 does; the
// target's link options keep this object (mockhttp_websocket_linked).
#include "transport/connection_handoff.hpp"
#include "transport/connection_io.hpp"
#include "transport/websocket/socket_loop.hpp"

namespace mockhttp::detail {

namespace {

class WebSocketServing final : public WebSocketSupport {
 public:
  void serve(HandedConnection connection, std::shared_ptr<MessageSession> session, const WebSocketLimits& limits,
             const std::function<bool()>& still_serving) const override {
    SocketLoop loop(ConnectionIo(connection.socket, connection.ssl), std::move(session), limits, still_serving);
    loop.serve(connection.answer_head, std::move(connection.already_read));
  }
};

const WebSocketServing support;

const bool registered = [] {
  register_websocket_support(&support);
  return true;
}();

}  // namespace

}  // namespace mockhttp::detail

extern "C" {
// The symbol the link options keep; its value says the registration ran.
extern const bool mockhttp_websocket_linked;
const bool mockhttp_websocket_linked = mockhttp::detail::registered;
}
