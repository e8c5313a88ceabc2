#include <mockhttp/errors.hpp>
#include <mockhttp/mock_server.hpp>
#include <mockhttp/stub.hpp>

#include "scope_registry.hpp"
#include "server_core.hpp"
#include "session_ledger.hpp"
#include "wire_object.hpp"

namespace mockhttp {

using Json = nlohmann::json;

Json StubDefinition::to_json() const {
  Json action;
  if (sse) {
    action = {{"sse", sse->to_json()}};
  } else if (proxy) {
    action = {{"proxy", proxy->to_json()}};
  } else {
    action = {{"response", response.to_json()}};
  }
  Json out = {{"request", request.to_json()}, {"action", action}};
  if (max_calls) out["max_calls"] = *max_calls;
  if (!chaos.empty()) out["chaos"] = chaos.to_json();
  return out;
}

StubDefinition StubDefinition::from_json(const Json& document, const std::string& pointer) {
  const detail::WireObject fields(document, pointer, {"request", "action", "max_calls", "chaos", "id", "stub_id"},
                                  "a stub");
  StubDefinition definition;
  if (!fields.has("request")) fields.fail("request", "request is required (use {} to match every request)");
  definition.request = Request::from_json(fields.at("request"), fields.pointer("request"));
  if (!fields.has("action")) fields.fail("action", "action is required: one of response, sse, proxy");
  const detail::WireObject action(fields.at("action"), fields.pointer("action"), {"response", "sse", "proxy"},
                                  "action");
  const int actions = (action.has("response") ? 1 : 0) + (action.has("sse") ? 1 : 0) + (action.has("proxy") ? 1 : 0);
  if (actions != 1) {
    detail::WireObject::fail_at(fields.pointer("action"), "Exactly one of response, proxy or sse must be provided.");
  }
  if (action.has("response")) definition.response = Response::from_json(action.at("response"), action.pointer("response"));
  if (action.has("sse")) definition.sse = EventStream::from_json(action.at("sse"), action.pointer("sse"));
  if (action.has("proxy")) definition.proxy = ProxyTarget::from_json(action.at("proxy"), action.pointer("proxy"));
  if (fields.has("max_calls")) definition.max_calls = fields.integer("max_calls", 0);
  if (fields.has("chaos")) definition.chaos = Chaos::from_json(fields.at("chaos"), fields.pointer("chaos"));
  return definition;
}

void StubDefinition::validate() const {
  if (max_calls && *max_calls < 0) throw StubError("max_calls must be >= 0, got " + std::to_string(*max_calls));
  chaos.validate();
  if (sse && proxy) throw StubError("a stub answers with one action: sse or proxy, not both");
  if (sse) sse->validate();
  if (proxy) proxy->validate();
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

StubRef StubBuilder::respond_with_template(int status, std::string template_body, Headers headers) {
  Response response(status);
  for (auto& [name, value] : headers) response.header(std::move(name), std::move(value));
  return respond_with(std::move(response.template_body(std::move(template_body))));
}

StubRef StubBuilder::respond_with_sse(EventStream stream) {
  definition_.sse = std::move(stream);
  return detail::mount_stub(target_, definition_);
}

StubRef StubBuilder::proxy_to(ProxyTarget target) {
  definition_.proxy = std::move(target);
  return detail::mount_stub(target_, definition_);
}

namespace detail {

namespace {
ScopeError deleted_scope(const ScopeRecord& scope) {
  return ScopeError(ScopeError::Reason::deleted, "scope '" + scope.name + "' was deleted; its stubs can no longer be added");
}
}  // namespace

StubRef mount_stub(const MountTarget& target, StubDefinition definition, std::optional<std::string> chosen_id) {
  definition.validate();
  StubScope scope;
  if (target.scope) {
    if (!target.scope->live.load(std::memory_order_acquire)) throw deleted_scope(*target.scope);
    scope = StubScope{target.scope->id, target.scope->name};
  }
  std::string id = target.core->stubs().add(std::move(definition), std::move(scope), std::move(chosen_id));
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
