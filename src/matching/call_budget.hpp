#pragma once
// How often a candidate may still answer: a stub's max_calls, a replay rule's `consume: once`
// (a budget of one). Only the candidate that answers spends a call, and it claims it
// atomically, so a budget of one answers exactly one of many concurrent requests.
// Thread safety: every member is safe from any thread.
#include <atomic>
#include <cstdint>
#include <optional>

namespace mockhttp::detail {

class CallBudget {
 public:
  explicit CallBudget(std::optional<std::int64_t> limit = std::nullopt) : limit_(limit) {}
  CallBudget(const CallBudget&) = delete;
  CallBudget& operator=(const CallBudget&) = delete;

  const std::optional<std::int64_t>& limit() const { return limit_; }
  std::int64_t used() const { return calls_.load(std::memory_order_acquire); }
  bool exhausted() const { return limit_ && used() >= *limit_; }

  // Spends one call: its number (1 for the first), or nullopt when none is left.
  std::optional<std::int64_t> claim() {
    std::int64_t seen = calls_.load(std::memory_order_acquire);
    while (!limit_ || seen < *limit_) {
      if (calls_.compare_exchange_weak(seen, seen + 1, std::memory_order_acq_rel)) return seen + 1;
    }
    return std::nullopt;
  }

 private:
  const std::optional<std::int64_t> limit_;
  std::atomic<std::int64_t> calls_{0};
};

}  // namespace mockhttp::detail
