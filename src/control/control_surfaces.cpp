// The control surfaces as routers the engine asks before its stubs. Each owns a few path
// prefixes; a call under them is checked (control/call_guard) before the surface sees it.
#include <mockhttp/control.hpp>

#include <algorithm>
#include <initializer_list>
#include <vector>

#include "control/admin_api.hpp"
#include "control/admin_ui.hpp"
#include "control/call_guard.hpp"
#include "control/session_api.hpp"
#include "core/control_router.hpp"
#include "core/engine.hpp"
#include "exchange/json_answer.hpp"

namespace mockhttp {

namespace {

using RouteFunction = bool (*)(Engine&, const RecordedRequest&, detail::DeliveryPlan&);

// How a surface's refusals look: assertive-mock-api's {"error", "detail"}, or Softprobe's
// {"error": {"code", "message"}}.
using detail::ErrorShape;

class GuardedRouter final : public detail::ControlRouter {
 public:
  // `prefixes` are the surface's own; `after_stubs` are single paths it answers when no stub does.
  GuardedRouter(const char* name, RouteFunction route, std::vector<std::string> prefixes, ErrorShape shape,
                const ControlOptions& options, std::vector<std::string> after_stubs = {})
      : name_(name),
        route_(route),
        prefixes_(std::move(prefixes)),
        after_stubs_(std::move(after_stubs)),
        shape_(shape),
        guard_(options) {}

  std::string name() const override { return name_; }

  bool answers_after_stubs(const std::string& path) const override {
    return std::find(after_stubs_.begin(), after_stubs_.end(), path) != after_stubs_.end();
  }
  bool route(Engine& engine, const RecordedRequest& request, detail::DeliveryPlan& response) const override {
    if (!owns(request.path) && !answers_after_stubs(request.path)) return false;
    const detail::ServerAddress server{engine.host(), engine.port(), engine.tls() != nullptr};
    if (const auto refusal = detail::refuse_control_call(guard_, server, request, request.path == "/health")) {
      detail::set_error(response, refusal->error, shape_, refusal->message);
      if (refusal->error == detail::WireError::unauthorized) response.set_header("WWW-Authenticate", "Bearer");
      return true;
    }
    if (route_(engine, request, response)) return true;
    if (request.method == "OPTIONS") {
      // A clear answer, and no Access-Control-Allow-* header: a browser refuses other origins.
      response.status = 204;
      response.set_header("Allow", "GET, POST, DELETE, OPTIONS");
      return true;
    }
    return false;
  }

 private:
  bool owns(const std::string& path) const {
    for (const auto& prefix : prefixes_) {
      if (path == prefix || path.rfind(prefix + "/", 0) == 0) return true;
    }
    return false;
  }

  const char* name_;
  RouteFunction route_;
  std::vector<std::string> prefixes_;
  std::vector<std::string> after_stubs_;
  ErrorShape shape_;
  detail::CallGuard guard_;  // the options, read: a bad host entry throws when the surface is made
};

}  // namespace

std::shared_ptr<const ControlSurface> admin_api(ControlOptions options) {
  return std::make_shared<GuardedRouter>("admin_api", &detail::handle_admin_call, std::vector<std::string>{"/__mock__"},
                                         ErrorShape::mockhttp, std::move(options));
}
std::shared_ptr<const ControlSurface> admin_ui(ControlOptions options) {
  return std::make_shared<GuardedRouter>("admin_ui", &detail::handle_admin_ui, std::vector<std::string>{"/__admin__"},
                                         ErrorShape::mockhttp, std::move(options));
}
std::shared_ptr<const ControlSurface> softprobe_api(ControlOptions options) {
  return std::make_shared<GuardedRouter>("softprobe_api", &detail::handle_session_call,
                                         std::vector<std::string>{"/v1/sessions"}, ErrorShape::softprobe,
                                         std::move(options), std::vector<std::string>{"/v1/meta", "/health"});
}
std::vector<std::shared_ptr<const ControlSurface>> all_control_surfaces(ControlOptions options) {
  return {admin_api(options), admin_ui(options), softprobe_api(options)};
}

}  // namespace mockhttp
