#include <mockhttp/errors.hpp>
#include <mockhttp/scope.hpp>

#include "server_core.hpp"
#include "session_ledger.hpp"

namespace mockhttp {

Scope::Scope(std::shared_ptr<detail::ServerCore> core, std::shared_ptr<detail::ScopeRecord> record)
    : core_(std::move(core)), record_(std::move(record)) {}

Scope::~Scope() {
  if (record_) core_->delete_scope(*record_);
}

Scope::Scope(Scope&& other) noexcept = default;

Scope& Scope::operator=(Scope&& other) noexcept {
  if (this != &other) {
    if (record_) core_->delete_scope(*record_);
    core_ = std::move(other.core_);
    record_ = std::move(other.record_);
  }
  return *this;
}

const std::string& Scope::name() const { return record_->name; }
std::pair<std::string, std::string> Scope::header() const { return {record_->name, "1"}; }
bool Scope::alive() const { return record_->live.load(); }

detail::MountTarget Scope::target() const { return {core_, record_, nullptr}; }

StubBuilder Scope::when_requested_with(Request request) { return StubBuilder(target(), std::move(request)); }
StubRef Scope::add_stub(StubDefinition definition) { return detail::mount_stub(target(), std::move(definition)); }
std::vector<StubInfo> Scope::stubs() const { return core_->stubs().list(detail::ScopeFilter::only(record_->id)); }
std::vector<RecordedRequest> Scope::requests() const { return core_->requests(detail::ScopeFilter::only(record_->id)); }

Verification Scope::confirm_request(const Request& matcher, const Criteria& times) const {
  return core_->confirm(matcher, times, detail::ScopeFilter::only(record_->id));
}

StubSession Scope::new_session() {
  if (!alive()) throw ScopeError(ScopeError::Reason::deleted, "scope '" + name() + "' was deleted; it cannot open a session");
  return StubSession({core_, record_, std::make_shared<detail::SessionLedger>()});
}

void Scope::remove() {
  if (!core_->delete_scope(*record_)) throw ScopeError(ScopeError::Reason::deleted, "scope '" + name() + "' was already deleted");
}

}  // namespace mockhttp
