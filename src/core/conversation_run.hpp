#pragma once
// One gRPC bidirectional call a conversation stub answers (mockhttp/grpc_conversation.hpp),
// as the engine's Conversation (exchange/conversation.hpp): each whole message that arrives is
// decoded by the codec and matched against the stub's reply rules in order; the first that
// matches sends its reply, encoded when the stub was mounted. The call is journaled once, when
// it ends — with every message received as the body and every message sent in its answer —
// or, if the client goes away first, when the conversation is dropped.
// Thread safety: called by one thread at a time (the transport's turns); journals through the
// engine, which is thread-safe.
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/call_codec.hpp"
#include "core/request_journal.hpp"
#include "core/stub_registry.hpp"
#include "exchange/conversation.hpp"

namespace mockhttp::detail {

class ConversationRun final : public Conversation {
 public:
  // Journals the call's entry, answered by the stub.
  using Journal = std::function<void(JournalEntry& entry, const std::string& stub_id)>;

  ConversationRun(std::shared_ptr<const CallCodec> codec, std::shared_ptr<const MountedStub> stub, JournalEntry entry,
                  std::chrono::milliseconds delay_per_reply, Journal journal);
  ~ConversationRun() override;

  ConversationStep receive(std::string_view bytes) override;
  ConversationStep finish() override;

 private:
  ConversationStep answer(const std::string& message_json);
  ConversationStep unmatched(const nlohmann::json& message);
  ConversationStep end(ConversationStep step);
  void delayed(ConversationStep& step) const;
  void write_journal();

  std::shared_ptr<const CallCodec> codec_;
  std::shared_ptr<const MountedStub> stub_;  // kept while the call lasts, even if the stub is removed
  const GrpcConversation& conversation_;
  const EncodedConversation& encoded_;
  JournalEntry entry_;
  std::chrono::milliseconds delay_per_reply_;
  Journal journal_;
  std::string pending_;                 // bytes of a message not yet whole
  std::vector<std::string> received_;   // each message's JSON
  std::vector<const GrpcReply*> sent_;  // the replies sent, in order
  std::deque<GrpcReply> made_;          // the responder's replies, which sent_ points into
  std::optional<Headers> ending_;       // the trailers that ended the call
  bool journaled_ = false;
};

}  // namespace mockhttp::detail
