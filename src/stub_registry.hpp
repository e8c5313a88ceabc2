#pragma once
// The mounted stubs, and the choice of which one answers a request.
// Thread safety: every member is safe to call from any thread. Matching runs on a snapshot,
// outside the lock; the winner's call is claimed atomically, so a max_calls(1) stub answers
// exactly one of many concurrent requests.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <mockhttp/stub.hpp>

#include "request_evaluation.hpp"

namespace mockhttp::detail {

struct MountedStub {
  MountedStub(std::string id, StubDefinition definition, std::uint64_t sequence)
      : id(std::move(id)), definition(std::move(definition)), sequence(sequence) {}
  const std::string id;
  const StubDefinition definition;
  const std::uint64_t sequence;  // mount order: the newest wins a full tie
  std::atomic<std::int64_t> calls{0};

  bool exhausted() const {
    return definition.max_calls && calls.load(std::memory_order_acquire) >= *definition.max_calls;
  }
};

struct StubSelection {
  std::shared_ptr<const MountedStub> stub;
  std::map<std::string, std::string> path_params;
};

class StubRegistry {
 public:
  std::string add(StubDefinition definition);
  bool remove(const std::string& id);
  void clear();
  std::vector<StubInfo> list() const;
  std::optional<std::int64_t> calls(const std::string& id) const;

  // The best-ranked stub that matches and still has calls left; its call is counted.
  std::optional<StubSelection> select(const RequestSubjects& subjects);
  // The stubs that came closest to matching, for the 404 report.
  std::vector<NearMiss> closest(const RequestSubjects& subjects, std::size_t limit) const;

 private:
  std::vector<std::shared_ptr<MountedStub>> snapshot() const;
  std::string new_id();

  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<MountedStub>> stubs_;
  std::uint64_t next_sequence_ = 0;
  std::mt19937_64 id_generator_{std::random_device{}()};
};

}  // namespace mockhttp::detail
