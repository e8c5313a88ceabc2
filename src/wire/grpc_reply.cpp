#include <mockhttp/grpc_reply.hpp>

#include "exchange/trailer_fields.hpp"
#include "wire/wire_object.hpp"

namespace mockhttp {

using Json = nlohmann::json;

namespace {

// Metadata names are lowercase on the wire; a `grpc-` name belongs to the protocol itself.
void require_metadata_name(const std::string& name, const std::string& pointer) {
  if (name.empty()) detail::WireObject::fail_at(pointer, "a metadata name must not be empty");
  if (name.rfind("grpc-", 0) == 0) {
    detail::WireObject::fail_at(
        pointer, "\"" + name + "\" is reserved by gRPC (status, message and details have fields of their own)");
  }
}

Json metadata_json(const Headers& fields) {
  Json out = Json::object();
  for (const auto& [name, value] : fields) out[name] = value;
  return out;
}

}  // namespace

GrpcReply& GrpcReply::message(Json message, std::chrono::milliseconds delay) {
  // message({}) is the empty message, not null.
  messages_.push_back({message.is_null() ? Json::object() : std::move(message), delay});
  return *this;
}
GrpcReply& GrpcReply::status(GrpcStatus code, std::string message) {
  status_ = code;
  status_message_ = std::move(message);
  return *this;
}
GrpcReply& GrpcReply::detail(Json any) {
  details_.push_back(std::move(any));
  return *this;
}
GrpcReply& GrpcReply::header(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}
GrpcReply& GrpcReply::trailer(std::string name, std::string value) {
  trailers_.emplace_back(std::move(name), std::move(value));
  return *this;
}

Json GrpcReply::to_json() const {
  Json messages = Json::array();
  for (const auto& item : messages_) {
    if (item.delay.count() == 0) {
      messages.push_back({{"message", item.message}});
    } else {
      messages.push_back({{"message", item.message}, {"delay_ms", item.delay.count()}});
    }
  }
  Json out = {{"messages", messages}, {"status", grpc_status_name(status_)}};
  if (!status_message_.empty()) out["status_message"] = status_message_;
  if (!details_.empty()) out["details"] = details_;
  if (!headers_.empty()) out["headers"] = metadata_json(headers_);
  if (!trailers_.empty()) out["trailers"] = metadata_json(trailers_);
  return out;
}

GrpcReply GrpcReply::from_json(const Json& document, const std::string& pointer) {
  const detail::WireObject fields(
      document, pointer, {"messages", "status", "status_message", "details", "headers", "trailers"}, "action.grpc");
  GrpcReply reply;
  if (fields.has("messages")) {
    const Json& messages = fields.at("messages");
    if (!messages.is_array()) fields.fail("messages", "messages must be an array of messages");
    for (std::size_t i = 0; i < messages.size(); ++i) {
      const std::string at = detail::pointer_append(fields.pointer("messages"), i);
      const Json& item = messages[i];
      // Either the message itself, or {"message": ..., "delay_ms": N} to wait before it.
      if (item.is_object() && item.contains("message")) {
        const detail::WireObject entry(item, at, {"message", "delay_ms"}, "a gRPC message");
        if (!entry.at("message").is_object())
          entry.fail("message", "message must be an object (protobuf's JSON mapping)");
        reply.message(entry.at("message"), std::chrono::milliseconds(entry.integer_or("delay_ms", 0, 0)));
      } else if (item.is_object()) {
        reply.message(item);
      } else {
        detail::WireObject::fail_at(
            at, "a message must be an object (protobuf's JSON mapping), got " + detail::type_name(item));
      }
    }
  }
  if (fields.has("status")) {
    const Json& status = fields.at("status");
    std::optional<GrpcStatus> code;
    if (status.is_string()) code = grpc_status_named(status.get<std::string>());
    if (status.is_number_unsigned()) code = grpc_status_named(std::to_string(status.get<std::uint64_t>()));
    if (!code) {
      fields.fail("status",
                  "status must be a gRPC status name (\"NOT_FOUND\") or its number 0-16, got " + status.dump());
    }
    reply.status_ = *code;
  }
  reply.status_message_ = fields.string_or("status_message", "");
  if (fields.has("details")) {
    const Json& details = fields.at("details");
    if (!details.is_array()) fields.fail("details", "details must be an array of google.protobuf.Any in JSON");
    for (std::size_t i = 0; i < details.size(); ++i) {
      if (!details[i].is_object() || !details[i].contains("@type") || !details[i]["@type"].is_string()) {
        detail::WireObject::fail_at(detail::pointer_append(fields.pointer("details"), i),
                                    "a detail is a google.protobuf.Any in JSON: an object with \"@type\"");
      }
      reply.details_.push_back(details[i]);
    }
  }
  for (const char* key : {"headers", "trailers"}) {
    for (auto& [name, value] : fields.string_map_or_empty(key)) {
      const std::string at = detail::pointer_append(fields.pointer(key), name);
      require_metadata_name(name, at);
      if (auto problem = detail::why_not_a_trailer(name, value)) detail::WireObject::fail_at(at, *problem);
      (std::string(key) == "headers" ? reply.headers_ : reply.trailers_).emplace_back(name, value);
    }
  }
  return reply;
}

}  // namespace mockhttp
