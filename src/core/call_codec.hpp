#pragma once
// What the engine sees of a message codec (mockhttp/message_codec.hpp): the protocol's
// requests decoded to JSON before selection, the stubs' JSON answers encoded once at mount, and
// the protocol's own form of "nothing matched" and of an error. The gRPC library (src/grpc)
// implements it; the engine only calls it, so it needs none of protobuf.
// Thread safety: every member runs on worker threads, any number at once; a codec is immutable.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <mockhttp/grpc_reply.hpp>
#include <mockhttp/message_codec.hpp>
#include <mockhttp/near_miss.hpp>
#include <mockhttp/recorded_request.hpp>
#include <mockhttp/request.hpp>

#include "exchange/conversation.hpp"
#include "exchange/delivery_plan.hpp"

namespace mockhttp::detail {

class CallCodec : public virtual MessageCodec {
 public:
  // Whether `request` is of this codec's protocol (gRPC: an application/grpc content type).
  virtual bool reads(const RecordedRequest& request) const = 0;
  // Replaces the request's body by its messages as JSON text, which criteria, the journal and
  // reports then see. When the body cannot be decoded: the answer to send instead (gRPC:
  // INTERNAL naming the message type and the byte offset), the body left as sent.
  virtual std::optional<DeliveryPlan> decode(RecordedRequest& request) const = 0;
  // The call's deadline (gRPC: its grpc-timeout), read by decode(); nullopt without one.
  virtual std::optional<std::chrono::milliseconds> deadline(const RecordedRequest& request) const = 0;
  // At mount: the answer `reply` encodes to for a stub whose matcher is `matcher` (its path
  // names the method). Throws StubError naming the field and the symbol.
  virtual DeliveryPlan encode(const GrpcReply& reply, const Request& matcher) const = 0;
  // The answer to a request of this protocol no stub matched (gRPC: UNIMPLEMENTED, its message
  // naming the closest stubs and why each failed).
  virtual DeliveryPlan unmatched(const RecordedRequest& request, const std::vector<NearMiss>& closest) const = 0;
  // The protocol's form of an error answer the engine made (a template error, a failed
  // responder, a scope collision): the client's library must read it as an error.
  virtual DeliveryPlan failure(DeliveryPlan error) const = 0;
  // Notes in `noted` the status `answer` sends (gRPC: grpc-status and grpc-message, from its
  // trailers or a trailers-only answer's headers); an answer that sends none (a fault, a stream
  // cut short) leaves it unset.
  virtual void note_status(const DeliveryPlan& answer, GrpcAnswer& noted) const = 0;

  // Conversations (exchange/conversation.hpp): whether a request of this protocol may be
  // answered while it arrives (gRPC: its method streams both ways).
  virtual bool converses(const RecordedRequest& head) const = 0;
  // Takes the whole messages at the front of `pending` (bytes of the call's body as they came),
  // each as JSON text, numbering them from `first_number`; a partial one stays. When the bytes
  // are not messages of the call's type: the reply that ends the call instead.
  virtual std::optional<GrpcReply> take_messages(std::string& pending, const RecordedRequest& call,
                                                 std::size_t first_number,
                                                 std::vector<std::string>& messages) const = 0;
  // At mount: what `reply` sends within a conversation — its messages, and the status in
  // trailers when the reply ends the call (`ends`, or a status other than OK).
  virtual ConversationStep encode_step(const GrpcReply& reply, const Request& matcher, bool ends) const = 0;
  // The head of a conversation's answer, with `reply`'s response metadata.
  virtual DeliveryPlan conversation_head(const GrpcReply& reply) const = 0;
  // A conversation the protocol answers itself when no stub does (gRPC: server reflection), or
  // null; `ended` is called once, with the answer the call got.
  virtual std::shared_ptr<Conversation> built_in_conversation(const RecordedRequest& head,
                                                              std::function<void(GrpcAnswer)> ended) const = 0;
};

}  // namespace mockhttp::detail
