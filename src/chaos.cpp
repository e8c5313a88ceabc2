#include <mockhttp/chaos.hpp>

#include <cmath>

#include <mockhttp/errors.hpp>

namespace mockhttp {

using Json = nlohmann::json;

namespace {

struct FaultNaming {
  FaultKind kind;
  const char* name;
};
constexpr FaultNaming kFaultNames[] = {
    {FaultKind::connection_drop, "connection_drop"},
    {FaultKind::empty_response, "empty_response"},
    {FaultKind::connection_reset, "connection_reset"},
    {FaultKind::malformed_chunk, "malformed_chunk"},
    {FaultKind::random_data_then_close, "random_data_then_close"},
};

void require_non_negative(std::int64_t value, const char* field) {
  if (value < 0) throw StubError(std::string(field) + " must be >= 0, got " + std::to_string(value));
}

}  // namespace

std::string fault_name(FaultKind kind) {
  for (const auto& naming : kFaultNames) {
    if (naming.kind == kind) return naming.name;
  }
  return "unknown";
}

std::optional<FaultKind> fault_from_name(const std::string& name) {
  for (const auto& naming : kFaultNames) {
    if (name == naming.name) return naming.kind;
  }
  return std::nullopt;
}

void Chaos::validate() const {
  if (latency) {
    require_non_negative(latency->base_ms, "chaos.latency.base_ms");
    require_non_negative(latency->jitter_ms, "chaos.latency.jitter_ms");
  }
  if (fault) {
    const double p = fault->probability;
    if (std::isnan(p) || p < 0.0 || p > 1.0) {
      throw StubError("chaos.faults." + fault_name(fault->kind) + ".probability must be in [0, 1], got " +
                      (std::isnan(p) ? std::string("NaN") : Json(p).dump()));
    }
  }
  if (dribble) {
    if (dribble->chunks < 1) {
      throw StubError("chaos.dribble.chunks must be >= 1, got " + std::to_string(dribble->chunks));
    }
    require_non_negative(dribble->duration_ms, "chaos.dribble.duration_ms");
  }
}

Json Chaos::to_json() const {
  Json out = Json::object();
  if (latency) out["latency"] = {{"base_ms", latency->base_ms}, {"jitter_ms", latency->jitter_ms}};
  if (fault) out["faults"] = {{fault_name(fault->kind), {{"probability", fault->probability}}}};
  if (dribble) out["dribble"] = {{"chunks", dribble->chunks}, {"duration_ms", dribble->duration_ms}};
  return out;
}

}  // namespace mockhttp
