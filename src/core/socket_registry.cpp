#include "core/socket_registry.hpp"

#include <algorithm>

#include "encoding/utc_time.hpp"

namespace mockhttp {

nlohmann::json WebSocketConnectionInfo::to_json() const {
  using Json = nlohmann::json;
  return {{"id", id},
          {"stub_id", stub_id},
          {"path", upgrade.path},
          {"scope", upgrade.scope ? Json(*upgrade.scope) : Json(nullptr)},
          {"subprotocol", subprotocol.empty() ? Json(nullptr) : Json(subprotocol)},
          {"opened_at", detail::utc_time_text(opened_at)},
          {"open", open},
          {"closed_at", closed_at ? Json(detail::utc_time_text(*closed_at)) : Json(nullptr)},
          {"close_code", close_code ? Json(*close_code) : Json(nullptr)},
          {"close_reason", close_reason},
          {"closed_by", closed_by.empty() ? Json(nullptr) : Json(closed_by)},
          {"received", received},
          {"sent", sent},
          {"upgrade", upgrade.to_json()}};
}

}  // namespace mockhttp

namespace mockhttp::detail {

std::shared_ptr<SocketRegistry::Record> SocketRegistry::open(WebSocketConnectionInfo info, std::uint64_t scope_id) {
  auto record = std::make_shared<Record>();
  record->info = std::move(info);
  record->scope_id = scope_id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    records_.push_back(record);
  }
  changed_.notify_all();
  return record;
}

void SocketRegistry::attach(Record& record, std::shared_ptr<SocketOutlet> outlet) {
  SocketActions early;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    record.outlet = outlet;
    early.swap(record.early);
  }
  if (!early.empty()) outlet->perform(std::move(early));
}

void SocketRegistry::note_received(Record& record, const WebSocketMessage& message) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++record.info.received;
    record.inbox.push_back(message);
    if (record.inbox.size() > kInboxBound) {
      record.inbox.pop_front();
      ++record.inbox_first;
    }
  }
  changed_.notify_all();
}

void SocketRegistry::note_sent(Record& record) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++record.info.sent;
}

void SocketRegistry::note_ended(Record& record, const SocketEnding& ending) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!record.info.open) return;
    record.info.open = false;
    record.info.closed_at = std::chrono::system_clock::now();
    record.info.close_code = ending.code;
    record.info.close_reason = ending.reason;
    record.info.closed_by = ending.by;
    record.outlet.reset();
    const bool listed =
        std::any_of(records_.begin(), records_.end(), [&](const auto& r) { return r.get() == &record; });
    // The oldest closed records go once more than kClosedKept are kept.
    if (listed && ++closed_ > kClosedKept) {
      const auto oldest = std::find_if(records_.begin(), records_.end(), [](const auto& r) { return !r->info.open; });
      if (oldest != records_.end()) {
        records_.erase(oldest);
        --closed_;
      }
    }
  }
  changed_.notify_all();
}

std::vector<WebSocketConnectionInfo> SocketRegistry::list(ScopeFilter filter, bool include_closed) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<WebSocketConnectionInfo> out;
  for (const auto& record : records_) {
    if (filter.admits(record->scope_id) && (include_closed || record->info.open)) out.push_back(record->info);
  }
  return out;
}

std::shared_ptr<SocketRegistry::Record> SocketRegistry::locate(std::uint64_t id) const {
  for (const auto& record : records_) {
    if (record->info.id == id) return record;
  }
  return nullptr;
}

std::optional<WebSocketConnectionInfo> SocketRegistry::find(std::uint64_t id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto record = locate(id);
  if (!record) return std::nullopt;
  return record->info;
}

bool SocketRegistry::perform(std::uint64_t id, SocketActions actions) const {
  std::shared_ptr<SocketOutlet> outlet;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto record = locate(id);
    if (!record || !record->info.open) return false;
    outlet = record->outlet.lock();
    if (!outlet) {
      // Listed before its 101 went out: what the test sends waits for the connection to open.
      for (auto& action : actions) record->early.push_back(std::move(action));
      return true;
    }
  }
  return outlet->perform(std::move(actions));
}

std::optional<WebSocketConnectionInfo> SocketRegistry::wait_for_connection(
    ScopeFilter filter, const std::function<bool(const WebSocketConnectionInfo&)>& accept,
    std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  std::optional<WebSocketConnectionInfo> found;
  changed_.wait_for(lock, timeout, [&] {
    // The newest open one first: after a reconnect, the connection the client is on now.
    for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
      if ((*it)->info.open && filter.admits((*it)->scope_id) && accept((*it)->info)) {
        found = (*it)->info;
        return true;
      }
    }
    return stopping_;
  });
  return found;
}

std::optional<WebSocketMessage> SocketRegistry::wait_for_message(
    std::uint64_t id, std::size_t& from, const std::function<bool(const WebSocketMessage&)>& accept,
    std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  std::optional<WebSocketMessage> found;
  changed_.wait_for(lock, timeout, [&] {
    const auto record = locate(id);
    if (!record) return true;
    for (std::size_t number = std::max(from, record->inbox_first); number < record->inbox_first + record->inbox.size();
         ++number) {
      if (accept(record->inbox[number - record->inbox_first])) {
        found = record->inbox[number - record->inbox_first];
        from = number + 1;
        return true;
      }
    }
    // Nothing matched yet: later messages are looked at from here on.
    from = record->inbox_first + record->inbox.size();
    return !record->info.open || stopping_;
  });
  return found;
}

bool SocketRegistry::wait_closed(std::uint64_t id, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    const auto record = locate(id);
    return !record || !record->info.open || stopping_;
  }) && [&] {
    const auto record = locate(id);
    return !record || !record->info.open;
  }();
}

std::vector<WebSocketMessage> SocketRegistry::received(std::uint64_t id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto record = locate(id);
  if (!record) return {};
  return {record->inbox.begin(), record->inbox.end()};
}

void SocketRegistry::forget(ScopeFilter filter) {
  std::vector<std::shared_ptr<SocketOutlet>> still_open;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    records_.erase(std::remove_if(records_.begin(), records_.end(),
                                  [&](const auto& record) {
                                    if (!filter.admits(record->scope_id)) return false;
                                    if (record->info.open) {
                                      if (auto outlet = record->outlet.lock()) still_open.push_back(std::move(outlet));
                                    } else {
                                      --closed_;
                                    }
                                    return true;
                                  }),
                   records_.end());
  }
  // A reset (or a deleted scope) takes its stubs away: the connections they accepted end too,
  // rather than go on unlisted, where no test could reach them.
  for (const auto& outlet : still_open) outlet->perform({SocketAction::close(1001, "the mock was reset")});
}

void SocketRegistry::interrupt_waiters() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
}

}  // namespace mockhttp::detail
