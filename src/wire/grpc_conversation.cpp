// GrpcConversation: its builder and its wire form.
#include <mockhttp/grpc_conversation.hpp>

#include "encoding/json_pointer.hpp"
#include "matching/grpc_message_criteria.hpp"
#include "wire/wire_object.hpp"

namespace mockhttp {

using Json = nlohmann::json;

GrpcConversation& GrpcConversation::on_message(Criteria message, GrpcReply reply) {
  // A plain object names the fields to match, as grpc_method's message does.
  if (const auto fields = detail::plain_object_of(message)) message = detail::grpc_message_criteria(*fields, "");
  rules_.push_back({std::move(message), std::move(reply)});
  return *this;
}

GrpcConversation& GrpcConversation::on_message(GrpcMessageResponder responder) {
  responder_ = std::move(responder);
  return *this;
}

GrpcConversation& GrpcConversation::at_end(GrpcReply reply) {
  closing_ = std::move(reply);
  return *this;
}

GrpcConversation& GrpcConversation::when_unmatched(UnmatchedMessage what) {
  unmatched_ = what;
  return *this;
}

Json GrpcConversation::to_json() const {
  Json replies = Json::array();
  for (const auto& rule : rules_)
    replies.push_back({{"message", rule.message.to_json()}, {"reply", rule.reply.to_json()}});
  Json out = {{"replies", replies},
              {"at_end", closing_.to_json()},
              {"unmatched", unmatched_ == UnmatchedMessage::ignore ? "ignore" : "end_call"}};
  if (responder_) out["responder"] = "C++ responder";
  return out;
}

GrpcConversation GrpcConversation::from_json(const Json& document, const std::string& pointer) {
  const detail::WireObject fields(document, pointer, {"replies", "at_end", "unmatched", "responder"},
                                  "action.grpc_conversation");
  if (fields.has("responder")) fields.fail("responder", "a C++ responder cannot come over the wire");
  GrpcConversation conversation;
  if (fields.has("replies")) {
    const Json& replies = fields.at("replies");
    if (!replies.is_array()) fields.fail("replies", "replies must be an array of {\"message\", \"reply\"}");
    for (std::size_t i = 0; i < replies.size(); ++i) {
      const std::string at = detail::pointer_append(fields.pointer("replies"), i);
      const detail::WireObject rule(replies[i], at, {"message", "reply"}, "a reply rule");
      if (!rule.has("reply")) rule.fail("reply", "reply is required");
      Criteria message =
          rule.has("message") ? detail::grpc_message_criteria(rule.at("message"), rule.pointer("message")) : exists();
      conversation.rules_.push_back(
          {std::move(message), GrpcReply::from_json(rule.at("reply"), rule.pointer("reply"))});
    }
  }
  if (fields.has("at_end")) conversation.closing_ = GrpcReply::from_json(fields.at("at_end"), fields.pointer("at_end"));
  const std::string unmatched = fields.string_or("unmatched", "end_call");
  if (unmatched != "end_call" && unmatched != "ignore") {
    fields.fail("unmatched", "unmatched must be \"end_call\" or \"ignore\", got \"" + unmatched + "\"");
  }
  conversation.unmatched_ = unmatched == "ignore" ? UnmatchedMessage::ignore : UnmatchedMessage::end_call;
  return conversation;
}

}  // namespace mockhttp
