#include "control/admin_ui.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include <mockhttp/errors.hpp>

#include "control/embedded_files.hpp"
#include "control/request_inspection.hpp"
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

}  // namespace

bool handle_admin_ui(Engine& core, const RecordedRequest& request, DeliveryPlan& response) {
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
    const std::string since_text = query_value(request, "since");
    const auto since = since_text.empty() ? std::optional<std::uint64_t>(0) : journal_id_of(since_text);
    if (!since) {
      set_error(response, WireError::invalid_query_parameter, ErrorShape::mockhttp,
                "since must be a journal id (a whole number), got '" + since_text + "'");
    } else {
      send_json(response, 200, overview(core, *since));
    }
  } else if (const auto request_id = member_of(path, "/__admin__/api/requests"); request_id && method == "GET") {
    const auto id = journal_id_of(*request_id);
    const auto entry = id ? core.journal_entry(*id) : std::nullopt;
    if (entry) {
      send_json(response, 200, request_inspection(core, *entry));
    } else {
      set_error(response, WireError::journal_entry_not_found, ErrorShape::mockhttp,
                "No journaled request has id '" + *request_id + "'");
    }
  } else if (const auto stub_id = member_of(path, "/__admin__/api/stubs"); stub_id && method == "GET") {
    const auto statuses = core.stub_statuses();
    const auto stub = std::find_if(statuses.begin(), statuses.end(),
                                   [&stub_id](const Engine::StubStatus& status) { return status.info.id == *stub_id; });
    if (stub != statuses.end()) {
      send_json(response, 200, stub_status_json(*stub));
    } else {
      set_error(response, WireError::stub_not_found, ErrorShape::mockhttp, "Stub '" + *stub_id + "' was not found");
    }
  } else if (const auto doomed = member_of(path, "/__admin__/actions/stubs"); doomed && method == "DELETE") {
    if (core.remove_stub(*doomed)) {
      send_json(response, 200, {{"success", true}, {"stub_id", *doomed}});
    } else {
      set_error(response, WireError::stub_not_found, ErrorShape::mockhttp, "Stub '" + *doomed + "' was not found");
    }
  } else if (const auto scope = member_of(path, "/__admin__/actions/scopes"); scope && method == "DELETE") {
    try {
      core.delete_scope(*scope);
      send_json(response, 200, {{"success", true}, {"name", *scope}});
    } catch (const ScopeError&) {
      set_error(response, WireError::scope_not_found, ErrorShape::mockhttp, "Scope '" + *scope + "' was not found");
    }
  } else {
    return false;
  }
  return true;
}

}  // namespace mockhttp::detail
