#pragma once
// gRPC's codec for the one engine (core/call_codec.hpp): a call's request messages decoded to
// JSON with the method's input type before selection; a stub's GrpcReply encoded with the
// output type at mount into a plan of framed messages and a status in the trailers; "nothing
// matched" as UNIMPLEMENTED and the engine's errors as gRPC statuses.
// Thread safety: immutable once made; every member is safe from any thread.
#include <memory>

#include <mockhttp/grpc.hpp>

#include "core/call_codec.hpp"
#include "grpc/proto_catalog.hpp"

namespace mockhttp::detail {

class GrpcCodec final : public GrpcServices, public CallCodec {
 public:
  explicit GrpcCodec(std::unique_ptr<ProtoCatalog> catalog) : catalog_(std::move(catalog)) {}

  std::string name() const override { return "grpc"; }
  std::vector<std::string> methods() const override { return catalog_->methods(); }

  bool reads(const RecordedRequest& request) const override;
  std::optional<DeliveryPlan> decode(RecordedRequest& request) const override;
  std::optional<std::chrono::milliseconds> deadline(const RecordedRequest& request) const override;
  DeliveryPlan encode(const GrpcReply& reply, const Request& matcher) const override;
  DeliveryPlan unmatched(const RecordedRequest& request, const std::vector<NearMiss>& closest) const override;
  DeliveryPlan failure(DeliveryPlan error) const override;
  void note_status(const DeliveryPlan& answer, GrpcAnswer& noted) const override;
  bool converses(const RecordedRequest& head) const override;
  std::optional<GrpcReply> take_messages(std::string& pending, const RecordedRequest& call, std::size_t first_number,
                                         std::vector<std::string>& messages) const override;
  ConversationStep encode_step(const GrpcReply& reply, const Request& matcher, bool ends) const override;
  DeliveryPlan conversation_head(const GrpcReply& reply) const override;
  std::shared_ptr<Conversation> built_in_conversation(const RecordedRequest& head,
                                                      std::function<void(GrpcAnswer)> ended) const override;

 private:
  std::unique_ptr<ProtoCatalog> catalog_;
};

// grpc-timeout's value ("100m", "5S": at most 8 digits, then H, M, S, m, u or n) in
// milliseconds, rounded up; nullopt when it is not of that form.
std::optional<std::chrono::milliseconds> read_grpc_timeout(const std::string& value);

// A trailers-only answer: the status in the response's headers, no message.
DeliveryPlan grpc_status_answer(GrpcStatus code, const std::string& message);

}  // namespace mockhttp::detail
