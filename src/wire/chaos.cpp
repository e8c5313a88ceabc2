#include <mockhttp/chaos.hpp>

#include <algorithm>
#include <cmath>

#include <mockhttp/errors.hpp>

#include "wire/wire_object.hpp"

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
    {FaultKind::reset_stream, "reset_stream"},
    {FaultKind::grpc_status, "grpc_status"},
};

constexpr const char* kStreamErrorNames[] = {
    "NO_ERROR",
    "PROTOCOL_ERROR",
    "INTERNAL_ERROR",
    "FLOW_CONTROL_ERROR",
    "SETTINGS_TIMEOUT",
    "STREAM_CLOSED",
    "FRAME_SIZE_ERROR",
    "REFUSED_STREAM",
    "CANCEL",
    "COMPRESSION_ERROR",
    "CONNECT_ERROR",
    "ENHANCE_YOUR_CALM",
    "INADEQUATE_SECURITY",
    "HTTP_1_1_REQUIRED",
};

std::string known_stream_errors() {
  std::string out;
  for (const char* name : kStreamErrorNames) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

void require_non_negative(std::int64_t value, const char* field) {
  if (value < 0) throw StubError(std::string(field) + " must be >= 0, got " + std::to_string(value));
}

}  // namespace

std::string stream_error_name(StreamErrorCode code) {
  const auto index = static_cast<std::size_t>(code);
  return index < std::size(kStreamErrorNames) ? kStreamErrorNames[index] : "UNKNOWN(" + std::to_string(index) + ")";
}

std::optional<StreamErrorCode> stream_error_from_name(const std::string& name) {
  for (std::size_t i = 0; i < std::size(kStreamErrorNames); ++i) {
    if (name == kStreamErrorNames[i]) return static_cast<StreamErrorCode>(i);
  }
  return std::nullopt;
}

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

Latency lognormal(std::chrono::milliseconds median, double sigma, std::optional<std::chrono::milliseconds> max) {
  Latency latency;
  latency.distribution = LatencyDistribution::lognormal;
  latency.median = median;
  latency.sigma = sigma;
  latency.max = max;
  Chaos checked;
  checked.latency = latency;
  checked.validate();
  return latency;
}

Latency uniform_latency(std::chrono::milliseconds base, std::chrono::milliseconds jitter) {
  Latency latency{base, jitter};
  Chaos checked;
  checked.latency = latency;
  checked.validate();
  return latency;
}

void Chaos::validate() const {
  if (latency && latency->distribution == LatencyDistribution::lognormal) {
    const auto finite_non_negative = [](double value, const char* field) {
      if (!std::isfinite(value) || value < 0) {
        throw StubError(std::string(field) + " must be a finite number >= 0, got " +
                        (std::isnan(value) ? std::string("NaN") : Json(value).dump()));
      }
    };
    finite_non_negative(latency->median.count(), "chaos.latency.median_ms");
    finite_non_negative(latency->sigma, "chaos.latency.sigma");
    if (latency->max) require_non_negative(latency->max->count(), "chaos.latency.max_ms");
  } else if (latency) {
    require_non_negative(latency->base.count(), "chaos.latency.base_ms");
    require_non_negative(latency->jitter.count(), "chaos.latency.jitter_ms");
  }
  if (fault) {
    const double p = fault->probability;
    if (std::isnan(p) || p < 0.0 || p > 1.0) {
      throw StubError("chaos.faults." + fault_name(fault->kind) + ".probability must be in [0, 1], got " +
                      (std::isnan(p) ? std::string("NaN") : Json(p).dump()));
    }
    if (fault->kind == FaultKind::grpc_status && fault->grpc_status == GrpcStatus::ok) {
      throw StubError("chaos.faults.grpc_status.code must be an error status, got OK (a fault that succeeds is none)");
    }
  }
  if (dribble) {
    if (dribble->chunks < 1) {
      throw StubError("chaos.dribble.chunks must be >= 1, got " + std::to_string(dribble->chunks));
    }
    require_non_negative(dribble->duration.count(), "chaos.dribble.duration_ms");
  }
}

Json Chaos::to_json() const {
  Json out = Json::object();
  if (latency && latency->distribution == LatencyDistribution::lognormal) {
    out["latency"] = {{"distribution", "lognormal"}, {"median_ms", latency->median.count()}, {"sigma", latency->sigma}};
    if (latency->max) out["latency"]["max_ms"] = latency->max->count();
  } else if (latency) {
    out["latency"] = {{"base_ms", latency->base.count()}, {"jitter_ms", latency->jitter.count()}};
  }
  if (fault) {
    Json settings = {{"probability", fault->probability}};
    if (fault->kind == FaultKind::reset_stream) settings["error_code"] = stream_error_name(fault->reset_code);
    if (fault->kind == FaultKind::grpc_status) {
      settings["code"] = grpc_status_name(fault->grpc_status);
      if (!fault->grpc_message.empty()) settings["message"] = fault->grpc_message;
    }
    out["faults"] = {{fault_name(fault->kind), settings}};
  }
  if (dribble) out["dribble"] = {{"chunks", dribble->chunks}, {"duration_ms", dribble->duration.count()}};
  return out;
}

