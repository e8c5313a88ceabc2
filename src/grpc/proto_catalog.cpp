#include "grpc/proto_catalog.hpp"

#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <google/protobuf/compiler/importer.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <mockhttp/errors.hpp>

namespace mockhttp::detail {

namespace pb = google::protobuf;

namespace {

constexpr const char* kTypeUrlPrefix = "type.googleapis.com";

// The first problem the .proto parser reports, as "file:line:column: message".
class FirstParseError : public pb::compiler::MultiFileErrorCollector {
 public:
  void AddError(const std::string& file, int line, int column, const std::string& message) override {
    if (!first.empty()) return;
    first =
        file + (line >= 0 ? ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1) : "") + ": " + message;
  }
  std::string first;
};

// The first problem building a file reports, naming the symbol.
class FirstBuildError : public pb::DescriptorPool::ErrorCollector {
 public:
  void AddError(const std::string& file, const std::string& element, const pb::Message*, ErrorLocation,
                const std::string& message) override {
    if (first.empty()) first = (element.empty() ? file : element) + ": " + message;
  }
  std::string first;
};

std::string directory_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

bool readable(const std::string& path) { return std::ifstream(path).good(); }

}  // namespace

ProtoCatalog::ProtoCatalog()
    : pool_(std::make_unique<pb::DescriptorPool>(pb::DescriptorPool::generated_pool())),
      resolver_(pb::util::NewTypeResolverForDescriptorPool(kTypeUrlPrefix, pool_.get())) {}

ProtoCatalog::~ProtoCatalog() = default;

const pb::FileDescriptor* ProtoCatalog::build(const pb::FileDescriptorProto& file, const std::string& origin) {
  if (const auto* known = pool_->FindFileByName(file.name())) return known;
  FirstBuildError errors;
  const auto* built = pool_->BuildFileCollectingErrors(file, &errors);
  if (!built) throw ProtoLoadError(origin, errors.first.empty() ? "it does not build" : errors.first);
  return built;
}

void ProtoCatalog::load_protos(const std::vector<std::string>& files, const std::vector<std::string>& import_paths) {
  if (files.empty()) throw ProtoLoadError("", "no .proto file was named");
  pb::compiler::DiskSourceTree tree;
  std::vector<std::string> roots = import_paths;
  if (roots.empty()) {
    for (const auto& file : files) roots.push_back(directory_of(file));
  }
  for (const auto& root : roots) tree.MapPath("", root);
#ifdef MOCKHTTP_PROTOBUF_INCLUDE_DIR
  // google/protobuf/*.proto, which libprotobuf installs beside its headers.
  tree.MapPath("", MOCKHTTP_PROTOBUF_INCLUDE_DIR);
#endif
  FirstParseError errors;
  pb::compiler::Importer importer(&tree, &errors);
  std::set<std::string> copied;
  // Dependencies first, each once: our pool must see a file's imports before the file.
  std::function<void(const pb::FileDescriptor*, const std::string&)> copy = [&](const pb::FileDescriptor* file,
                                                                                const std::string& origin) {
    if (!copied.insert(file->name()).second) return;
    for (int i = 0; i < file->dependency_count(); ++i) copy(file->dependency(i), origin);
    pb::FileDescriptorProto proto;
    file->CopyTo(&proto);
    build(proto, origin);
  };
  for (const auto& file : files) {
    // A file on disk is named by its path under an import path; any other name is such a path.
    std::string virtual_name = file;
    std::string shadowing;
    if (readable(file) &&
        tree.DiskFileToVirtualFile(file, &virtual_name, &shadowing) != pb::compiler::DiskSourceTree::SUCCESS) {
      std::string listed;
      for (const auto& root : roots) listed += (listed.empty() ? "" : ", ") + root;
      throw ProtoLoadError(file, "the file is under none of the import paths (" + listed + ")");
    }
    const pb::FileDescriptor* parsed = importer.Import(virtual_name);
    if (!parsed) {
      throw ProtoLoadError(file, errors.first.empty() ? "no such file under the import paths" : errors.first);
    }
    copy(parsed, file);
    files_.push_back(pool_->FindFileByName(parsed->name()));
  }
}

