#pragma once
// GrpcReply: the answer a stub gives a gRPC call — its response messages (each in protobuf's
// JSON mapping, each after an optional delay), then its status, status message, rich error
// details and trailing metadata. Messages are encoded with the method's output type when the
// stub is mounted, by the server's gRPC services (mockhttp/grpc.hpp, library mockhttp::grpc):
// a message that does not fit the type is a StubError then, never a failed call later.
//
//   server.when_requested_with(grpc_method("helloworld.Greeter/SayHello"))
//         .respond_with_grpc(GrpcReply{}.message({{"message", "Hello"}}));
//   server.when_requested_with(grpc_method("users.Users/Get"))
//         .respond_with_grpc(GrpcReply{}.status(GrpcStatus::not_found, "no such user"));
//
// No message and a status other than OK is a "trailers-only" answer (the status in the
// response's headers), as gRPC servers send one. On the wire (docs/grpc.md):
//   {"messages": [{...}, {"message": {...}, "delay_ms": 50}], "status": "NOT_FOUND",
//    "status_message": "...", "details": [{"@type": "type.googleapis.com/...", ...}],
//    "headers": {...}, "trailers": {...}}
// Thread safety: a value type: build on one thread, then share freely.
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include <functional>

#include <mockhttp/grpc_status.hpp>
#include <mockhttp/recorded_request.hpp>
#include <mockhttp/response.hpp>

namespace mockhttp {

// One response message and the wait before it is sent.
struct GrpcMessage {
  nlohmann::json message;  // protobuf's JSON mapping of the method's output type
  std::chrono::milliseconds delay{0};
};

class GrpcReply {
 public:
  GrpcReply() = default;
  // Adds a response message (a server-streaming method answers with each, in order).
  GrpcReply& message(nlohmann::json message, std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  GrpcReply& status(GrpcStatus code, std::string message = {});
  // A google.protobuf.Any in its JSON mapping ({"@type": "type.googleapis.com/pkg.Type", ...}),
  // sent inside google.rpc.Status in the `grpc-status-details-bin` trailer. Its type must be
  // among the server's loaded descriptors.
  GrpcReply& detail(nlohmann::json any);
  // Response metadata, sent with the response headers; trailing metadata, sent with the status.
  GrpcReply& header(std::string name, std::string value);
  GrpcReply& trailer(std::string name, std::string value);

  const std::vector<GrpcMessage>& messages() const { return messages_; }
  GrpcStatus status() const { return status_; }
  const std::string& status_message() const { return status_message_; }
  const std::vector<nlohmann::json>& details() const { return details_; }
  const Headers& headers() const { return headers_; }
  const Headers& trailers() const { return trailers_; }

  // The wire form above; from_json throws DocumentError naming the field.
  nlohmann::json to_json() const;
  static GrpcReply from_json(const nlohmann::json& document, const std::string& pointer = "");

 private:
  std::vector<GrpcMessage> messages_;
  GrpcStatus status_ = GrpcStatus::ok;
  std::string status_message_;
  std::vector<nlohmann::json> details_;
  Headers headers_;
  Headers trailers_;
};

// A C++ callback that builds the reply to each gRPC call the stub wins (respond_with_grpc). It
// runs on a serving thread (so it must be thread-safe), sees the call with its request message
// as JSON in `body` (nlohmann::json::parse(call.body)), and may throw: the call then ends
// UNKNOWN naming the stub and the exception. Its reply is encoded as it is made; one that does
// not fit the method's output type ends the call the same way.
using GrpcResponder = std::function<GrpcReply(const RecordedRequest& call)>;

}  // namespace mockhttp
