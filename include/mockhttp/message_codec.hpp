#pragma once
// MessageCodec: a protocol's message codec a server uses for the requests of that protocol —
// today gRPC's (mockhttp/grpc.hpp, library mockhttp::grpc: GrpcServices). The codec turns a
// call's message bodies into JSON before stubs are selected, so the same criteria, ranking,
// journal and verification serve it, and encodes the JSON answers of stubs when they are
// mounted. Hand it to a server through ServerOptions::message_codecs:
//
//   auto greeter = GrpcServices::from_protos({"greeter.proto"}, {"protos"});
//   ServerOptions options;
//   options.message_codecs = {greeter};
//   MockServer server(options);
//
// The class is opaque here so that the engine library needs none of a codec's dependencies.
// Thread safety: a codec is immutable once made and may be shared by any number of servers.
#include <string>

namespace mockhttp {

class MessageCodec {
 public:
  virtual ~MessageCodec() = default;
  // "grpc".
  virtual std::string name() const = 0;

 protected:
  MessageCodec() = default;
};

}  // namespace mockhttp
