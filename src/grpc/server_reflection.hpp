#pragma once
// gRPC server reflection (grpc.reflection.v1 and v1alpha, whose messages are the same), answered
// from the server's loaded descriptors so grpcurl, grpc_cli and Postman can list and call the
// mocked services. A built-in conversation (exchange/conversation.hpp): the engine opens it for
// a reflection call no stub of the user's answers, and journals the call when it ends. Its
// messages are read and written by hand (a handful of fields of protobuf's wire format), as
// google.rpc.Status is, so the reflection .proto is no dependency.
// Thread safety: one thread at a time, as every conversation; the catalog is immutable.
#include <functional>
#include <string>
#include <string_view>

#include <mockhttp/recorded_request.hpp>

#include "exchange/conversation.hpp"
#include "grpc/proto_catalog.hpp"

namespace mockhttp::detail {

// "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo" or its v1alpha twin.
bool is_reflection_method(std::string_view path);

class ServerReflection final : public Conversation {
 public:
  // `ended`: called once, with the status the call ended with (none: the client went away).
  ServerReflection(const ProtoCatalog& catalog, std::function<void(GrpcAnswer)> ended);
  ~ServerReflection() override;

  ConversationStep receive(std::string_view bytes) override;
  ConversationStep finish() override;

 private:
  ConversationStep end(GrpcStatus status, const std::string& message);

  const ProtoCatalog& catalog_;
  std::function<void(GrpcAnswer)> ended_;
  std::string pending_;
  std::size_t received_ = 0;
  bool over_ = false;
};

}  // namespace mockhttp::detail
