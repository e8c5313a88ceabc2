#pragma once
// The HTTP control surfaces (library mockhttp::control), for ServerOptions::control_surfaces:
//
//   ServerOptions options;
//   options.control_surfaces = mockhttp::all_control_surfaces();  // what `mockhttp serve` runs
//   MockServer server(options);
//
// - admin_api():     /__mock__, wire-compatible with assertive-mock-api (docs/http-api.md);
//                    payloads validated against the JSON Schemas in schemas/ (valijson).
// - admin_ui():      /__admin__, one page compiled into the library.
// - softprobe_api(): Softprobe's runtime control API, /v1/sessions... (docs/replay.md).
//
// A surface answers only its own paths; every other request goes on to the stubs.
//
// Every call to a surface is checked first (docs/security.md): its Host header must name a
// loopback address, the bound address or an allowed host (403 otherwise: DNS rebinding); an
// Origin header, when a browser sends one, must be the server's own (403: CSRF); a call that
// changes state and has a body must be JSON (415); with a token, it must present it (401, 403).
// OPTIONS on a surface's path answers 204 with no CORS grant, so other origins stay refused.
// Thread safety: the functions may be called from any thread; a surface may be shared.
#include <memory>
#include <string>
#include <vector>

#include <mockhttp/control_surface.hpp>

namespace mockhttp {

struct ControlOptions {
  // Names the server may be reached by, besides loopback ones and the address it is bound to
  // (a container's name, a test host's). "*" accepts any Host (serve --allow-remote). Entries:
  // docs/security.md#host-lists; a bad one is a ServerError when the surface is made.
  std::vector<std::string> allowed_hosts;
  // When set, every call (but GET /health) needs `Authorization: Bearer <token>`; the admin
  // page takes it as /__admin__?token=<token> and passes it on. Empty: no token.
  std::string token;
};

[[nodiscard]] std::shared_ptr<const ControlSurface> admin_api(ControlOptions options = {});
[[nodiscard]] std::shared_ptr<const ControlSurface> admin_ui(ControlOptions options = {});
[[nodiscard]] std::shared_ptr<const ControlSurface> softprobe_api(ControlOptions options = {});
// The three, in the order they are asked.
[[nodiscard]] std::vector<std::shared_ptr<const ControlSurface>> all_control_surfaces(ControlOptions options = {});

}  // namespace mockhttp
