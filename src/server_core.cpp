#include "server_core.hpp"

#include "criteria/criteria_node.hpp"
#include "criteria/unicode_text.hpp"
#include "request_capture.hpp"

namespace mockhttp::detail {

using nlohmann::json;

namespace {
constexpr std::size_t kNearMissesShown = 3;

std::string times_phrase(const Criteria& times) {
  return times.is_literal() ? "exactly " + times.describe() + " time(s)" : times.describe() + " time(s)";
}
}  // namespace

ServerCore::ServerCore(const ServerOptions& options)
    : host_(options.host),
      requested_port_(options.port),
      worker_threads_(options.worker_threads == 0 ? 1 : options.worker_threads),
      journal_(options.journal_capacity) {}

ServerCore::~ServerCore() { stop(); }

void ServerCore::start() {
  listener_ = std::make_unique<HttpListener>(
      host_, requested_port_, worker_threads_,
      [this](const httplib::Request& request, httplib::Response& response) { handle(request, response); });
}

void ServerCore::stop() {
  if (listener_) listener_->stop();
}

void ServerCore::handle(const httplib::Request& http_request, httplib::Response& http_response) {
  try {
    auto entry = std::make_shared<JournalEntry>(capture_request(http_request));
    auto selection = stubs_.select(entry->subjects);
    if (selection) {
      entry->request.matched_stub_id = selection->stub->id;
      entry->request.path_params = selection->path_params;
    }
    const RecordedRequest& recorded = entry->request;
    journal_.append(entry);

    if (!selection) {
      const auto misses = stubs_.closest(entry->subjects, kNearMissesShown);
      json closest = json::array();
      for (const auto& miss : misses) closest.push_back(miss.to_json());
      const std::string report = "No stub matched " + recorded.describe() + "\n" +
                                 (misses.empty() ? "  (no stubs are mounted)\n"
                                                 : "Closest stubs:\n" + describe_near_misses(misses));
      const json body = {{"error", "NO_STUB_MATCH_FOUND"},
                         {"request", recorded.to_json()},
                         {"closest_stubs", closest},
                         {"report", report}};
      http_response.status = 404;
      http_response.set_content(body.dump(2, ' ', false, json::error_handler_t::replace), "application/json");
      return;
    }

    const Response& response = selection->stub->definition.response;
    http_response.status = response.status();
    std::string content_type;
    for (const auto& [name, value] : response.headers()) {
      if (ascii_lowercase(name) == "content-type") {
        content_type = value;
      } else {
        http_response.set_header(name, value);
      }
    }
    if (!content_type.empty()) {
      http_response.set_content(response.body(), content_type);
    } else {
      http_response.body = response.body();
    }
  } catch (const std::exception& e) {
    http_response.status = 500;
    http_response.set_content(json{{"error", "MOCKHTTP_INTERNAL_ERROR"}, {"detail", e.what()}}.dump(),
                              "application/json");
  }
}

Verification ServerCore::confirm(const Request& matcher, const Criteria& times) const {
  const auto entries = journal_.snapshot();
  std::size_t count = 0;
  for (const auto& entry : entries) {
    if (evaluate_request(matcher, entry->subjects, PathMode::literal, true).matched) ++count;
  }
  const MatchResult verdict = times.evaluate(json(count));
  std::string report = "Expected " + times_phrase(times) + " a request matching {" + matcher.describe() +
                       "}; " + std::to_string(count) + " of " + std::to_string(entries.size()) +
                       " journaled request(s) matched.";
  if (verdict.matched) return Verification(true, count, std::move(report), {});

  if (!verdict.reason.empty()) report += " (" + verdict.reason + ")";
  std::vector<std::pair<RequestEvaluation, NearMiss>> candidates;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    RequestEvaluation evaluation = evaluate_request(matcher, entries[i]->subjects, PathMode::literal, false);
    if (evaluation.matched) continue;
    NearMiss miss = to_near_miss("request #" + std::to_string(i + 1), entries[i]->request.describe(), evaluation);
    candidates.emplace_back(std::move(evaluation), std::move(miss));
  }
  std::vector<NearMiss> closest = closest_near_misses(std::move(candidates), kNearMissesShown);
  if (!closest.empty()) report += "\nClosest requests that did not match:\n" + describe_near_misses(closest);
  if (const auto dropped = journal_.dropped()) {
    report += "\n(" + std::to_string(dropped) + " older request(s) were dropped by journal_capacity)";
  }
  return Verification(false, count, std::move(report), std::move(closest));
}

}  // namespace mockhttp::detail
