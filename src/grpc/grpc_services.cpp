// The public face of mockhttp::grpc (mockhttp/grpc.hpp): how services are loaded.
#include <mockhttp/grpc.hpp>

#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

#include "grpc/grpc_codec.hpp"

namespace mockhttp {

std::shared_ptr<const GrpcServices> GrpcServices::from_protos(const std::vector<std::string>& files,
                                                              const std::vector<std::string>& import_paths) {
  auto catalog = std::make_unique<detail::ProtoCatalog>();
  catalog->load_protos(files, import_paths);
  return std::make_shared<const detail::GrpcCodec>(std::move(catalog));
}

std::shared_ptr<const GrpcServices> GrpcServices::from_descriptor_set(const std::string& file) {
  auto catalog = std::make_unique<detail::ProtoCatalog>();
  catalog->load_descriptor_set(file);
  return std::make_shared<const detail::GrpcCodec>(std::move(catalog));
}

std::shared_ptr<const GrpcServices> GrpcServices::from_generated(
    const std::vector<const google::protobuf::FileDescriptor*>& files) {
  auto catalog = std::make_unique<detail::ProtoCatalog>();
  for (const auto* file : files) catalog->add_generated(file);
  return std::make_shared<const detail::GrpcCodec>(std::move(catalog));
}

nlohmann::json grpc_json(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok())
    throw DocumentError("", "a " + message.GetTypeName() + " in JSON: " + std::string(status.message()));
  return nlohmann::json::parse(json);
}

}  // namespace mockhttp
