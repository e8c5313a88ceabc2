#pragma once
// One WebSocket connection a stub accepted (mockhttp/websocket.hpp), as the engine's
// MessageSession (exchange/message_session.hpp): each message the client sends is journaled,
// kept for tests waiting on it, then matched against the script's reply rules in order; the
// first that matches gives its reply (its sequence's next). Chaos per message is drawn from the
// server's seed, the stub, the connection's number among the stub's and the message's number.
// Thread safety: called by the connection's thread only; journals through the engine and the
// socket registry, which are thread-safe.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <mockhttp/websocket.hpp>

#include "core/request_journal.hpp"
#include "core/socket_registry.hpp"
#include "exchange/message_session.hpp"

namespace mockhttp::detail {

class WebSocketRun final : public MessageSession {
 public:
  // Journals one message's entry, answered by the stub.
  using Journal = std::function<void(JournalEntry& entry)>;
  // Where the chaos draws come from.
  struct Seeding {
    std::uint64_t seed = 0;
    std::uint64_t stub_sequence = 0;
    std::int64_t connection_number = 0;  // the stub's call number of the upgrade
  };

  WebSocketRun(WebSocketScript script, const JournalEntry& upgrade, std::string stub_id,
               std::shared_ptr<SocketRegistry::Record> record, SocketRegistry& registry, Journal journal,
               Seeding seeding);

  SocketActions opened(std::shared_ptr<SocketOutlet> outlet) override;
  SocketActions received(WebSocketMessage message) override;
  void sent(const WebSocketMessage& message) override;
  void ended(const SocketEnding& ending) override;
  bool answers_pings() const override { return !script_.message_chaos().unanswered_pings; }

 private:
  SocketActions reply_actions(const WebSocketReply& reply, std::chrono::milliseconds latency) const;
  SocketActions unmatched(const WebSocketMessage& message) const;
  std::chrono::milliseconds latency(std::int64_t draw_number) const;
  bool fault_fires(std::int64_t message_number) const;
  // `chaos`, when `with_chaos`: the delay drawn for the message's reply.
  void journal_message(const WebSocketMessage& message, MessageDirection direction, bool with_chaos,
                       const AppliedChaos& chaos);

  const WebSocketScript script_;
  JournalEntry message_entry_;  // the upgrade's fields every message entry repeats
  const std::string stub_id_;
  const std::shared_ptr<SocketRegistry::Record> record_;
  SocketRegistry& registry_;
  Journal journal_;
  const Seeding seeding_;
  std::int64_t received_ = 0;
  std::vector<std::size_t> rule_hits_;  // per rule: how many messages it answered
};

}  // namespace mockhttp::detail
