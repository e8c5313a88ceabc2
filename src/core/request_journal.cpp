#include "core/request_journal.hpp"

#include <algorithm>

namespace mockhttp::detail {

void RequestJournal::append(std::shared_ptr<const JournalEntry> entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.push_back(std::move(entry));
  if (capacity_ != 0 && entries_.size() > capacity_) {
    entries_.pop_front();
    ++dropped_;
  }
}

std::vector<std::shared_ptr<const JournalEntry>> RequestJournal::snapshot(ScopeFilter filter) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<const JournalEntry>> out;
  for (const auto& entry : entries_) {
    if (filter.admits(entry->scope_id)) out.push_back(entry);
  }
  return out;
}

void RequestJournal::remove(ScopeFilter filter) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const auto& entry) { return filter.admits(entry->scope_id); }),
                 entries_.end());
}

std::size_t RequestJournal::dropped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return dropped_;
}

void RequestJournal::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.clear();
  dropped_ = 0;
}

}  // namespace mockhttp::detail
