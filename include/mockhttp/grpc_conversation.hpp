#pragma once
// GrpcConversation: a bidirectional gRPC call answered message by message. Each message the
// client sends is matched against the reply rules in order (criteria on its JSON, as
// grpc_method's); the first that matches sends its reply's messages at once. A reply whose
// status is not OK ends the call with it. When the client has sent its last message, the
// closing reply's messages and status end the call (OK and no message unless said). A message
// no rule matches goes to the responder when there is one; otherwise the call ends
// INVALID_ARGUMENT naming the message and each rule's failed field, or the message is ignored.
//
//   server.when_requested_with(grpc_method("shop.v1.Catalog/Haggle"))
//         .respond_with_grpc_conversation(GrpcConversation{}
//             .on_message(key_values({{"cents", gte(1000)}}), GrpcReply{}.message({{"cents", "950"}}))
//             .on_message(exists(), GrpcReply{}.status(GrpcStatus::failed_precondition, "too low")));
//
// On the wire (docs/grpc.md): {"grpc_conversation": {"replies": [{"message": <criteria>,
// "reply": <GrpcReply>}], "at_end": <GrpcReply>, "unmatched": "end_call" | "ignore"}}.
// Replies are encoded when the stub is mounted, as GrpcReply's are.
// Thread safety: a value type: build on one thread, then share freely. The responder runs on
// serving threads, one message of a call at a time.
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include <mockhttp/criteria.hpp>
#include <mockhttp/grpc_reply.hpp>
#include <mockhttp/recorded_request.hpp>
#include <mockhttp/unmatched_message.hpp>

namespace mockhttp {

// Builds the reply to one incoming message (its JSON) of `call` (its method, metadata and scope;
// its body is empty until the call ends). May throw: the call then ends UNKNOWN naming the
// exception.
using GrpcMessageResponder = std::function<GrpcReply(const nlohmann::json& message, const RecordedRequest& call)>;

struct GrpcReplyRule {
  Criteria message;
  GrpcReply reply;
};

class GrpcConversation {
 public:
  GrpcConversation() = default;
  GrpcConversation& on_message(Criteria message, GrpcReply reply);
  // Answers each message no rule matched.
  GrpcConversation& on_message(GrpcMessageResponder responder);
  GrpcConversation& at_end(GrpcReply reply);
  GrpcConversation& when_unmatched(UnmatchedMessage what);

  const std::vector<GrpcReplyRule>& rules() const { return rules_; }
  const GrpcMessageResponder& responder() const { return responder_; }
  const GrpcReply& closing() const { return closing_; }
  UnmatchedMessage unmatched() const { return unmatched_; }

  // The wire form above (a responder has none); from_json throws DocumentError naming the field.
  nlohmann::json to_json() const;
  static GrpcConversation from_json(const nlohmann::json& document, const std::string& pointer = "");

 private:
  std::vector<GrpcReplyRule> rules_;
  GrpcMessageResponder responder_;
  GrpcReply closing_;
  UnmatchedMessage unmatched_ = UnmatchedMessage::end_call;
};

}  // namespace mockhttp
