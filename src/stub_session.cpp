#include <mockhttp/stub_session.hpp>

#include "scope_registry.hpp"
#include "server_core.hpp"
#include "session_ledger.hpp"

namespace mockhttp {

StubSession::StubSession(detail::MountTarget target) : target_(std::move(target)) {}

StubSession::~StubSession() {
  if (target_.session) close();
}

StubSession& StubSession::operator=(StubSession&& other) noexcept {
  if (this != &other) {
    if (target_.session) close();
    target_ = std::move(other.target_);
  }
  return *this;
}

StubBuilder StubSession::when_requested_with(Request request) { return StubBuilder(target_, std::move(request)); }
StubRef StubSession::add_stub(StubDefinition definition) { return detail::mount_stub(target_, std::move(definition)); }

Verification StubSession::confirm_request(const Request& matcher, const Criteria& times) const {
  return target_.core->confirm(matcher, times,
                              detail::ScopeFilter::only(target_.scope ? target_.scope->id : detail::kGlobalScope));
}

std::vector<std::string> StubSession::stub_ids() const { return target_.session->ids(); }

std::size_t StubSession::close() {
  std::size_t removed = 0;
  for (const auto& id : target_.session->close()) removed += target_.core->stubs().remove(id) ? 1 : 0;
  return removed;
}

}  // namespace mockhttp
