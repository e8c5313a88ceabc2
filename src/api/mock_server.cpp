#include <mockhttp/errors.hpp>
#include <mockhttp/mock_server.hpp>

#include <algorithm>
#include <exception>
#include <memory>
#include <mutex>
#include <vector>

#include "core/engine.hpp"
#include "encoding/authority.hpp"

namespace mockhttp {

using detail::ScopeFilter;

MockServer::MockServer() : MockServer(ServerOptions{}) {}

namespace {

// The engines of the servers alive, for settle_live_servers(): weak, so a server's end is not
// delayed; dead entries are dropped whenever one is added.
struct LiveEngines {
  std::mutex mutex;
  std::vector<std::weak_ptr<Engine>> engines;
};
LiveEngines& live_engines() {
  static auto* engines = new LiveEngines;  // never destroyed: servers may end during exit
  return *engines;
}
void note_live(const std::shared_ptr<Engine>& engine) {
  LiveEngines& live = live_engines();
  std::lock_guard<std::mutex> lock(live.mutex);
  auto& engines = live.engines;
  engines.erase(std::remove_if(engines.begin(), engines.end(), [](const auto& e) { return e.expired(); }),
                engines.end());
  engines.push_back(engine);
}

}  // namespace

MockServer::MockServer(ServerOptions options)
    : StubsAndVerification(std::make_shared<Engine>(options), StubPlacement::global(), Reach::server),
      exceptions_at_start_(std::uncaught_exceptions()) {
  engine_->start();
  note_live(engine_);
}

void settle_live_servers() {
  std::vector<std::shared_ptr<Engine>> alive;
  {
    LiveEngines& live = live_engines();
    std::lock_guard<std::mutex> lock(live.mutex);
    for (const auto& engine : live.engines) {
      if (auto locked = engine.lock()) alive.push_back(std::move(locked));
    }
  }
  for (const auto& engine : alive) engine->settle(ScopeFilter::everything());  // outside the lock: sinks may block
}

namespace {
// Stops serving, then settles what is left: expectations are checked once no request is in flight.
void end_of(Engine& engine, int exceptions_at_start) {
  engine.stop();
  if (std::uncaught_exceptions() <= exceptions_at_start) engine.settle(ScopeFilter::everything());
}
}  // namespace

MockServer::~MockServer() {
  if (engine_) end_of(*engine_, exceptions_at_start_);
}

MockServer::MockServer(MockServer&&) noexcept = default;
MockServer& MockServer::operator=(MockServer&& other) noexcept {
  if (this != &other) {
    if (engine_) end_of(*engine_, exceptions_at_start_);
    StubsAndVerification::operator=(std::move(other));
    exceptions_at_start_ = other.exceptions_at_start_;
  }
  return *this;
}

std::string MockServer::url() const {
  return std::string(engine_->tls() ? "https://" : "http://") +
         detail::format_authority(engine_->host(), engine_->port());
}

const std::string& MockServer::ca_certificate_pem() const { return engine_->identity().ca_pem(); }

std::string MockServer::ca_certificate_file() const { return engine_->identity().ca_file(); }

ClientCertificate MockServer::issue_client_certificate(const std::string& common_name) const {
  detail::LeafRequest request;
  request.common_name = common_name;
  request.for_client = true;
  const detail::Certificate certificate = engine_->identity().authority().issue(request);
  return ClientCertificate{certificate.certificate_pem(), certificate.private_key_pem(), certificate.subject()};
}

int MockServer::port() const { return engine_->port(); }
const std::string& MockServer::host() const { return engine_->host(); }

bool MockServer::remove_stub(const std::string& stub_id) { return engine_->remove_stub(stub_id); }

std::size_t MockServer::dropped_requests() const { return engine_->dropped_requests(); }

std::string MockServer::scenario_state(const std::string& name) const {
  return engine_->scenario_state(detail::kGlobalScope, name);
}
void MockServer::set_scenario_state(const std::string& name, std::string state) {
  engine_->set_scenario_state(detail::kGlobalScope, name, std::move(state));
}
void MockServer::reset_scenarios() { engine_->reset_scenarios(ScopeFilter::everything()); }

Scope MockServer::new_scope(const std::string& name) {
  return Scope(engine_, StubPlacement::in(engine_->create_scope(name), nullptr));
}
std::vector<std::string> MockServer::scopes() const { return engine_->scope_names(); }
void MockServer::delete_scope(const std::string& name) { engine_->delete_scope(name); }

StubGroup MockServer::new_group() {
  return StubGroup(engine_, StubPlacement::in(nullptr, std::make_shared<detail::SessionLedger>()));
}

ReplaySession MockServer::start_session(ReplayMode mode) {
  return ReplaySession(engine_, engine_->replay_sessions().create(mode), true);
}

ReplaySession MockServer::attach(const std::string& session_id) {
  auto state = engine_->replay_sessions().find(session_id);
  if (!state) {
    throw SessionError(SessionError::Reason::not_found,
                       "no replay session '" + session_id + "' on " + url() + " (closed, or never started)");
  }
  return ReplaySession(engine_, std::move(state), false);
}

void MockServer::set_seed(std::uint64_t seed) { engine_->set_seed(seed); }
std::uint64_t MockServer::seed() const { return engine_->seed(); }

void MockServer::clear_requests() { engine_->clear_requests(ScopeFilter::everything()); }
void MockServer::reset() { engine_->forget(ScopeFilter::everything()); }
void MockServer::stop() { engine_->stop(); }

}  // namespace mockhttp
