#pragma once
// What the engine sees of a control surface: a router asked first for every request. The
// control library (src/control) implements it; the engine only calls it.
// Thread safety: route() runs on worker threads, any number at once.
#include <string>

#include <mockhttp/control_surface.hpp>
#include <mockhttp/recorded_request.hpp>

#include "exchange/delivery_plan.hpp"

namespace mockhttp {
class Engine;
}

namespace mockhttp::detail {

class ControlRouter : public ControlSurface {
 public:
  // True when `request` is this surface's; `answer` then holds the answer.
  virtual bool route(Engine& engine, const RecordedRequest& request, DeliveryPlan& answer) const = 0;
  // Paths the surface answers only when no stub does (GET /health, GET /v1/meta): they are not
  // under a control prefix, so a user's stub on them wins.
  virtual bool answers_after_stubs(const std::string& path) const = 0;
};

}  // namespace mockhttp::detail
