#include <mockhttp/grpc_status.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace mockhttp {

namespace {

// Indexed by the code's number.
constexpr std::array<const char*, 17> kStatusNames = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};

}  // namespace

std::string grpc_status_name(GrpcStatus status) {
  const auto number = static_cast<std::size_t>(status);
  return number < kStatusNames.size() ? kStatusNames[number] : std::to_string(number);
}

std::optional<GrpcStatus> grpc_status_named(const std::string& name_or_number) {
  std::string upper = name_or_number;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
    if (upper == kStatusNames[i] || upper == std::to_string(i)) return static_cast<GrpcStatus>(i);
  }
  return std::nullopt;
}

}  // namespace mockhttp
