#include <mockhttp/stub_group.hpp>

#include <exception>

#include "core/engine.hpp"

namespace mockhttp {

StubGroup::StubGroup(std::shared_ptr<Engine> engine, std::shared_ptr<const StubPlacement> placement)
    : StubsAndVerification(std::move(engine), std::move(placement), Reach::group),
      exceptions_at_start_(std::uncaught_exceptions()) {}

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

std::vector<std::string> StubGroup::stub_ids() const { return placement_->group->ids(); }

std::size_t StubGroup::close() {
  const std::vector<std::string> ids = placement_->group->close();
  if (std::uncaught_exceptions() <= exceptions_at_start_) engine_->settle(ids);
  std::size_t removed = 0;
  for (const auto& id : ids) removed += engine_->remove_stub(id) ? 1 : 0;
  return removed;
}

}  // namespace mockhttp
