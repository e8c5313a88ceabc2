#include "grpc/server_reflection.hpp"

#include <set>
#include <vector>

#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include "grpc/message_frames.hpp"
#include "grpc/status_fields.hpp"

namespace mockhttp::detail {

namespace {

using google::protobuf::FileDescriptor;
using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedInputStream;

// ServerReflectionRequest's fields: host = 1; and one of file_by_filename = 3,
// file_containing_symbol = 4, file_containing_extension = 5 (containing_type = 1,
// extension_number = 2), all_extension_numbers_of_type = 6, list_services = 7.
struct ReflectionRequest {
  std::string host;
  int asked = 0;  // the field number of what was asked
  std::string text;
  std::string containing_type;
  int extension_number = 0;
};

bool read_extension_request(const std::string& bytes, ReflectionRequest& request) {
  CodedInputStream in(reinterpret_cast<const std::uint8_t*>(bytes.data()), static_cast<int>(bytes.size()));
  while (const std::uint32_t tag = in.ReadTag()) {
    const int field = static_cast<int>(tag >> 3);
    if (field == 1 && (tag & 7) == 2) {
      if (!WireFormatLite::ReadString(&in, &request.containing_type)) return false;
    } else if (field == 2 && (tag & 7) == 0) {
      std::uint32_t number = 0;
      if (!in.ReadVarint32(&number)) return false;
      request.extension_number = static_cast<int>(number);
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return false;
    }
  }
  return in.ConsumedEntireMessage();
}

bool read_request(const std::string& bytes, ReflectionRequest& request) {
  CodedInputStream in(reinterpret_cast<const std::uint8_t*>(bytes.data()), static_cast<int>(bytes.size()));
  while (const std::uint32_t tag = in.ReadTag()) {
    const int field = static_cast<int>(tag >> 3);
    if ((tag & 7) == 2 && field >= 1 && field <= 7 && field != 2) {
      std::string value;
      if (!WireFormatLite::ReadString(&in, &value)) return false;
      if (field == 1) {
        request.host = std::move(value);
        continue;
      }
      request.asked = field;
      if (field == 5) {
        if (!read_extension_request(value, request)) return false;
      } else {
        request.text = std::move(value);
      }
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return false;
    }
  }
  return in.ConsumedEntireMessage();
}

void put_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

void put_bytes(std::string& out, int field, std::string_view bytes) {
  put_varint(out, static_cast<std::uint64_t>(field) << 3 | 2);
  put_varint(out, bytes.size());
  out.append(bytes.data(), bytes.size());
}

void put_number(std::string& out, int field, std::uint64_t value) {
  put_varint(out, static_cast<std::uint64_t>(field) << 3);
  put_varint(out, value);
}

// FileDescriptorResponse { repeated bytes file_descriptor_proto = 1 }: the file and every file
// it imports, so the client can build its pool from one answer.
std::string files_answer(const FileDescriptor* file) {
  std::string out;
  std::set<const FileDescriptor*> sent;
  std::vector<const FileDescriptor*> queue{file};
  while (!queue.empty()) {
    const FileDescriptor* next = queue.back();
    queue.pop_back();
    if (!sent.insert(next).second) continue;
    google::protobuf::FileDescriptorProto proto;
    next->CopyTo(&proto);
    put_bytes(out, 1, proto.SerializeAsString());
    for (int i = 0; i < next->dependency_count(); ++i) queue.push_back(next->dependency(i));
  }
  return out;
}

// ErrorResponse { int32 error_code = 1; string error_message = 2 }.
std::string error_answer_of(GrpcStatus code, const std::string& message) {
  std::string out;
  put_number(out, 1, static_cast<std::uint64_t>(code));
  put_bytes(out, 2, message);
  return out;
}

// The answer's one-of field for what `read` asked.
std::string answer_to(const ProtoCatalog& catalog, const ReflectionRequest& read) {
  const auto& pool = catalog.pool();
  std::string out;
  switch (read.asked) {
    case 3:
      if (const FileDescriptor* file = pool.FindFileByName(read.text)) {
        put_bytes(out, 4, files_answer(file));
        return out;
      }
      put_bytes(out, 7, error_answer_of(GrpcStatus::not_found, "no loaded file is named " + read.text));
      return out;
    case 4:
      if (const FileDescriptor* file = pool.FindFileContainingSymbol(read.text)) {
        put_bytes(out, 4, files_answer(file));
        return out;
      }
      put_bytes(out, 7, error_answer_of(GrpcStatus::not_found, "no loaded file defines " + read.text));
      return out;
    case 5: {
      const auto* type = pool.FindMessageTypeByName(read.containing_type);
      const auto* extension = type ? pool.FindExtensionByNumber(type, read.extension_number) : nullptr;
      if (extension) {
        put_bytes(out, 4, files_answer(extension->file()));
        return out;
      }
      put_bytes(out, 7,
                error_answer_of(GrpcStatus::not_found, "no extension " + std::to_string(read.extension_number) +
                                                           " of " + read.containing_type + " is loaded"));
      return out;
    }
    case 6: {
      const auto* type = pool.FindMessageTypeByName(read.text);
      if (!type) {
        put_bytes(out, 7, error_answer_of(GrpcStatus::not_found, "no loaded message is named " + read.text));
        return out;
      }
      // ExtensionNumberResponse { base_type_name = 1; repeated int32 extension_number = 2 }.
      std::vector<const google::protobuf::FieldDescriptor*> extensions;
      pool.FindAllExtensions(type, &extensions);
      std::string numbers;
      put_bytes(numbers, 1, read.text);
      for (const auto* extension : extensions) put_number(numbers, 2, static_cast<std::uint64_t>(extension->number()));
      put_bytes(out, 5, numbers);
      return out;
    }
    case 7: {
      // ListServiceResponse { repeated ServiceResponse service = 1 { string name = 1 } }.
      std::set<std::string> services;
      for (const auto& method : catalog.methods()) services.insert(method.substr(0, method.find('/')));
      std::string listed;
      for (const auto& name : services) {
        std::string service;
        put_bytes(service, 1, name);
        put_bytes(listed, 1, service);
      }
      put_bytes(out, 6, listed);
      return out;
    }
    default:
      put_bytes(out, 7, error_answer_of(GrpcStatus::unimplemented, "this reflection request is not known"));
      return out;
  }
}

}  // namespace

bool is_reflection_method(std::string_view path) {
  return path == "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo" ||
         path == "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";
}

ServerReflection::ServerReflection(const ProtoCatalog& catalog, std::function<void(GrpcAnswer)> ended)
    : catalog_(catalog), ended_(std::move(ended)) {}

ServerReflection::~ServerReflection() {
  if (!over_) ended_(GrpcAnswer{});  // the client went away first
}

ConversationStep ServerReflection::receive(std::string_view bytes) {
  if (over_) return {};
  pending_.append(bytes.data(), bytes.size());
  std::vector<std::string> requests;
  const auto problem = take_whole_frames(pending_, received_ + 1, requests);
  ConversationStep step;
  for (const auto& request : requests) {
    ++received_;
    ReflectionRequest read;
    if (!read_request(request, read)) {
      step.append(end(GrpcStatus::internal, "message " + std::to_string(received_) +
                                                " is not a valid grpc.reflection ServerReflectionRequest"));
      return step;
    }
    // ServerReflectionResponse { valid_host = 1; original_request = 2; one of the answers }.
    std::string response;
    put_bytes(response, 1, read.host);
    put_bytes(response, 2, request);
    response += answer_to(catalog_, read);
    step.parts.push_back({std::chrono::milliseconds(0), frame_message(response)});
  }
  if (problem)
    step.append(end(problem->over_limit ? GrpcStatus::resource_exhausted : GrpcStatus::internal, problem->text));
  return step;
}

ConversationStep ServerReflection::finish() {
  if (over_) return {};
  return end(GrpcStatus::ok, "");
}

ConversationStep ServerReflection::end(GrpcStatus status, const std::string& message) {
  over_ = true;
  ConversationStep step;
  step.ending = status_fields(status, message, {});
  GrpcAnswer answer;
  answer.status = status;
  answer.status_message = message;
  ended_(std::move(answer));
  return step;
}

}  // namespace mockhttp::detail
