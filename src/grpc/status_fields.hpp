#pragma once
// A gRPC status as the fields that carry it: `grpc-status`, `grpc-message` (percent-encoded, as
// the protocol asks) and `grpc-status-details-bin` (google.rpc.Status, base64). They go in the
// trailers, or in the headers of a trailers-only answer.
// Thread safety: pure functions.
#include <string>
#include <string_view>
#include <vector>

#include <mockhttp/grpc_reply.hpp>

namespace mockhttp::detail {

// `grpc-message`'s encoding: bytes outside printable ASCII, and '%', as %XX.
std::string percent_encode_grpc_message(std::string_view text);
// And back: %XX to its byte; a '%' without two hex digits after it stays.
std::string percent_decode_grpc_message(std::string_view text);

// google.rpc.Status {code = 1; message = 2; repeated google.protobuf.Any details = 3}, written
// by hand (three fields of protobuf's wire format): `details` are Any messages already encoded.
std::string encode_rpc_status(GrpcStatus code, std::string_view message, const std::vector<std::string>& details);

// The fields, with the details' google.rpc.Status only when there are details.
Headers status_fields(GrpcStatus code, const std::string& message, const std::vector<std::string>& encoded_details);

}  // namespace mockhttp::detail