void ProtoCatalog::load_descriptor_set(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ProtoLoadError(file, "the file cannot be read");
  std::stringstream bytes;
  bytes << in.rdbuf();
  pb::FileDescriptorSet set;
  if (!set.ParseFromString(bytes.str())) {
    throw ProtoLoadError(file, "not a FileDescriptorSet (make one with protoc --descriptor_set_out --include_imports)");
  }
  std::map<std::string, const pb::FileDescriptorProto*> by_name;
  for (const auto& proto : set.file()) by_name[proto.name()] = &proto;
  std::set<std::string> visiting;
  std::function<const pb::FileDescriptor*(const pb::FileDescriptorProto&)> load =
      [&](const pb::FileDescriptorProto& proto) -> const pb::FileDescriptor* {
    if (const auto* known = pool_->FindFileByName(proto.name())) return known;
    if (!visiting.insert(proto.name()).second) {
      throw ProtoLoadError(file, proto.name() + " imports itself through its dependencies");
    }
    for (const auto& dependency : proto.dependency()) {
      if (pool_->FindFileByName(dependency)) continue;
      const auto found = by_name.find(dependency);
      if (found == by_name.end()) {
        throw ProtoLoadError(file, proto.name() + " imports " + dependency +
                                       ", which the set does not hold (protoc --include_imports adds it)");
      }
      load(*found->second);
    }
    return build(proto, file);
  };
  for (const auto& proto : set.file()) files_.push_back(load(proto));
}

void ProtoCatalog::add_generated(const pb::FileDescriptor* file) {
  if (!file) throw ProtoLoadError("", "a null FileDescriptor");
  // Generated types live in the generated pool, which ours overlays: nothing to build.
  files_.push_back(file);
}

const pb::MethodDescriptor* ProtoCatalog::method(std::string_view path) const {
  if (path.empty() || path.front() != '/') return nullptr;
  const auto slash = path.rfind('/');
  if (slash == 0) return nullptr;
  const auto* service = pool_->FindServiceByName(std::string(path.substr(1, slash - 1)));
  return service ? service->FindMethodByName(std::string(path.substr(slash + 1))) : nullptr;
}

std::vector<std::string> ProtoCatalog::methods() const {
  std::vector<std::string> out;
  for (const auto* file : files_) {
    for (int s = 0; s < file->service_count(); ++s) {
      for (int m = 0; m < file->service(s)->method_count(); ++m) {
        out.push_back(file->service(s)->full_name() + "/" + file->service(s)->method(m)->name());
      }
    }
  }
  return out;
}

bool ProtoCatalog::to_json(const std::string& type, std::string_view binary, std::string& json,
                           std::string& problem) const {
  const pb::Descriptor* descriptor = pool_->FindMessageTypeByName(type);
  if (!descriptor) {
    problem = "the type is not among the loaded descriptors";
    return false;
  }
  {
    std::unique_ptr<pb::Message> message(factory_.GetPrototype(descriptor)->New());
    if (!message->ParseFromArray(binary.data(), static_cast<int>(binary.size()))) {
      problem = "its bytes do not parse as that type (a field's length or tag is wrong)";
      return false;
    }
  }
  pb::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;  // criteria on a zero value see it
  const auto status = pb::util::BinaryToJsonString(resolver_.get(), std::string(kTypeUrlPrefix) + "/" + type,
                                                   std::string(binary), &json, options);
  if (!status.ok()) problem = std::string(status.message());
  return status.ok();
}

bool ProtoCatalog::to_binary(const std::string& type, const std::string& json, std::string& binary,
                             std::string& problem) const {
  const auto status = pb::util::JsonToBinaryString(resolver_.get(), std::string(kTypeUrlPrefix) + "/" + type, json,
                                                   &binary, pb::util::JsonParseOptions());
  if (!status.ok()) problem = std::string(status.message());
  return status.ok();
}

}  // namespace mockhttp::detail
