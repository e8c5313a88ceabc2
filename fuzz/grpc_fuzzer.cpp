// gRPC's message codec under hostile bytes: the input is a call's body (length-prefixed
// messages) sent to a unary and to a client-streaming method of test/grpc/catalog.proto, read
// by the frame reader and decoded to JSON as the engine does before selection; a message that
// decodes is encoded back from its JSON, as a stub's reply would be. The same bytes also reach
// a bidirectional call's incremental reader (a conversation's), cut into pieces at the points
// the input's first byte picks, as DATA frames would bring them, and to server reflection's
// request reader.
#include "fuzz_input.hpp"

#include <memory>

#include <mockhttp/grpc.hpp>
#include <mockhttp/grpc_reply.hpp>
#include <mockhttp/recorded_request.hpp>

#include "core/call_codec.hpp"
#include "grpc/message_frames.hpp"
#include "grpc/proto_catalog.hpp"
#include "grpc/server_reflection.hpp"

namespace grpc_fuzz {

const mockhttp::detail::ProtoCatalog& catalog() {
  static const auto loaded = [] {
    auto made = std::make_unique<mockhttp::detail::ProtoCatalog>();
    made->load_protos({"catalog.proto"}, {MOCKHTTP_FUZZ_GRPC_PROTO_DIR});
    return made;
  }();
  return *loaded;
}

const mockhttp::detail::CallCodec& codec() {
  static const auto services = mockhttp::GrpcServices::from_protos({"catalog.proto"}, {MOCKHTTP_FUZZ_GRPC_PROTO_DIR});
  return dynamic_cast<const mockhttp::detail::CallCodec&>(*services);
}

}  // namespace grpc_fuzz

MOCKHTTP_FUZZ_TARGET(grpc) {
  const std::string body = mockhttp::fuzz::text_of(data, size);
  for (const char* path : {"/shop.v1.Catalog/GetItem", "/shop.v1.Catalog/AddItems"}) {
    mockhttp::RecordedRequest request;
    request.method = "POST";
    request.path = path;
    request.headers = {{"content-type", "application/grpc"}};
    request.body = body;
    const auto refusal = grpc_fuzz::codec().decode(request);
    if (refusal) {
      // A refusal is a status in the headers, never a body.
      if (!refusal->header("grpc-status") || !refusal->body.empty()) __builtin_trap();
      continue;
    }
    if (!nlohmann::json::accept(request.body)) __builtin_trap();  // decoded: valid JSON, or the codec is wrong
  }
  {
    mockhttp::RecordedRequest call;
    call.path = "/shop.v1.Catalog/Haggle";
    std::string pending;
    std::size_t received = 0;
    const std::size_t piece = body.empty() ? 1 : 1 + static_cast<unsigned char>(body[0]) % 64;
    for (std::size_t at = 0; at < body.size(); at += piece) {
      pending.append(body, at, piece);
      std::vector<std::string> messages;
      const auto refusal = grpc_fuzz::codec().take_messages(pending, call, received + 1, messages);
      for (const auto& message : messages) {
        if (!nlohmann::json::accept(message)) __builtin_trap();
      }
      received += messages.size();
      if (refusal) {
        if (refusal->status() == mockhttp::GrpcStatus::ok) __builtin_trap();  // a refusal is an error
        break;
      }
      // What stays is never a whole frame: the reader took every message it could.
      if (pending.size() >= 5) {
        const std::size_t length = (std::size_t(static_cast<unsigned char>(pending[1])) << 24) |
                                   (std::size_t(static_cast<unsigned char>(pending[2])) << 16) |
                                   (std::size_t(static_cast<unsigned char>(pending[3])) << 8) |
                                   std::size_t(static_cast<unsigned char>(pending[4]));
        if (pending.size() >= 5 + length) __builtin_trap();
      }
    }
  }
  {
    // Server reflection's hand-written reader: the same bytes as a reflection call's requests.
    mockhttp::detail::ServerReflection reflection(grpc_fuzz::catalog(), [](mockhttp::GrpcAnswer) {});
    mockhttp::detail::ConversationStep step = reflection.receive(body);
    step.append(reflection.finish());
    if (!step.ending) __builtin_trap();  // the call always ends
  }
  const auto frames = mockhttp::detail::read_frames(body, 1 << 16);
  for (const auto& frame : frames.messages) {
    std::string json, binary, problem;
    if (grpc_fuzz::catalog().to_json("shop.v1.Item", frame.bytes, json, problem)) {
      if (!grpc_fuzz::catalog().to_binary("shop.v1.Item", json, binary, problem)) __builtin_trap();
    }
  }
  return 0;
}
