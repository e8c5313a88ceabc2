#include <mockhttp/stub_group.hpp>

#include "core/engine.hpp"

namespace mockhttp {

StubGroup::StubGroup(std::shared_ptr<Engine> engine, std::shared_ptr<const StubPlacement> placement)
    : engine_(std::move(engine)), placement_(std::move(placement)) {}

StubGroup::~StubGroup() {
  if (placement_) close();
}

StubGroup& StubGroup::operator=(StubGroup&& other) noexcept {
  if (this != &other) {
    if (placement_) close();
    engine_ = std::move(other.engine_);
    placement_ = std::move(other.placement_);
  }
  return *this;
}

StubBuilder StubGroup::when_requested_with(Request request) { return StubBuilder(engine_, placement_, std::move(request)); }
StubRef StubGroup::add_stub(StubDefinition definition) { return engine_->mount(std::move(definition), *placement_); }

Verification StubGroup::confirm_request(const Request& matcher, const Criteria& times) const {
  return engine_->confirm(matcher, times,
                          detail::ScopeFilter::only(placement_->scope ? placement_->scope->id : detail::kGlobalScope));
}

std::vector<std::string> StubGroup::stub_ids() const { return placement_->group->ids(); }

std::size_t StubGroup::close() {
  std::size_t removed = 0;
  for (const auto& id : placement_->group->close()) removed += engine_->remove_stub(id) ? 1 : 0;
  return removed;
}

}  // namespace mockhttp
