#pragma once
// The WebSocket connections stubs accepted: live ones, which tests push to and wait on, and the
// last closed ones, for listings. Each keeps the messages its client sent (the newest
// kInboxBound), so a test can wait for the next one that matches.
// Thread safety: every member is safe from any thread; waits are woken by each change.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <mockhttp/websocket_connection_info.hpp>

#include "core/request_journal.hpp"
#include "exchange/message_session.hpp"

namespace mockhttp::detail {

class SocketRegistry {
 public:
  static constexpr std::size_t kClosedKept = 1000;
  static constexpr std::size_t kInboxBound = 10000;

  struct Record;  // one connection, owned by the registry and its session

  // A connection accepted (its 101 about to go out).
  std::shared_ptr<Record> open(WebSocketConnectionInfo info, std::uint64_t scope_id);
  void attach(Record& record, std::shared_ptr<SocketOutlet> outlet);
  void note_received(Record& record, const WebSocketMessage& message);
  void note_sent(Record& record);
  void note_ended(Record& record, const SocketEnding& ending);

  std::vector<WebSocketConnectionInfo> list(ScopeFilter filter, bool include_closed) const;
  std::optional<WebSocketConnectionInfo> find(std::uint64_t id) const;
  // Hands `actions` to a live connection; false when it is closed or unknown.
  bool perform(std::uint64_t id, SocketActions actions) const;

  // Waits until `accept` admits an open connection, or `timeout` passes or the server stops;
  // the newest such.
  std::optional<WebSocketConnectionInfo> wait_for_connection(
      ScopeFilter filter, const std::function<bool(const WebSocketConnectionInfo&)>& accept,
      std::chrono::milliseconds timeout) const;
  // Waits for a message of connection `id` numbered `from` or later (0: its first) that
  // `accept` admits; on success `from` becomes the number after it. nullopt after `timeout`,
  // when the connection ended with no such message, or when the server stops.
  std::optional<WebSocketMessage> wait_for_message(std::uint64_t id, std::size_t& from,
                                                   const std::function<bool(const WebSocketMessage&)>& accept,
                                                   std::chrono::milliseconds timeout) const;
  // Until closed or `timeout`; true when closed.
  bool wait_closed(std::uint64_t id, std::chrono::milliseconds timeout) const;
  std::vector<WebSocketMessage> received(std::uint64_t id) const;

  // Drops the records the filter admits; their open connections are closed 1001.
  void forget(ScopeFilter filter);
  void interrupt_waiters();

 private:
  std::shared_ptr<Record> locate(std::uint64_t id) const;  // lock held

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<std::shared_ptr<Record>> records_;  // accept order
  std::size_t closed_ = 0;
  bool stopping_ = false;
};

struct SocketRegistry::Record {
  WebSocketConnectionInfo info;
  std::uint64_t scope_id = 0;
  std::weak_ptr<SocketOutlet> outlet;
  SocketActions early;  // sent by the test before the connection opened
  std::deque<WebSocketMessage> inbox;
  std::size_t inbox_first = 0;  // the number of inbox.front() among all messages received
};

}  // namespace mockhttp::detail
