#pragma once
// Servers for tests that drive the HTTP control surfaces in-process: a MockServer answers
// only stubs unless ServerOptions::control_surfaces turns a surface on.
#include <mockhttp/control.hpp>
#include <mockhttp/mock_server.hpp>

namespace mockhttp::test {

inline ServerOptions with_control_surfaces(ServerOptions options = {}) {
  options.control_surfaces = all_control_surfaces();
  return options;
}

}  // namespace mockhttp::test
