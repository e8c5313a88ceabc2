#include <mockhttp/errors.hpp>
#include <mockhttp/mock_server.hpp>
#include <mockhttp/stub.hpp>

#include "server_core.hpp"

namespace mockhttp {

using Json = nlohmann::json;

Json StubDefinition::to_json() const {
  Json out = {{"request", request.to_json()}, {"action", {{"response", response.to_json()}}}};
  if (max_calls) out["max_calls"] = *max_calls;
  return out;
}

Json StubInfo::to_json() const {
  Json out = definition.to_json();
  out["stub_id"] = id;
  out["calls"] = calls;
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

StubRef StubBuilder::respond_with(Response response) {
  definition_.response = std::move(response);
  const std::string id = core_->stubs().add(definition_);
  return StubRef(id, core_);
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

}  // namespace mockhttp
