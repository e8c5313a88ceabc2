#pragma once
// GrpcStatus: gRPC's status codes, a model value of their own because a stub's reply, a chaos
// fault and the journal's record of a call's answer all speak of them.
// Thread safety: an enum and pure functions.
#include <optional>
#include <string>

namespace mockhttp {

// gRPC's status codes (their numbers are the wire's `grpc-status`).
enum class GrpcStatus : int {
  ok = 0,
  cancelled = 1,
  unknown = 2,
  invalid_argument = 3,
  deadline_exceeded = 4,
  not_found = 5,
  already_exists = 6,
  permission_denied = 7,
  resource_exhausted = 8,
  failed_precondition = 9,
  aborted = 10,
  out_of_range = 11,
  unimplemented = 12,
  internal = 13,
  unavailable = 14,
  data_loss = 15,
  unauthenticated = 16,
};
// "NOT_FOUND" for not_found: the name gRPC's documents and every client print.
std::string grpc_status_name(GrpcStatus status);
// The status of a name ("NOT_FOUND", any case) or of its number ("5"); nullopt for neither.
std::optional<GrpcStatus> grpc_status_named(const std::string& name_or_number);

}  // namespace mockhttp
