#include "request_journal.hpp"

namespace mockhttp::detail {

void RequestJournal::append(std::shared_ptr<const JournalEntry> entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.push_back(std::move(entry));
  if (capacity_ != 0 && entries_.size() > capacity_) {
    entries_.pop_front();
    ++dropped_;
  }
}

std::vector<std::shared_ptr<const JournalEntry>> RequestJournal::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {entries_.begin(), entries_.end()};
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
