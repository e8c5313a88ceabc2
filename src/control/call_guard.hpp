#pragma once
// What every control call must pass before a surface acts on it. A control surface listens on
// loopback, where any web page a browser on the machine opens can reach it: a page on another
// origin must not create a stub that serves it script, nor read the journal back (CSRF), and a
// page reached through a name that rebinds to 127.0.0.1 must not either (DNS rebinding), and a
// page a stub served — same-origin with the surfaces, but sandboxed into an opaque origin — must
// not either (reflected script in a template).
// Thread safety: pure functions of their arguments.
#include <optional>
#include <string>

#include <mockhttp/recorded_request.hpp>

#include "encoding/host_list.hpp"
#include "exchange/error_catalogue.hpp"

#include <mockhttp/control.hpp>

namespace mockhttp::detail {

struct Refusal {
  WireError error;      // forbidden_host, unauthorized, ... (its code and status: exchange/error_catalogue.hpp)
  std::string message;  // names the header and the option that would allow the call
};

// ControlOptions as the guard checks them, read once when a surface is made.
struct CallGuard {
  // Throws ServerError naming ControlOptions::allowed_hosts, the entry and why, for an entry
  // that is not in the host grammar (docs/security.md#host-lists).
  explicit CallGuard(const ControlOptions& options);
  HostList allowed_hosts;
  std::string token;
};

// The server's own address, as the Host and Origin of a control call may name it.
struct ServerAddress {
  std::string bound_host;  // what it listens on: "127.0.0.1"
  int port = 0;
  bool tls = false;  // a Host or Origin without a port then means 443, else 80
};

// nullopt when the call may proceed. In order: the Host header names a loopback address, the
// bound address or an allowed host; an Origin header, when sent, is this server's own (never
// `null`, what the sandboxed pages of stubs send); a Sec-Fetch-Site header, when sent, is
// `same-origin` or `none`; a
// token, when one is set, is presented (`Authorization: Bearer`, or `?token=` on GETs of the
// admin page); a call that changes state and carries a body says it is JSON. `open_path` (e.g.
// /health) skips the token.
std::optional<Refusal> refuse_control_call(const CallGuard& guard, const ServerAddress& server,
                                           const RecordedRequest& request, bool open_path);

}  // namespace mockhttp::detail
