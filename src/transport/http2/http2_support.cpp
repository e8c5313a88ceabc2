// mockhttp::http2's whole public face: linking the library registers HTTP/2 with the listener
// (transport/connection_handoff.hpp) before main() runs. A static library's object that nothing
// references is left out by the linker, so the target's link options name
// mockhttp_http2_linked as undefined: the linker then takes this object, and its registration
// with it, without a call from the program.
#include <string_view>

#include "transport/connection_handoff.hpp"
#include "transport/http2/http2_connection.hpp"

namespace mockhttp::detail {

namespace {

constexpr std::string_view kClientPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

class Http2Support final : public ConnectionProtocol {
 public:
  std::string_view alpn_name() const override { return "h2"; }
  std::string_view upgrade_token() const override { return "h2c"; }
  std::string_view preface() const override { return kClientPreface; }
  void serve(HandedConnection connection, const HandoffEnvironment& environment) const override {
    Http2Connection(std::move(connection), environment).serve();
  }
};

const Http2Support support;

const bool registered = [] {
  register_http2_support(&support);
  return true;
}();

}  // namespace

}  // namespace mockhttp::detail

extern "C" {
// The symbol the link options keep (see above); its value says the registration ran.
extern const bool mockhttp_http2_linked;
const bool mockhttp_http2_linked = mockhttp::detail::registered;
}
