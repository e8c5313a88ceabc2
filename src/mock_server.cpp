#include <mockhttp/errors.hpp>
#include <mockhttp/mock_server.hpp>

#include "server_core.hpp"
#include "session_ledger.hpp"

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
  return StubBuilder(detail::MountTarget{core_, nullptr, nullptr}, std::move(request));
}

StubRef MockServer::add_stub(StubDefinition definition) {
  return detail::mount_stub(detail::MountTarget{core_, nullptr, nullptr}, std::move(definition));
}

std::vector<StubInfo> MockServer::stubs() const { return core_->stubs().list(); }
bool MockServer::remove_stub(const std::string& stub_id) { return core_->stubs().remove(stub_id); }

std::vector<RecordedRequest> MockServer::requests() const { return core_->requests(detail::ScopeFilter::everything()); }
std::size_t MockServer::dropped_requests() const { return core_->journal().dropped(); }

Verification MockServer::confirm_request(const Request& matcher, const Criteria& times) const {
  return core_->confirm(matcher, times, detail::ScopeFilter::only(detail::kGlobalScope));
}

Scope MockServer::new_scope(const std::string& name) { return Scope(core_, core_->scopes().create(name)); }
std::vector<std::string> MockServer::scopes() const { return core_->scopes().names(); }
void MockServer::delete_scope(const std::string& name) { core_->delete_scope(name); }

StubSession MockServer::new_session() {
  return StubSession(detail::MountTarget{core_, nullptr, std::make_shared<detail::SessionLedger>()});
}

ReplaySession MockServer::start_session(ReplayMode mode) {
  return ReplaySession(core_, core_->replay_sessions().create(mode), true);
}

ReplaySession MockServer::attach(const std::string& session_id) {
  auto state = core_->replay_sessions().find(session_id);
  if (!state) throw Error("no replay session '" + session_id + "' on " + url());
  return ReplaySession(core_, std::move(state), false);
}

void MockServer::set_seed(std::uint64_t seed) { core_->set_seed(seed); }
std::uint64_t MockServer::seed() const { return core_->seed(); }

void MockServer::clear_requests() { core_->journal().clear(); }
void MockServer::reset() {
  core_->stubs().clear();
  core_->journal().clear();
}
void MockServer::stop() { core_->stop(); }

}  // namespace mockhttp
