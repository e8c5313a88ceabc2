#pragma once
// Applies a Request matcher to a received request, field by field, with the weights that rank
// competing stubs (assertive-mock-api's: path 79, method 37, body 17, host 7, query 3,
// headers 2; mockhttp's client_certificate 1) and the per-field reasons that near-miss reports print.
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <mockhttp/near_miss.hpp>
#include <mockhttp/recorded_request.hpp>
#include <mockhttp/request.hpp>

#include "matching/path_pattern.hpp"

namespace mockhttp::detail {

// The JSON subjects criteria see, built at most once per received request and only when a
// criteria asks for them: a stub on method and path never builds the headers or body JSON.
// It reads `request`, which must outlive it.
// Thread safety: every accessor is safe from any thread (a verification may read a journaled
// request's subjects while another thread does).
class RequestSubjects {
 public:
  explicit RequestSubjects(const RecordedRequest& request);
  RequestSubjects(const RequestSubjects&) = delete;
  RequestSubjects& operator=(const RequestSubjects&) = delete;

  const nlohmann::json& method() const;
  const nlohmann::json& path() const;
  const nlohmann::json& headers() const;  // names lower-cased
  const nlohmann::json& query() const;
  const nlohmann::json& host() const;
  const nlohmann::json& body() const;
  const nlohmann::json& client_certificate() const;  // the subject, or null
  const nlohmann::json& protocol() const;            // "HTTP/1.1", "HTTP/2"
  const nlohmann::json& websocket() const;           // a message's direction, "received" or "sent"
  bool is_message() const { return request_.websocket.has_value(); }
  // Whether the request asks to become a WebSocket (Upgrade: websocket): only such a request
  // may be answered by a WebSocket stub.
  bool asks_websocket_upgrade() const;
  const std::vector<std::string>& path_segments() const {
    return path_segments_;
  }  // split once, for every index and pattern

 private:
  // Double-checked with a plain mutex: std::call_once (pthread_once) wakes futex waiters with a
  // system call every time it runs, which cost more than the JSON it guards.
  struct Lazy {
    std::atomic<bool> built{false};
    nlohmann::json value;
  };
  template <typename Build>
  const nlohmann::json& get(Lazy& lazy, Build build) const {
    if (!lazy.built.load(std::memory_order_acquire)) {
      std::lock_guard<std::mutex> lock(building_);
      if (!lazy.built.load(std::memory_order_relaxed)) {
        lazy.value = build();
        lazy.built.store(true, std::memory_order_release);
      }
    }
    return lazy.value;
  }

  const RecordedRequest& request_;
  const std::vector<std::string> path_segments_;
  mutable Lazy method_, path_, headers_, query_, host_, body_, client_certificate_, protocol_, websocket_;
  mutable std::mutex building_;
};

// Stubs read a string path as a pattern; confirm_request() compares it literally.
enum class PathMode { pattern, literal };

struct FieldOutcome {
  const char* field;
  bool matched;
  std::string expected;
  std::string reason;
};

struct RequestEvaluation {
  bool matched = true;
  int strength = 0;  // configured fields that matched (1 for a catch-all)
  int weight = 0;
  int path_specificity = 0;
  std::map<std::string, std::string> path_params;
  std::vector<FieldOutcome> fields;  // reports only (no stop_at_first_mismatch): every field, in order
};

// With `stop_at_first_mismatch` (the serving path), evaluation ends at the first failing field
// and builds no description or reason: those cost more than the match, and only reports read
// them. Without it every field is evaluated and explained, for reports. `compiled`: the
// matcher's path pattern compiled once at mount (stubs); otherwise it is compiled here.
RequestEvaluation evaluate_request(const Request& matcher, const RequestSubjects& subjects, PathMode mode,
                                   bool stop_at_first_mismatch, const PathPattern* compiled = nullptr);

// The report entry for one candidate, from a full evaluation.
NearMiss to_near_miss(std::string id, std::string description, const RequestEvaluation& evaluation);

// The `limit` closest near misses, closest first (more matched fields, then heavier ones).
std::vector<NearMiss> closest_near_misses(std::vector<std::pair<RequestEvaluation, NearMiss>> candidates,
                                          std::size_t limit);

}  // namespace mockhttp::detail
