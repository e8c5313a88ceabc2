#include <mockhttp/errors.hpp>
#include <mockhttp/mock_server.hpp>
#include <mockhttp/stub.hpp>

#include "scope_registry.hpp"
#include "server_core.hpp"
#include "session_ledger.hpp"

namespace mockhttp {

using Json = nlohmann::json;

Json StubDefinition::to_json() const {
  Json out = {{"request", request.to_json()}, {"action", {{"response", response.to_json()}}}};
  if (max_calls) out["max_calls"] = *max_calls;
  if (!chaos.empty()) out["chaos"] = chaos.to_json();
  return out;
}

Json StubInfo::to_json() const {
  Json out = definition.to_json();
  out["stub_id"] = id;
  out["calls"] = calls;
  out["scope"] = scope ? Json(*scope) : Json(nullptr);
  return out;
}

std::int64_t StubRef::calls() const {
  const auto core = core_.lock();
  if (!core) return 0;
  return core->stubs().calls(id_).value_or(0);
}

bool StubRef::remove() const {
  const auto core = core_.lock();
  return core && core->stubs().remove(id_);
}

StubBuilder& StubBuilder::max_calls(std::int64_t calls) {
  if (calls < 0) throw StubError("max_calls must be >= 0, got " + std::to_string(calls));
  definition_.max_calls = calls;
  return *this;
}

StubBuilder& StubBuilder::with_latency(std::int64_t base_ms, std::int64_t jitter_ms) {
  Chaos chaos;
  chaos.latency = Latency{base_ms, jitter_ms};
  chaos.validate();
  definition_.chaos.latency = chaos.latency;
  return *this;
}

StubBuilder& StubBuilder::with_connection_drop(double probability) {
  return with_fault(FaultKind::connection_drop, probability);
}

StubBuilder& StubBuilder::with_fault(FaultKind kind, double probability) {
  Chaos chaos;
  chaos.fault = Fault{kind, probability};
  chaos.validate();
  definition_.chaos.fault = chaos.fault;
  return *this;
}

StubBuilder& StubBuilder::with_dribble(int chunks, std::int64_t duration_ms) {
  Chaos chaos;
  chaos.dribble = Dribble{chunks, duration_ms};
  chaos.validate();
  definition_.chaos.dribble = chaos.dribble;
  return *this;
}

StubRef StubBuilder::respond_with(Response response) {
  definition_.response = std::move(response);
  return detail::mount_stub(target_, definition_);
}

StubRef StubBuilder::respond_with(int status, std::string body, Headers headers) {
  Response response(status);
  for (auto& [name, value] : headers) response.header(std::move(name), std::move(value));
  return respond_with(std::move(response.body(std::move(body))));
}

StubRef StubBuilder::respond_with_json(int status, const Json& body, Headers headers) {
  Response response(status);
  for (auto& [name, value] : headers) response.header(std::move(name), std::move(value));
  return respond_with(std::move(response.json_body(body)));
}

namespace detail {

namespace {
ScopeError deleted_scope(const ScopeRecord& scope) {
  return ScopeError("scope '" + scope.name + "' was deleted; its stubs can no longer be added");
}
}  // namespace

StubRef mount_stub(const MountTarget& target, StubDefinition definition) {
  if (definition.max_calls && *definition.max_calls < 0) {
    throw StubError("max_calls must be >= 0, got " + std::to_string(*definition.max_calls));
  }
  definition.chaos.validate();
  StubScope scope;
  if (target.scope) {
    if (!target.scope->live.load(std::memory_order_acquire)) throw deleted_scope(*target.scope);
    scope = StubScope{target.scope->id, target.scope->name};
  }
  std::string id = target.core->stubs().add(std::move(definition), std::move(scope));
  // A scope deleted while we mounted has already swept its stubs: take ours back out.
  if (target.scope && !target.scope->live.load(std::memory_order_acquire)) {
    target.core->stubs().remove(id);
    throw deleted_scope(*target.scope);
  }
  if (target.session && !target.session->record(id)) {
    target.core->stubs().remove(id);
    throw StubError("the stub session was closed; open a new one to add stubs");
  }
  return StubRef(std::move(id), target.core);
}

}  // namespace detail

}  // namespace mockhttp
