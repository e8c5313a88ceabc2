#include "core/request_journal.hpp"

#include <algorithm>

namespace mockhttp::detail {

namespace {
std::size_t bytes_of(const JournalEntry& entry) {
  std::size_t bytes = entry.request.body.size() + entry.request.path.size();
  for (const auto& [name, value] : entry.request.headers) bytes += name.size() + value.size();
  return bytes;
}
}  // namespace

void RequestJournal::append(std::shared_ptr<const JournalEntry> entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  bytes_ += bytes_of(*entry);
  entries_.push_back(std::move(entry));
  // The newest entry always stays, even when it alone is over max_bytes.
  while (entries_.size() > 1 && ((capacity_ != 0 && entries_.size() > capacity_) || (max_bytes_ != 0 && bytes_ > max_bytes_))) {
    bytes_ -= bytes_of(*entries_.front());
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
                                [&](const auto& entry) {
                                  if (!filter.admits(entry->scope_id)) return false;
                                  bytes_ -= bytes_of(*entry);
                                  return true;
                                }),
                 entries_.end());
}

std::size_t RequestJournal::dropped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return dropped_;
}

void RequestJournal::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.clear();
  bytes_ = 0;
  dropped_ = 0;
}

}  // namespace mockhttp::detail
