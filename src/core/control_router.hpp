#pragma once
// What the engine sees of a control surface: a router asked first for every request. The
// control library (src/control) implements it; the engine only calls it.
// Thread safety: route() runs on worker threads, any number at once.
#include <httplib.h>

#include <string>

#include <mockhttp/control_surface.hpp>

namespace mockhttp {
class Engine;
}

namespace mockhttp::detail {

class ControlRouter : public ControlSurface {
 public:
  // True when `request` is this surface's; `response` then holds the answer.
  virtual bool route(Engine& engine, const httplib::Request& request, httplib::Response& response) const = 0;
  // Paths the surface answers only when no stub does (GET /health, GET /v1/meta): they are not
  // under a control prefix, so a user's stub on them wins.
  virtual bool answers_after_stubs(const std::string& path) const = 0;
};

}  // namespace mockhttp::detail
