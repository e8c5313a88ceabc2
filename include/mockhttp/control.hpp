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
// Thread safety: the functions may be called from any thread; a surface may be shared.
#include <memory>
#include <vector>

#include <mockhttp/control_surface.hpp>

namespace mockhttp {

[[nodiscard]] std::shared_ptr<const ControlSurface> admin_api();
[[nodiscard]] std::shared_ptr<const ControlSurface> admin_ui();
[[nodiscard]] std::shared_ptr<const ControlSurface> softprobe_api();
// The three, in the order they are asked.
[[nodiscard]] std::vector<std::shared_ptr<const ControlSurface>> all_control_surfaces();

}  // namespace mockhttp
