#pragma once
// The request journal: every request the server received, oldest first, optionally capped.
// Thread safety: every member is safe to call from any thread; readers get a snapshot.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <mockhttp/recorded_request.hpp>

namespace mockhttp::detail {

// One journaled request, as a reader gets it (unpacked from the journal's storage).
struct JournalEntry {
  RecordedRequest request;
  std::uint64_t scope_id = 0;  // ScopeRecord::id; 0: global
  // Its number in the journal: 1 for the first request the server ever journaled, never reused
  // (clearing or dropping entries leaves the others' numbers as they were), so a reader can
  // name one request, or ask for those after the last one it saw.
  std::uint64_t id = 0;
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
  std::uint64_t scope() const { return scope_; }  // the one scope of only() / scope_and_global()

 private:
  ScopeFilter(bool all, std::uint64_t scope, bool with_global) : all_(all), scope_(scope), with_global_(with_global) {}
  bool all_;
  std::uint64_t scope_;
  bool with_global_;
};

// What a reader sees of the journal at one moment. Entries are unpacked on demand, so a
// verification over a million requests holds one unpacked request at a time, and the journal's
// lock only while the view is taken.
class JournalView {
 public:
  std::size_t size() const { return slots_.size(); }
  bool empty() const { return slots_.empty(); }
  JournalEntry operator[](std::size_t index) const;
  std::uint64_t id(std::size_t index) const { return slots_.at(index).id; }  // without unpacking

 private:
  friend class RequestJournal;
  struct Slot {
    const char* bytes;
    std::uint32_t size;
    std::uint64_t scope_id;
    std::uint64_t id;
  };
  std::vector<std::shared_ptr<const char[]>> segments_;  // keeps every slot's bytes alive
  std::vector<Slot> slots_;
};

class RequestJournal {
 public:
  // `capacity`: entries kept (0: any number); `max_bytes`: every byte they hold together (the
  // packed size: bodies, headers, query, scenario moves, certificate subjects)
  // (0: any size). Past either, the oldest entries are dropped and counted.
  explicit RequestJournal(std::size_t capacity, std::size_t max_bytes = 0)
      : capacity_(capacity), max_bytes_(max_bytes) {}

  void append(const RecordedRequest& request, std::uint64_t scope_id);
  JournalView snapshot(ScopeFilter filter = ScopeFilter::everything()) const;
  void remove(ScopeFilter filter);  // e.g. what a deleted scope recorded
  std::size_t dropped() const;
  void clear();

  // Waiting for requests: appends() counts every append ever made; wait_for_append() blocks
  // until that count passes `seen`, `deadline` comes or interrupt_waiters() is called (the
  // server stops). False when no append came.
  std::uint64_t appends() const;
  bool wait_for_append(std::uint64_t seen, std::chrono::steady_clock::time_point deadline) const;
  void interrupt_waiters();

 private:
  // Packed requests go one after another into segments of kSegmentBytes (a bigger request gets
  // a segment of its own); a segment is freed when no entry in it is left. Bytes once written
  // never change, so a view reads them without the lock.
  static constexpr std::size_t kSegmentBytes = 256 * 1024;
  struct Segment {
    std::shared_ptr<char[]> bytes;
    std::size_t capacity = 0;
    std::size_t used = 0;
    std::size_t live = 0;  // entries stored here and not yet dropped
  };
  struct Entry {
    std::uint64_t segment;  // a number: segments_[segment - first_segment_]
    std::uint32_t offset;
    std::uint32_t size;
    std::uint64_t scope_id;
    std::uint64_t id;  // JournalEntry::id
  };
  Segment& segment_for(std::size_t size);  // mutex_ held
  void release(const Entry& entry);        // mutex_ held: the entry is gone
  void drop_front();                       // mutex_ held
  void forget_empty_front_segments();      // mutex_ held

  mutable std::mutex mutex_;
  std::deque<Entry> entries_;
  std::deque<Segment> segments_;
  std::uint64_t first_segment_ = 0;
  std::size_t capacity_;   // 0: unbounded
  std::size_t max_bytes_;  // 0: unbounded
  std::size_t bytes_ = 0;
  std::size_t dropped_ = 0;
  std::uint64_t appends_ = 0;
  bool interrupted_ = false;
  mutable std::condition_variable appended_;
};

}  // namespace mockhttp::detail
