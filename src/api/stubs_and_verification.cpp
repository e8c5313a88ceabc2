#include <mockhttp/stubs_and_verification.hpp>

#include "core/engine.hpp"

namespace mockhttp {

using detail::ScopeFilter;

namespace {

// The requests a placement counts: its scope's, or those in no scope.
ScopeFilter counted_by(const StubPlacement& placement) {
  return ScopeFilter::only(placement.scope ? placement.scope->id : detail::kGlobalScope);
}

}  // namespace

StubsAndVerification::StubsAndVerification(std::shared_ptr<Engine> engine,
                                           std::shared_ptr<const StubPlacement> placement, Reach reach)
    : engine_(std::move(engine)), placement_(std::move(placement)), reach_(reach) {}

StubBuilder StubsAndVerification::when_requested_with(Request request, SourceLocation where) {
  return StubBuilder(engine_, placement_, std::move(request), where);
}

StubRef StubsAndVerification::add_stub(StubDefinition definition, SourceLocation where) {
  if (!definition.mounted_at.known()) definition.mounted_at = where;
  return StubRef(engine_->mount(std::move(definition), *placement_), engine_);
}

std::vector<StubInfo> StubsAndVerification::stubs() const {
  switch (reach_) {
    case Reach::server:
      return engine_->stubs(ScopeFilter::everything());
    case Reach::scope:
      return engine_->stubs(counted_by(*placement_));
    case Reach::group:
      break;
  }
  std::vector<StubInfo> mounted;
  for (const auto& id : placement_->group->ids()) {
    if (auto info = engine_->stub(id)) mounted.push_back(std::move(*info));
  }
  return mounted;
}

std::vector<RecordedRequest> StubsAndVerification::requests() const {
  return engine_->requests(reach_ == Reach::server ? ScopeFilter::everything() : counted_by(*placement_));
}

Verification StubsAndVerification::confirm_request(const Request& matcher, const Criteria& times) const {
  return engine_->confirm(matcher, times, counted_by(*placement_));
}

Verification StubsAndVerification::wait_for(const Request& matcher, const Criteria& times,
                                            std::chrono::milliseconds timeout) const {
  return engine_->wait_for(matcher, times, timeout, counted_by(*placement_));
}

Verification StubsAndVerification::confirm_sequence(const std::vector<Request>& matchers) const {
  return engine_->confirm_sequence(matchers, counted_by(*placement_));
}

Verification StubsAndVerification::verify() const {
  switch (reach_) {
    case Reach::server:
      return engine_->verify(ScopeFilter::everything());
    case Reach::scope:
      return engine_->verify(counted_by(*placement_));
    case Reach::group:
      break;
  }
  return engine_->verify(placement_->group->ids());
}

}  // namespace mockhttp
