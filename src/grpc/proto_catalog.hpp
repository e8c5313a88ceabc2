#pragma once
// The descriptors a server's gRPC services come from, in one pool: .proto files parsed at run
// time (protobuf's compiler::Importer), a FileDescriptorSet (`protoc --descriptor_set_out
// --include_imports`), or the descriptors of generated types linked into the program (the pool
// overlays protobuf's generated pool, so google/protobuf/*.proto and linked types resolve). It
// converts messages between the binary form and protobuf's JSON mapping by type name.
// Thread safety: built on one thread; afterwards every const member is safe from any thread.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/type_resolver.h>

namespace mockhttp::detail {

class ProtoCatalog {
 public:
  ProtoCatalog();
  ~ProtoCatalog();
  ProtoCatalog(const ProtoCatalog&) = delete;
  ProtoCatalog& operator=(const ProtoCatalog&) = delete;

  // Each throws ProtoLoadError naming the file and the line, column or symbol at fault.
  void load_protos(const std::vector<std::string>& files, const std::vector<std::string>& import_paths);
  void load_descriptor_set(const std::string& file);
  void add_generated(const google::protobuf::FileDescriptor* file);

  // The method a request path names ("/helloworld.Greeter/SayHello"), or null.
  const google::protobuf::MethodDescriptor* method(std::string_view path) const;
  // "helloworld.Greeter/SayHello" for each method of the loaded files' services.
  std::vector<std::string> methods() const;
  const google::protobuf::DescriptorPool& pool() const { return *pool_; }

  // Conversions by full type name ("helloworld.HelloRequest"); false with `problem` set when
  // the input is not a message of that type.
  bool to_json(const std::string& type, std::string_view binary, std::string& json, std::string& problem) const;
  bool to_binary(const std::string& type, const std::string& json, std::string& binary, std::string& problem) const;

 private:
  const google::protobuf::FileDescriptor* build(const google::protobuf::FileDescriptorProto& file,
                                                const std::string& origin);
  std::unique_ptr<google::protobuf::DescriptorPool> pool_;
  std::unique_ptr<google::protobuf::util::TypeResolver> resolver_;
  // Parses received bytes strictly (the JSON converter alone lets a truncated field through).
  mutable google::protobuf::DynamicMessageFactory factory_;
  std::vector<const google::protobuf::FileDescriptor*> files_;  // those loaded, in load order
};

}  // namespace mockhttp::detail
