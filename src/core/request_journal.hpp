#pragma once
// The request journal: every request the server received, oldest first, optionally capped.
// Thread safety: every member is safe to call from any thread; readers get a snapshot.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <mockhttp/recorded_request.hpp>

#include "matching/request_evaluation.hpp"

namespace mockhttp::detail {

struct JournalEntry {
  explicit JournalEntry(RecordedRequest r) : request(std::move(r)), subjects(request) {}
  RecordedRequest request;
  RequestSubjects subjects;  // kept so that verifications do not rebuild them
  std::uint64_t scope_id = 0;  // ScopeRecord::id; 0: global
};

constexpr std::uint64_t kGlobalScope = 0;  // the scope id of requests and stubs in no scope

// Which journal entries or stubs a reader sees, by scope id.
class ScopeFilter {
 public:
  static ScopeFilter everything() { return ScopeFilter(true, kGlobalScope, false); }
  static ScopeFilter only(std::uint64_t scope_id) { return ScopeFilter(false, scope_id, false); }
  // assertive-mock-api's view from a scope: the scope's own and the global ones.
  static ScopeFilter scope_and_global(std::uint64_t scope_id) { return ScopeFilter(false, scope_id, true); }

  bool admits(std::uint64_t scope_id) const {
    return all_ || scope_id == scope_ || (with_global_ && scope_id == kGlobalScope);
  }
  bool admits_everything() const { return all_; }

 private:
  ScopeFilter(bool all, std::uint64_t scope, bool with_global) : all_(all), scope_(scope), with_global_(with_global) {}
  bool all_;
  std::uint64_t scope_;
  bool with_global_;
};

class RequestJournal {
 public:
  // `capacity`: entries kept (0: any number); `max_bytes`: their bodies and headers together
  // (0: any size). Past either, the oldest entries are dropped and counted.
  explicit RequestJournal(std::size_t capacity, std::size_t max_bytes = 0) : capacity_(capacity), max_bytes_(max_bytes) {}

  void append(std::shared_ptr<const JournalEntry> entry);
  std::vector<std::shared_ptr<const JournalEntry>> snapshot(ScopeFilter filter = ScopeFilter::everything()) const;
  void remove(ScopeFilter filter);  // e.g. what a deleted scope recorded
  std::size_t dropped() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::deque<std::shared_ptr<const JournalEntry>> entries_;
  std::size_t capacity_;  // 0: unbounded
  std::size_t max_bytes_;  // 0: unbounded
  std::size_t bytes_ = 0;
  std::size_t dropped_ = 0;
};

}  // namespace mockhttp::detail
