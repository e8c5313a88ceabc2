#include "grpc/grpc_codec.hpp"

#include <algorithm>

#include <google/protobuf/descriptor.h>

#include <mockhttp/errors.hpp>

#include "grpc/message_frames.hpp"
#include "grpc/server_reflection.hpp"
#include "grpc/status_fields.hpp"
#include "matching/request_fields.hpp"

namespace mockhttp::detail {

namespace {

using Json = nlohmann::json;

// grpc-message is a header value: a report is cut to this many bytes (the journal keeps all).
constexpr std::size_t kMaxStatusMessage = 2048;

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// gRPC's mapping of an HTTP status to the status a client reports (the protocol's
// http-grpc-status-mapping): how a gRPC client reads the engine's own HTTP errors.
GrpcStatus status_for_http(int http) {
  switch (http) {
    case 400:
      return GrpcStatus::internal;
    case 401:
      return GrpcStatus::unauthenticated;
    case 403:
      return GrpcStatus::permission_denied;
    case 404:
      return GrpcStatus::unimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return GrpcStatus::unavailable;
    default:
      return GrpcStatus::unknown;
  }
}

std::string cut(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  text.resize(limit - 3);
  return text + "...";
}

}  // namespace

DeliveryPlan grpc_status_answer(GrpcStatus code, const std::string& message) {
  DeliveryPlan plan;
  plan.status = 200;
  plan.headers = {{"content-type", "application/grpc"}};
  for (auto& field : status_fields(code, cut(message, kMaxStatusMessage), {})) plan.headers.push_back(std::move(field));
  return plan;
}

std::optional<std::chrono::milliseconds> read_grpc_timeout(const std::string& value) {
  if (value.size() < 2 || value.size() > 9) return std::nullopt;
  std::int64_t amount = 0;
  for (std::size_t i = 0; i + 1 < value.size(); ++i) {
    if (value[i] < '0' || value[i] > '9') return std::nullopt;
    amount = amount * 10 + (value[i] - '0');
  }
  using std::chrono::ceil;
  using std::chrono::milliseconds;
  switch (value.back()) {
    case 'H':
      return milliseconds(amount * 3600 * 1000);
    case 'M':
      return milliseconds(amount * 60 * 1000);
    case 'S':
      return milliseconds(amount * 1000);
    case 'm':
      return milliseconds(amount);
    case 'u':
      return ceil<milliseconds>(std::chrono::microseconds(amount));
    case 'n':
      return ceil<milliseconds>(std::chrono::nanoseconds(amount));
    default:
      return std::nullopt;
  }
}

std::optional<std::chrono::milliseconds> GrpcCodec::deadline(const RecordedRequest& request) const {
  const auto timeout = request.header("grpc-timeout");
  return timeout ? read_grpc_timeout(*timeout) : std::nullopt;
}

bool GrpcCodec::reads(const RecordedRequest& request) const {
  const auto type = request.header("content-type");
  if (!type) return false;
  const std::string value = lowercase(*type);
  // application/grpc, application/grpc+proto, with parameters or not; not gRPC-Web.
  return value == "application/grpc" || value.rfind("application/grpc+proto", 0) == 0 ||
         value.rfind("application/grpc;", 0) == 0;
}

std::optional<DeliveryPlan> GrpcCodec::decode(RecordedRequest& request) const {
  if (const auto timeout = request.header("grpc-timeout"); timeout && !read_grpc_timeout(*timeout)) {
    return grpc_status_answer(
        GrpcStatus::internal,
        "grpc-timeout \"" + *timeout + "\" is not a timeout (at most 8 digits, then H, M, S, m, u or n)");
  }
  const auto* method = catalog_->method(request.path);
  if (!method) return std::nullopt;  // no loaded service has it: no stub can match, UNIMPLEMENTED says so
  const std::string type = method->input_type()->full_name();
  const FrameReading frames = read_frames(request.body);
  if (frames.problem) {
    return grpc_status_answer(frames.over_limit ? GrpcStatus::resource_exhausted : GrpcStatus::internal,
                              "the request of " + request.path.substr(1) + ": " + *frames.problem);
  }
  const auto encoding = request.header("grpc-encoding");
  Json messages = Json::array();
  for (std::size_t i = 0; i < frames.messages.size(); ++i) {
    const FramedMessage& frame = frames.messages[i];
    const std::string where = "message " + std::to_string(i + 1) + " at byte " + std::to_string(frame.offset);
    if (frame.compressed) {
      if (!encoding || *encoding == "identity") {
        return grpc_status_answer(GrpcStatus::internal,
                                  where + " is flagged compressed, and the call has no grpc-encoding");
      }
      return grpc_status_answer(GrpcStatus::unimplemented,
                                where + " is compressed with " + *encoding + "; mockhttp reads uncompressed messages");
    }
    std::string json, problem;
    if (!catalog_->to_json(type, frame.bytes, json, problem)) {
      return grpc_status_answer(GrpcStatus::internal, where + " is not a valid " + type + ": " + problem);
    }
    messages.push_back(Json::parse(json));
  }
  if (method->client_streaming()) {
    request.body = messages.dump();
  } else if (messages.size() == 1) {
    request.body = messages[0].dump();
  } else {
    return grpc_status_answer(
        GrpcStatus::internal,
        request.path.substr(1) + " takes one request message, the call sent " + std::to_string(messages.size()));
  }
  return std::nullopt;
}

DeliveryPlan GrpcCodec::encode(const GrpcReply& reply, const Request& matcher) const {
  const auto& path = RequestFields::path_pattern(matcher);
  if (!path) {
    throw StubError(
        "action.grpc: the stub's request names no method (match it with grpc_method(\"package.Service/Method\"))");
  }
  const auto* method = catalog_->method(*path);
  if (!method) {
    std::string known;
    for (const auto& name : catalog_->methods()) known += (known.empty() ? "" : ", ") + name;
    throw StubError("action.grpc: no loaded service has the method " + path->substr(path->empty() ? 0 : 1) +
                    " (loaded: " + (known.empty() ? "none" : known) + ")");
  }
  if (!method->server_streaming() && reply.messages().size() > 1) {
    throw StubError("action.grpc.messages: " + method->full_name() + " answers one message, the reply has " +
                    std::to_string(reply.messages().size()));
  }
  if (reply.status() == GrpcStatus::ok && reply.messages().empty() && !method->server_streaming()) {
    throw StubError("action.grpc.messages: " + method->full_name() +
                    " answers one message when its status is OK; give a message or a status");
  }
  const std::string type = method->output_type()->full_name();
  DeliveryPlan plan;
  plan.status = 200;
  plan.headers = {{"content-type", "application/grpc"}};
  for (const auto& [name, value] : reply.headers()) plan.headers.emplace_back(lowercase(name), value);
  for (std::size_t i = 0; i < reply.messages().size(); ++i) {
    std::string binary, problem;
    if (!catalog_->to_binary(type, reply.messages()[i].message.dump(), binary, problem)) {
      throw StubError("action.grpc.messages[" + std::to_string(i) + "]: not a " + type + ": " + problem);
    }
    plan.parts.push_back({reply.messages()[i].delay, frame_message(binary)});
  }
  std::vector<std::string> details;
  for (std::size_t i = 0; i < reply.details().size(); ++i) {
    std::string any, problem;
    if (!catalog_->to_binary("google.protobuf.Any", reply.details()[i].dump(), any, problem)) {
      throw StubError("action.grpc.details[" + std::to_string(i) + "]: " + problem +
                      " (its @type must be a message of the loaded descriptors)");
    }
    details.push_back(std::move(any));
  }
  Headers status = status_fields(reply.status(), reply.status_message(), details);
  for (const auto& [name, value] : reply.trailers()) status.emplace_back(lowercase(name), value);
  if (plan.parts.empty() && reply.status() != GrpcStatus::ok) {
    // Trailers-only, as gRPC servers answer a call that fails before any message.
    for (auto& field : status) plan.headers.push_back(std::move(field));
    return plan;
  }
  plan.framing = DeliveryPlan::Framing::streamed;
  plan.trailers = std::move(status);
  return plan;
}

DeliveryPlan GrpcCodec::unmatched(const RecordedRequest& request, const std::vector<NearMiss>& closest) const {
  std::string message = "no stub matched " + request.path.substr(std::min<std::size_t>(1, request.path.size()));
  if (!catalog_->method(request.path)) message += " (no loaded service has this method)";
  if (!closest.empty()) {
    message += "; closest:";
    for (const auto& miss : closest) {
      message += " [" + miss.candidate + (miss.mounted_at.empty() ? "" : " at " + miss.mounted_at) + ":";
      for (const auto& mismatch : miss.mismatches) message += " " + mismatch.field + " " + mismatch.reason + ";";
      message += "]";
    }
  }
  return grpc_status_answer(GrpcStatus::unimplemented, message);
}

DeliveryPlan GrpcCodec::failure(DeliveryPlan error) const {
  const std::string said = error.server_error.value_or("mockhttp failed");
  const GrpcStatus code =
      said.rfind("DEADLINE_EXCEEDED", 0) == 0 ? GrpcStatus::deadline_exceeded : status_for_http(error.status);
  DeliveryPlan plan = grpc_status_answer(code, said);
  plan.delay = error.delay;
  return plan;
}

bool GrpcCodec::converses(const RecordedRequest& head) const {
  if (is_reflection_method(head.path)) return true;
  const auto* method = catalog_->method(head.path);
  return method && method->client_streaming() && method->server_streaming();
}

std::optional<GrpcReply> GrpcCodec::take_messages(std::string& pending, const RecordedRequest& call,
                                                  std::size_t first_number, std::vector<std::string>& messages) const {
  const auto* method = catalog_->method(call.path);
  if (!method) return GrpcReply{}.status(GrpcStatus::unimplemented, "no loaded service has " + call.path.substr(1));
  const std::string type = method->input_type()->full_name();
  std::vector<std::string> frames;
  const auto problem = take_whole_frames(pending, first_number, frames);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    std::string json, why;
    if (!catalog_->to_json(type, frames[i], json, why)) {
      return GrpcReply{}.status(GrpcStatus::internal,
                                "message " + std::to_string(first_number + i) + " is not a valid " + type + ": " + why);
    }
    messages.push_back(std::move(json));
  }
  if (!problem) return std::nullopt;
  const GrpcStatus code = problem->over_limit   ? GrpcStatus::resource_exhausted
                          : problem->compressed ? GrpcStatus::unimplemented
                                                : GrpcStatus::internal;
  return GrpcReply{}.status(code, problem->text);
}