namespace {

Latency latency_from_json(const Json& document, const std::string& pointer) {
  const detail::WireObject fields(
      document, pointer, {"distribution", "base_ms", "jitter_ms", "median_ms", "sigma", "max_ms"}, "chaos.latency");
  const std::string distribution = fields.string_or("distribution", "uniform");
  if (distribution == "uniform") {
    for (const char* key : {"median_ms", "sigma", "max_ms"}) {
      if (fields.has(key))
        fields.fail(key,
                    std::string(key) + " belongs to the lognormal distribution (set \"distribution\": \"lognormal\")");
    }
    return Latency{fields.integer_or("base_ms", 0, 0), fields.integer_or("jitter_ms", 0, 0)};
  }
  if (distribution != "lognormal") {
    fields.fail("distribution", "unknown latency distribution \"" + distribution + "\" (known: uniform, lognormal)");
  }
  for (const char* key : {"base_ms", "jitter_ms"}) {
    if (fields.has(key))
      fields.fail(key, std::string(key) + " belongs to the uniform distribution; lognormal takes median_ms and sigma");
  }
  Latency latency;
  latency.distribution = LatencyDistribution::lognormal;
  if (!fields.has("median_ms")) fields.fail("median_ms", "median_ms is required for a lognormal latency");
  const double median_ms = fields.number_or("median_ms", 0);
  if (!(median_ms >= 0)) fields.fail("median_ms", "median_ms must be >= 0, got " + Json(median_ms).dump());
  latency.median = std::chrono::duration<double, std::milli>(median_ms);
  latency.sigma = fields.number_or("sigma", 0);
  if (!(latency.sigma >= 0)) fields.fail("sigma", "sigma must be >= 0, got " + Json(latency.sigma).dump());
  if (fields.has("max_ms")) latency.max = std::chrono::milliseconds(fields.integer("max_ms", 0));
  return latency;
}

// grpc_status's "code" (a name or number, UNAVAILABLE when absent) and "message".
void read_grpc_status_fault(const detail::WireObject& fields, Fault& fault) {
  for (const char* key : {"code", "message"}) {
    if (fields.has(key) && fault.kind != FaultKind::grpc_status) {
      fields.fail(key, std::string(key) + " applies to grpc_status only");
    }
  }
  if (fault.kind != FaultKind::grpc_status) return;
  if (fields.has("code")) {
    const Json& code = fields.at("code");
    std::optional<GrpcStatus> named;
    if (code.is_string()) named = grpc_status_named(code.get<std::string>());
    if (code.is_number_unsigned()) named = grpc_status_named(std::to_string(code.get<std::uint64_t>()));
    if (!named || *named == GrpcStatus::ok) {
      fields.fail("code",
                  "code must name a gRPC error status (\"UNAVAILABLE\", \"RESOURCE_EXHAUSTED\", ... or its "
                  "number 1-16), got " +
                      code.dump());
    }
    fault.grpc_status = *named;
  }
  fault.grpc_message = fields.string_or("message", "");
}

}  // namespace

Chaos Chaos::from_json(const Json& document, const std::string& pointer) {
  const detail::WireObject fields(document, pointer,
                                  {"latency", "faults", "dribble", "delay", "delay_ms", "jitter_ms", "connection_drop"},
                                  "chaos");
  if (fields.has("connection_drop")) {
    fields.fail("connection_drop", "Use chaos.faults.connection_drop instead of chaos.connection_drop");
  }
  Chaos chaos;
  if (fields.has("latency")) {
    chaos.latency = latency_from_json(fields.at("latency"), fields.pointer("latency"));
  } else if (fields.has("delay")) {
    chaos.latency = latency_from_json(fields.at("delay"), fields.pointer("delay"));
  } else if (fields.has("delay_ms") || fields.has("jitter_ms")) {
    chaos.latency = Latency{fields.integer_or("delay_ms", 0, 0), fields.integer_or("jitter_ms", 0, 0)};
  }
  if (fields.has("faults")) {
    const auto& faults = fields.at("faults");
    if (!faults.is_object()) fields.fail("faults", "faults must be an object, got " + detail::type_name(faults));
    for (const auto& item : faults.items()) {
      const std::string at = detail::pointer_append(fields.pointer("faults"), item.key());
      const auto kind = fault_from_name(item.key());
      if (!kind) {
        detail::WireObject::fail_at(at, "unknown fault \"" + item.key() +
                                            "\" (known: connection_drop, empty_response, connection_reset, "
                                            "malformed_chunk, random_data_then_close, reset_stream, grpc_status)");
      }
      if (item.value().is_null()) continue;
      if (chaos.fault) detail::WireObject::fail_at(at, "only one fault per stub");
      const detail::WireObject fault(item.value(), at, {"probability", "error_code", "code", "message"}, "a fault");
      const double p = fault.number_or("probability", 1.0);
      if (!(p >= 0.0 && p <= 1.0)) fault.fail("probability", "probability must be in [0, 1], got " + Json(p).dump());
      chaos.fault = Fault{*kind, p};
      if (fault.has("error_code")) {
        if (*kind != FaultKind::reset_stream) fault.fail("error_code", "error_code applies to reset_stream only");
        const Json& code = fault.at("error_code");
        const auto named = code.is_string() ? stream_error_from_name(code.get<std::string>()) : std::nullopt;
        if (!named) {
          fault.fail("error_code", "error_code must be an HTTP/2 error code name (" + known_stream_errors() +
                                       "), got " + code.dump());
        }
        chaos.fault->reset_code = *named;
      }
      read_grpc_status_fault(fault, *chaos.fault);
    }
  }
  if (fields.has("dribble")) {
    const detail::WireObject dribble(fields.at("dribble"), fields.pointer("dribble"), {"chunks", "duration_ms"},
                                     "chaos.dribble");
    chaos.dribble = Dribble{static_cast<int>(std::min<std::int64_t>(dribble.integer("chunks", 1), 1 << 20)),
                            std::chrono::milliseconds(dribble.integer_or("duration_ms", 0, 0))};
  }
  return chaos;
}

}  // namespace mockhttp
