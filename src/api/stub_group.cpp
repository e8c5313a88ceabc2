#include <mockhttp/stub_group.hpp>

#include <exception>

#include "core/engine.hpp"

namespace mockhttp {

StubGroup::StubGroup(std::shared_ptr<Engine> engine, std::shared_ptr<const StubPlacement> placement)
    : engine_(std::move(engine)), placement_(std::move(placement)), exceptions_at_start_(std::uncaught_exceptions()) {}

StubGroup::~StubGroup() {
  if (placement_) close();
}

StubGroup& StubGroup::operator=(StubGroup&& other) noexcept {
  if (this != &other) {
    if (placement_) close();
    engine_ = std::move(other.engine_);
    placement_ = std::move(other.placement_);
    exceptions_at_start_ = other.exceptions_at_start_;
  }
  return *this;
}

StubBuilder StubGroup::when_requested_with(Request request, SourceLocation where) {
  return StubBuilder(engine_, placement_, std::move(request), where);
}
StubRef StubGroup::add_stub(StubDefinition definition, SourceLocation where) {
  if (!definition.mounted_at.known()) definition.mounted_at = where;
  return engine_->mount(std::move(definition), *placement_);
}

Verification StubGroup::confirm_request(const Request& matcher, const Criteria& times) const {
  return engine_->confirm(matcher, times,
                          detail::ScopeFilter::only(placement_->scope ? placement_->scope->id : detail::kGlobalScope));
}

std::vector<std::string> StubGroup::stub_ids() const { return placement_->group->ids(); }

Verification StubGroup::verify() const { return engine_->verify(placement_->group->ids()); }

std::size_t StubGroup::close() {
  const std::vector<std::string> ids = placement_->group->close();
  if (std::uncaught_exceptions() <= exceptions_at_start_) engine_->settle(ids);
  std::size_t removed = 0;
  for (const auto& id : ids) removed += engine_->remove_stub(id) ? 1 : 0;
  return removed;
}

}  // namespace mockhttp
