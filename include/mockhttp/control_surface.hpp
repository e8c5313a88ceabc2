#pragma once
// ControlSurface: an HTTP control surface served in front of a MockServer's stubs — the
// `/__mock__` admin API, the `/__admin__` UI, Softprobe's `/v1/sessions` control API. None is
// on by default, so every path (POST /v1/sessions included) is the stubs'; turn one on with
//
//   #include <mockhttp/control.hpp>                       // library mockhttp::control
//   ServerOptions options;
//   options.control_surfaces = {mockhttp::admin_api()};   // or all_control_surfaces()
//   MockServer server(options);
//
// The surfaces are made by mockhttp/control.hpp only; the class is opaque here so that the
// engine library needs none of their dependencies.
// Thread safety: a surface is immutable and may be shared by any number of servers.
#include <string>

namespace mockhttp {

class ControlSurface {
 public:
  virtual ~ControlSurface() = default;
  // "admin_api", "admin_ui" or "softprobe_api".
  virtual std::string name() const = 0;

 protected:
  ControlSurface() = default;
};

}  // namespace mockhttp
