#include <mockhttp/errors.hpp>
#include <mockhttp/mock_server.hpp>
#include <mockhttp/stub.hpp>

#include "core/engine.hpp"
#include "wire/wire_object.hpp"

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
  const auto engine = engine_.lock();
  if (!engine) return 0;
  return engine->stub_calls(id_).value_or(0);
}

bool StubRef::remove() const {
  const auto engine = engine_.lock();
  return engine && engine->remove_stub(id_);
}

StubBuilder& StubBuilder::max_calls(std::int64_t calls) {
  if (calls < 0) throw StubError("max_calls must be >= 0, got " + std::to_string(calls));
  definition_.max_calls = calls;
  return *this;
}

StubBuilder& StubBuilder::with_latency(std::chrono::milliseconds base, std::chrono::milliseconds jitter) {
  Chaos chaos;
  chaos.latency = Latency{base.count(), jitter.count()};
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

StubBuilder& StubBuilder::with_dribble(int chunks, std::chrono::milliseconds duration) {
  Chaos chaos;
  chaos.dribble = Dribble{chunks, duration.count()};
  chaos.validate();
  definition_.chaos.dribble = chaos.dribble;
  return *this;
}

StubRef StubBuilder::respond_with(Response response) {
  definition_.response = std::move(response);
  return mount();
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
  return mount();
}

StubRef StubBuilder::proxy_to(ProxyTarget target) {
  definition_.proxy = std::move(target);
  return mount();
}

StubRef StubBuilder::mount() { return engine_->mount(definition_, *placement_); }

}  // namespace mockhttp
