#pragma once
// The stubs a StubGroup mounted, so that ending the group removes exactly those.
// Thread safety: every member is safe from any thread.
#include <mutex>
#include <string>
#include <vector>

namespace mockhttp::detail {

class SessionLedger {
 public:
  // False once the session is closed: the caller must not keep the stub.
  bool record(std::string stub_id) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return false;
    ids_.push_back(std::move(stub_id));
    return true;
  }
  std::vector<std::string> ids() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return ids_;
  }
  bool closed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return closed_;
  }
  // Closes the ledger and hands back what it held; later calls return nothing.
  std::vector<std::string> close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    return std::move(ids_);
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> ids_;
  bool closed_ = false;
};

}  // namespace mockhttp::detail
