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

#include "request_evaluation.hpp"

namespace mockhttp::detail {

struct JournalEntry {
  explicit JournalEntry(RecordedRequest r) : request(std::move(r)), subjects(request) {}
  RecordedRequest request;
  RequestSubjects subjects;  // kept so that verifications do not rebuild them
  std::uint64_t scope_id = 0;  // ScopeRecord::id; 0: global
};

// Which entries a reader sees: every entry, or those of one scope (kGlobalScope: no scope).
constexpr std::uint64_t kGlobalScope = 0;
using ScopeFilter = std::optional<std::uint64_t>;

class RequestJournal {
 public:
  explicit RequestJournal(std::size_t capacity) : capacity_(capacity) {}

  void append(std::shared_ptr<const JournalEntry> entry);
  std::vector<std::shared_ptr<const JournalEntry>> snapshot(ScopeFilter filter = std::nullopt) const;
  void remove_scope(std::uint64_t scope_id);  // what a deleted scope recorded
  std::size_t dropped() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::deque<std::shared_ptr<const JournalEntry>> entries_;
  std::size_t capacity_;  // 0: unbounded
  std::size_t dropped_ = 0;
};

}  // namespace mockhttp::detail
