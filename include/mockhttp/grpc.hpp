#pragma once
// gRPC services to mock, from .proto files, a descriptor set or generated types — no code
// generation needed (library mockhttp::grpc: protobuf and libprotoc; it links mockhttp::http2,
// since gRPC is HTTP/2). docs/grpc.md says it all; in short:
//
//   #include <mockhttp/grpc.hpp>
//   auto greeter = GrpcServices::from_protos({"greeter.proto"}, {"protos"});
//   ServerOptions options;
//   options.message_codecs = {greeter};
//   MockServer server(options);
//   server.when_requested_with(grpc_method("helloworld.Greeter/SayHello", key_values({{"name", "world"}})))
//         .respond_with_grpc(GrpcReply{}.message({{"message", "Hello, world"}}));
//
// A call is a request like any other: the request message becomes JSON (protobuf's JSON
// mapping: lowerCamelCase names, int64 as strings, enums by name, every field present) before
// stubs are selected, so criteria, ranking, scopes, chaos, the journal and verification are
// HTTP's. A call no stub matches ends UNIMPLEMENTED with the closest stubs in grpc-message.
// Thread safety: a GrpcServices is immutable once made; share it among servers and threads.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <mockhttp/errors.hpp>
#include <mockhttp/grpc_reply.hpp>
#include <mockhttp/message_codec.hpp>
#include <mockhttp/request.hpp>

namespace google::protobuf {
class FileDescriptor;
class Message;
}  // namespace google::protobuf

namespace mockhttp {

class GrpcServices : public virtual MessageCodec {
 public:
  // Each throws ProtoLoadError naming the file and the line, column or symbol at fault.
  // .proto files parsed now; `import_paths` are the roots their names and imports are under
  // (protoc's -I; none: each file's own folder). google/protobuf/*.proto import as they are.
  static std::shared_ptr<const GrpcServices> from_protos(const std::vector<std::string>& files,
                                                         const std::vector<std::string>& import_paths = {});
  // A FileDescriptorSet file: `protoc --descriptor_set_out=FILE --include_imports ...`.
  static std::shared_ptr<const GrpcServices> from_descriptor_set(const std::string& file);
  // Generated code's own descriptors, e.g. helloworld::HelloRequest::descriptor()->file().
  static std::shared_ptr<const GrpcServices> from_generated(
      const std::vector<const google::protobuf::FileDescriptor*>& files);

  // "helloworld.Greeter/SayHello" for each method of the services loaded.
  virtual std::vector<std::string> methods() const = 0;
};

// A message of a generated type in protobuf's JSON mapping, for GrpcReply::message() and criteria.
nlohmann::json grpc_json(const google::protobuf::Message& message);

}  // namespace mockhttp
