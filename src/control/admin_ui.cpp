#include "control/admin_ui.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include <mockhttp/errors.hpp>

#include "control/embedded_files.hpp"
#include "transport/http_json.hpp"
#include "core/engine.hpp"

namespace mockhttp::detail {

using nlohmann::json;

namespace {

constexpr std::size_t kRequestsShown = 100;

void send_page(httplib::Response& response) {
  const auto& files = embedded_ui_files();
  response.status = 200;
  response.set_header("Cache-Control", "no-cache");
  response.set_content(std::string(files.at("admin.html")), "text/html; charset=utf-8");
}

json overview(Engine& core) {
  json stubs = json::array();
  for (const auto& stub : core.stubs()) stubs.push_back(stub.to_json());
  json requests = json::array();
  const auto journal = core.requests(ScopeFilter::everything());
  for (auto it = journal.rbegin(); it != journal.rend() && requests.size() < kRequestsShown; ++it) {
    requests.push_back(it->to_json());
  }
  return {{"stubs", stubs}, {"scopes", core.scope_names()}, {"requests", requests}, {"seed", core.seed()}};
}

}  // namespace

bool handle_admin_ui(Engine& core, const httplib::Request& request, httplib::Response& response) {
  const std::string& path = request.path;
  const std::string& method = request.method;
  if (path.rfind("/__admin__", 0) != 0) return false;

  if (method == "GET" && (path == "/__admin__" || path == "/__admin__/")) {
    send_page(response);
  } else if (const auto id = member_of(path, "/__admin__/stubs"); id && method == "GET") {
    if (!core.stub(*id)) return false;  // the catch-all answers 404
    send_page(response);
  } else if (const auto name = member_of(path, "/__admin__/scopes"); name && method == "GET") {
    const auto names = core.scope_names();
    if (std::find(names.begin(), names.end(), *name) == names.end()) return false;
    send_page(response);
  } else if (path == "/__admin__/api/overview" && method == "GET") {
    send_json(response, 200, overview(core));
  } else if (const auto stub_id = member_of(path, "/__admin__/api/stubs"); stub_id && method == "GET") {
    const auto stub = core.stub(*stub_id);
    if (stub) {
      send_json(response, 200, stub->to_json());
    } else {
      send_json(response, 404, {{"detail", "Stub '" + *stub_id + "' was not found"}});
    }
  } else if (const auto doomed = member_of(path, "/__admin__/actions/stubs"); doomed && method == "DELETE") {
    if (core.remove_stub(*doomed)) {
      send_json(response, 200, {{"success", true}, {"stub_id", *doomed}});
    } else {
      send_json(response, 404, {{"detail", "Stub '" + *doomed + "' was not found"}});
    }
  } else if (const auto scope = member_of(path, "/__admin__/actions/scopes"); scope && method == "DELETE") {
    try {
      core.delete_scope(*scope);
      send_json(response, 200, {{"success", true}, {"name", *scope}});
    } catch (const ScopeError&) {
      send_json(response, 404, {{"detail", "Scope '" + *scope + "' was not found"}});
    }
  } else {
    return false;
  }
  return true;
}

}  // namespace mockhttp::detail
