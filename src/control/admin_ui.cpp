#include "control/admin_ui.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include <mockhttp/errors.hpp>

#include "control/embedded_files.hpp"
#include "control/request_inspection.hpp"
#include "control/route_refusal.hpp"
#include "control/route_table.hpp"
#include "exchange/error_catalogue.hpp"
#include "exchange/json_answer.hpp"
#include "core/engine.hpp"

namespace mockhttp::detail {

using nlohmann::json;

namespace {

constexpr std::size_t kRequestsShown = 100;

void send_page(DeliveryPlan& response) {
  const auto& files = embedded_ui_files();
  send_text(response, 200, std::string(files.at("admin.html")), "text/html; charset=utf-8");
  response.set_header("Cache-Control", "no-cache");
}

// The dashboard's data. `since`: the id of the newest request the page already shows; only
// newer ones are sent (the page polls, so each poll carries what is new and no more).
json overview(const Engine& core, std::uint64_t since) {
  json stubs = json::array();
  for (const auto& status : core.stub_statuses()) stubs.push_back(stub_status_json(status));
  json requests = json::array();
  const auto journal =
      core.journal_entries(ScopeFilter::everything(), since, kRequestsShown, Engine::JournalEnd::newest);
  for (auto it = journal.rbegin(); it != journal.rend(); ++it) requests.push_back(request_summary(*it));
  return {{"stubs", stubs},
          {"scopes", core.scope_names()},
          {"requests", requests},
          {"latest_id", journal.empty() ? since : journal.back().id},
          // The ids still in the journal among the newest: the page drops rows that left it
          // (a reset, a deleted scope, the capacity).
          {"shown_ids", core.journal_ids(kRequestsShown)},
          {"dropped_requests", core.dropped_requests()},
          {"seed", core.seed()}};
}

using UiHandler = bool (*)(Engine&, const RecordedRequest&, DeliveryPlan&, const RouteCaptures&);

bool page(Engine&, const RecordedRequest&, DeliveryPlan& response, const RouteCaptures&) {
  send_page(response);
  return true;
}

// The page again, for a link to one stub or scope; an unknown one is left to the catch-all 404.
bool stub_page(Engine& core, const RecordedRequest&, DeliveryPlan& response, const RouteCaptures& captures) {
  if (!core.stub(captures.at("id"))) return false;
  send_page(response);
  return true;
}

bool scope_page(Engine& core, const RecordedRequest&, DeliveryPlan& response, const RouteCaptures& captures) {
  const auto names = core.scope_names();
  if (std::find(names.begin(), names.end(), captures.at("name")) == names.end()) return false;
  send_page(response);
  return true;
}

bool overview_since(Engine& core, const RecordedRequest& request, DeliveryPlan& response, const RouteCaptures&) {
  const std::string since_text = query_value(request, "since");
  const auto since = since_text.empty() ? std::optional<std::uint64_t>(0) : journal_id_of(since_text);
  if (!since) {
    set_error(response, WireError::invalid_query_parameter, ErrorShape::mockhttp,
              "since must be a journal id (a whole number), got '" + since_text + "'");
  } else {
    send_json(response, 200, overview(core, *since));
  }
  return true;
}

bool inspect_request(Engine& core, const RecordedRequest&, DeliveryPlan& response, const RouteCaptures& captures) {
  const std::string& id_text = captures.at("id");
  const auto id = journal_id_of(id_text);
  const auto entry = id ? core.journal_entry(*id) : std::nullopt;
  if (entry) {
    send_json(response, 200, request_inspection(core, *entry));
  } else {
    set_error(response, WireError::journal_entry_not_found, ErrorShape::mockhttp,
              "No journaled request has id '" + id_text + "'");
  }
  return true;
}

bool stub_status(Engine& core, const RecordedRequest&, DeliveryPlan& response, const RouteCaptures& captures) {
  const std::string& stub_id = captures.at("id");
  const auto statuses = core.stub_statuses();
  const auto stub = std::find_if(statuses.begin(), statuses.end(),
                                 [&stub_id](const Engine::StubStatus& status) { return status.info.id == stub_id; });
  if (stub != statuses.end()) {
    send_json(response, 200, stub_status_json(*stub));
  } else {
    set_error(response, WireError::stub_not_found, ErrorShape::mockhttp, "Stub '" + stub_id + "' was not found");
  }
  return true;
}

bool delete_stub_from_page(Engine& core, const RecordedRequest&, DeliveryPlan& response,
                           const RouteCaptures& captures) {
  const std::string& doomed = captures.at("id");
  if (core.remove_stub(doomed)) {
    send_json(response, 200, {{"success", true}, {"stub_id", doomed}});
  } else {
    set_error(response, WireError::stub_not_found, ErrorShape::mockhttp, "Stub '" + doomed + "' was not found");
  }
  return true;
}

bool delete_scope_from_page(Engine& core, const RecordedRequest&, DeliveryPlan& response,
                            const RouteCaptures& captures) {
  const std::string& scope = captures.at("name");
  try {
    core.delete_scope(scope);
    send_json(response, 200, {{"success", true}, {"name", scope}});
  } catch (const ScopeError&) {
    set_error(response, WireError::scope_not_found, ErrorShape::mockhttp, "Scope '" + scope + "' was not found");
  }
  return true;
}

const RouteTable<UiHandler>& admin_ui_routes() {
  static const RouteTable<UiHandler> table = [] {
    RouteTable<UiHandler> routes;
    routes.add("GET", "/__admin__", page)
        .add("GET", "/__admin__/", page)
        .add("GET", "/__admin__/stubs/{id}", stub_page)
        .add("GET", "/__admin__/scopes/{name}", scope_page)
        .add("GET", "/__admin__/api/overview", overview_since)
        .add("GET", "/__admin__/api/requests/{id}", inspect_request)
        .add("GET", "/__admin__/api/stubs/{id}", stub_status)
        .add("DELETE", "/__admin__/actions/stubs/{id}", delete_stub_from_page)
        .add("DELETE", "/__admin__/actions/scopes/{name}", delete_scope_from_page);
    return routes;
  }();
  return table;
}

}  // namespace

bool handle_admin_ui(Engine& core, const RecordedRequest& request, DeliveryPlan& response) {
  const auto match = admin_ui_routes().find(request.method, request.path);
  if (!match.handler) {
    return answer_options(request, match.allowed, response);
  }
  return (*match.handler)(core, request, response, match.captures);
}

}  // namespace mockhttp::detail