ConversationStep GrpcCodec::encode_step(const GrpcReply& reply, const Request& matcher, bool ends) const {
  DeliveryPlan plan = encode(reply, matcher);
  ConversationStep step;
  step.parts = std::move(plan.parts);
  if (!ends && reply.status() == GrpcStatus::ok) return step;
  if (!plan.trailers.empty()) {
    step.ending = std::move(plan.trailers);
    return step;
  }
  // A trailers-only answer put its status among the headers; within a conversation the head
  // has gone, so it ends the call as trailers.
  Headers ending;
  for (auto& field : plan.headers) {
    const bool metadata = std::any_of(reply.trailers().begin(), reply.trailers().end(), [&field](const auto& trailer) {
      return lowercase(trailer.first) == field.first;
    });
    if (field.first.rfind("grpc-", 0) == 0 || metadata) ending.push_back(std::move(field));
  }
  step.ending = std::move(ending);
  return step;
}

std::shared_ptr<Conversation> GrpcCodec::built_in_conversation(const RecordedRequest& head,
                                                               std::function<void(GrpcAnswer)> ended) const {
  if (!is_reflection_method(head.path)) return nullptr;
  return std::make_shared<ServerReflection>(*catalog_, std::move(ended));
}

DeliveryPlan GrpcCodec::conversation_head(const GrpcReply& reply) const {
  DeliveryPlan head;
  head.status = 200;
  head.headers = {{"content-type", "application/grpc"}};
  for (const auto& [name, value] : reply.headers()) head.headers.emplace_back(lowercase(name), value);
  head.framing = DeliveryPlan::Framing::streamed;
  return head;
}

void GrpcCodec::note_status(const DeliveryPlan& answer, GrpcAnswer& noted) const {
  if (answer.fault || answer.cut_short) return;
  // Trailers carry the status; a trailers-only answer carries it in its headers.
  const Headers& fields = answer.trailers.empty() ? answer.headers : answer.trailers;
  for (const auto& [name, value] : fields) {
    if (name == "grpc-status") noted.status = grpc_status_named(value);
    if (name == "grpc-message") noted.status_message = percent_decode_grpc_message(value);
  }
}

}  // namespace mockhttp::detail
