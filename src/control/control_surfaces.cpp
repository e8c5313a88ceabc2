// The control surfaces as routers the engine asks before its stubs.
#include <mockhttp/control.hpp>

#include "control/admin_api.hpp"
#include "control/admin_ui.hpp"
#include "control/session_api.hpp"
#include "core/control_router.hpp"

namespace mockhttp {

namespace {

using RouteFunction = bool (*)(Engine&, const httplib::Request&, httplib::Response&);

class FunctionRouter final : public detail::ControlRouter {
 public:
  FunctionRouter(const char* name, RouteFunction route) : name_(name), route_(route) {}
  std::string name() const override { return name_; }
  bool route(Engine& engine, const httplib::Request& request, httplib::Response& response) const override {
    return route_(engine, request, response);
  }

 private:
  const char* name_;
  RouteFunction route_;
};

}  // namespace

std::shared_ptr<const ControlSurface> admin_api() {
  return std::make_shared<FunctionRouter>("admin_api", &detail::handle_admin_call);
}
std::shared_ptr<const ControlSurface> admin_ui() {
  return std::make_shared<FunctionRouter>("admin_ui", &detail::handle_admin_ui);
}
std::shared_ptr<const ControlSurface> softprobe_api() {
  return std::make_shared<FunctionRouter>("softprobe_api", &detail::handle_session_call);
}
std::vector<std::shared_ptr<const ControlSurface>> all_control_surfaces() {
  return {admin_api(), admin_ui(), softprobe_api()};
}

}  // namespace mockhttp
