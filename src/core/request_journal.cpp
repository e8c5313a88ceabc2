#include "core/request_journal.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/packed_request.hpp"

namespace mockhttp::detail {

namespace {

// A segment's memory, touched page by page as requests are packed into it. Where the system
// can map it populated (Linux), it does: one system call then stands for the 64 page faults the
// serving threads would otherwise take, one every twenty requests or so.
std::shared_ptr<char[]> new_segment_bytes(std::size_t size) {
#ifdef MAP_POPULATE
  void* mapped = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (mapped != MAP_FAILED) {
    return std::shared_ptr<char[]>(static_cast<char*>(mapped), [size](char* bytes) { munmap(bytes, size); });
  }
#endif
  return std::shared_ptr<char[]>(new char[size]);
}
}  // namespace

JournalEntry JournalView::operator[](std::size_t index) const {
  const Slot& slot = slots_.at(index);
  return JournalEntry{unpack_request(std::string_view(slot.bytes, slot.size)), slot.scope_id, slot.id};
}

RequestJournal::Segment& RequestJournal::segment_for(std::size_t size) {
  if (segments_.empty() || !segments_.back().bytes || segments_.back().capacity - segments_.back().used < size) {
    if (!segments_.empty() && segments_.back().live == 0) segments_.back().bytes.reset();  // left empty, now full
    forget_empty_front_segments();
    Segment segment;
    segment.capacity = std::max(size, kSegmentBytes);
    segment.bytes = new_segment_bytes(segment.capacity);
    segments_.push_back(std::move(segment));
  }
  return segments_.back();
}

void RequestJournal::append(const RecordedRequest& request, std::uint64_t scope_id) {
  const std::size_t size = packed_size(request);  // measured before the lock is taken
  if (size > UINT32_MAX) throw std::length_error("a request over 4 GiB cannot be journaled");

  {
    std::lock_guard<std::mutex> lock(mutex_);
    Segment& segment = segment_for(size);
    pack_request(request, segment.bytes.get() + segment.used);
    entries_.push_back(Entry{first_segment_ + segments_.size() - 1, static_cast<std::uint32_t>(segment.used),
                             static_cast<std::uint32_t>(size), scope_id, appends_ + 1});
    segment.used += size;
    ++segment.live;
    bytes_ += size;  // every byte the entry holds, not only its body and headers
    // The newest entry always stays, even when it alone is over max_bytes.
    while (entries_.size() > 1 &&
           ((capacity_ != 0 && entries_.size() > capacity_) || (max_bytes_ != 0 && bytes_ > max_bytes_))) {
      drop_front();
      ++dropped_;
    }
    ++appends_;
  }
  // Outside the lock; with no one waiting (the common case) it makes no system call.
  appended_.notify_all();
}

std::uint64_t RequestJournal::appends() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return appends_;
}

bool RequestJournal::wait_for_append(std::uint64_t seen, std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return appended_.wait_until(lock, deadline, [&] { return appends_ != seen || interrupted_; }) && !interrupted_;
}

void RequestJournal::interrupt_waiters() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    interrupted_ = true;
  }
  appended_.notify_all();
}

void RequestJournal::release(const Entry& entry) {
  bytes_ -= entry.size;
  Segment& segment = segments_[entry.segment - first_segment_];
  // The newest segment stays while requests are still packed into it.
  if (--segment.live == 0 && &segment != &segments_.back()) segment.bytes.reset();  // views may still hold it
  forget_empty_front_segments();
}

void RequestJournal::forget_empty_front_segments() {
  // An emptied segment in the middle keeps its (empty) place until it reaches the front.
  while (!segments_.empty() && !segments_.front().bytes) {
    segments_.pop_front();
    ++first_segment_;
  }
}

void RequestJournal::drop_front() {
  const Entry entry = entries_.front();
  entries_.pop_front();
  release(entry);
}

JournalView RequestJournal::snapshot(ScopeFilter filter) const {
  JournalView view;
  std::lock_guard<std::mutex> lock(mutex_);
  view.slots_.reserve(entries_.size());
  std::uint64_t last_segment = UINT64_MAX;
  for (const auto& entry : entries_) {
    if (!filter.admits(entry.scope_id)) continue;
    const Segment& segment = segments_[entry.segment - first_segment_];
    if (entry.segment != last_segment) {
      view.segments_.push_back(segment.bytes);
      last_segment = entry.segment;
    }
    view.slots_.push_back({segment.bytes.get() + entry.offset, entry.size, entry.scope_id, entry.id});
  }
  return view;
}

void RequestJournal::remove(ScopeFilter filter) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::deque<Entry> kept;
  for (const auto& entry : entries_) {
    if (filter.admits(entry.scope_id)) {
      release(entry);
    } else {
      kept.push_back(entry);
    }
  }
  entries_.swap(kept);
}

std::size_t RequestJournal::dropped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return dropped_;
}

void RequestJournal::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.clear();
  segments_.clear();
  first_segment_ = 0;
  bytes_ = 0;
  dropped_ = 0;
}

}  // namespace mockhttp::detail
