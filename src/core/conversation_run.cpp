#include "core/conversation_run.hpp"

#include <mockhttp/errors.hpp>

namespace mockhttp::detail {

using Json = nlohmann::json;

ConversationRun::ConversationRun(std::shared_ptr<const CallCodec> codec, std::shared_ptr<const MountedStub> stub,
                                 JournalEntry entry, std::chrono::milliseconds delay_per_reply, Journal journal)
    : codec_(std::move(codec)),
      stub_(std::move(stub)),
      conversation_(*stub_->definition.grpc_conversation),
      encoded_(*stub_->encoded_answers.conversation),
      entry_(std::move(entry)),
      delay_per_reply_(delay_per_reply),
      journal_(std::move(journal)) {}

ConversationRun::~ConversationRun() {
  // The client went away before the call ended (a reset, a closed connection): journaled as
  // it stands, with no status sent.
  if (!journaled_) write_journal();
}

ConversationStep ConversationRun::receive(std::string_view bytes) {
  if (ending_) return {};
  pending_.append(bytes.data(), bytes.size());
  std::vector<std::string> messages;
  const auto refusal = codec_->take_messages(pending_, entry_.request, received_.size() + 1, messages);
  ConversationStep step;
  for (auto& message : messages) {
    received_.push_back(std::move(message));
    step.append(answer(received_.back()));
    if (step.ending) return end(std::move(step));
  }
  if (refusal) {
    step.append(codec_->encode_step(*refusal, stub_->definition.request, true));
    return end(std::move(step));
  }
  return step;
}

ConversationStep ConversationRun::finish() {
  if (ending_) return {};
  sent_.push_back(&conversation_.closing());
  return end(encoded_.closing);
}

ConversationStep ConversationRun::answer(const std::string& message_json) {
  const Json message = Json::parse(message_json, nullptr, false);
  const auto& rules = conversation_.rules();
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (!rules[i].message.matches(message)) continue;
    sent_.push_back(&rules[i].reply);
    ConversationStep step = encoded_.rules[i];
    delayed(step);
    return step;
  }
  if (conversation_.responder()) {
    GrpcReply reply;
    try {
      reply = conversation_.responder()(message, entry_.request);
      ConversationStep step = codec_->encode_step(reply, stub_->definition.request, false);
      made_.push_back(std::move(reply));
      sent_.push_back(&made_.back());
      delayed(step);
      return step;
    } catch (const std::exception& e) {
      const GrpcReply failed =
          GrpcReply{}.status(GrpcStatus::unknown, "the stub's C++ responder failed on message " +
                                                      std::to_string(received_.size()) + ": " + e.what());
      return codec_->encode_step(failed, stub_->definition.request, true);
    }
  }
  return unmatched(message);
}

ConversationStep ConversationRun::unmatched(const Json& message) {
  if (conversation_.unmatched() == UnmatchedMessage::ignore) return {};
  // The near-miss, shortened: each rule and why the message failed it.
  std::string why = "no reply rule matched message " + std::to_string(received_.size()) + " " + message.dump();
  const auto& rules = conversation_.rules();
  for (std::size_t i = 0; i < rules.size() && why.size() < 1500; ++i) {
    why += "; rule " + std::to_string(i + 1) + " (" + rules[i].message.describe() +
           "): " + rules[i].message.evaluate(message).reason;
  }
  return codec_->encode_step(GrpcReply{}.status(GrpcStatus::invalid_argument, why), stub_->definition.request, true);
}

void ConversationRun::delayed(ConversationStep& step) const {
  if (delay_per_reply_.count() > 0 && !step.parts.empty()) step.parts.front().after += delay_per_reply_;
}

ConversationStep ConversationRun::end(ConversationStep step) {
  ending_ = step.ending ? step.ending : Headers{};
  write_journal();
  return step;
}

void ConversationRun::write_journal() {
  journaled_ = true;
  std::string body = "[";
  for (const auto& message : received_) body += (body.size() > 1 ? "," : "") + message;
  entry_.request.body = body + "]";
  Json messages = Json::array();
  for (const GrpcReply* reply : sent_) {
    for (const auto& sent : reply->messages()) messages.push_back(sent.message);
  }
  GrpcAnswer answer;
  answer.messages_json = messages.dump();
  if (ending_) {
    DeliveryPlan ended;
    ended.trailers = *ending_;
    codec_->note_status(ended, answer);
  }
  entry_.request.grpc_answer = std::move(answer);
  journal_(entry_, stub_->id);
}

}  // namespace mockhttp::detail
