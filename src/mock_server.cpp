#include <mockhttp/errors.hpp>
#include <mockhttp/mock_server.hpp>

#include "server_core.hpp"

namespace mockhttp {

MockServer::MockServer() : MockServer(ServerOptions{}) {}

MockServer::MockServer(ServerOptions options)
    : core_(std::make_shared<detail::ServerCore>(options)) {
  core_->start();
}

MockServer::~MockServer() {
  if (core_) core_->stop();
}

MockServer::MockServer(MockServer&&) noexcept = default;
MockServer& MockServer::operator=(MockServer&& other) noexcept {
  if (this != &other) {
    if (core_) core_->stop();
    core_ = std::move(other.core_);
  }
  return *this;
}

std::string MockServer::url() const {
  const std::string& host = core_->host();
  const bool ipv6 = host.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(core_->port());
}
int MockServer::port() const { return core_->port(); }
const std::string& MockServer::host() const { return core_->host(); }

StubBuilder MockServer::when_requested_with(Request request) {
  return StubBuilder(core_, std::move(request));
}

StubRef MockServer::add_stub(StubDefinition definition) {
  if (definition.max_calls && *definition.max_calls < 0) {
    throw StubError("max_calls must be >= 0, got " + std::to_string(*definition.max_calls));
  }
  std::string id = core_->stubs().add(std::move(definition));
  return StubRef(std::move(id), core_);
}

std::vector<StubInfo> MockServer::stubs() const { return core_->stubs().list(); }
bool MockServer::remove_stub(const std::string& stub_id) { return core_->stubs().remove(stub_id); }

std::vector<RecordedRequest> MockServer::requests() const {
  std::vector<RecordedRequest> out;
  for (const auto& entry : core_->journal().snapshot()) out.push_back(entry->request);
  return out;
}
std::size_t MockServer::dropped_requests() const { return core_->journal().dropped(); }

Verification MockServer::confirm_request(const Request& matcher, const Criteria& times) const {
  return core_->confirm(matcher, times);
}

void MockServer::clear_requests() { core_->journal().clear(); }
void MockServer::reset() {
  core_->stubs().clear();
  core_->journal().clear();
}
void MockServer::stop() { core_->stop(); }

}  // namespace mockhttp
