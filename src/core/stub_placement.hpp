#pragma once
// Where a stub is mounted: globally, in a scope, and/or in a stub group that removes it when
// the group ends. Public handles (StubBuilder, Scope, StubGroup) hold one, opaque to them.
// Thread safety: immutable once made; the records it points to are thread-safe.
#include <memory>

#include "core/scope_registry.hpp"
#include "core/session_ledger.hpp"

namespace mockhttp {

class StubPlacement {
 public:
  static std::shared_ptr<const StubPlacement> global() { return std::make_shared<const StubPlacement>(); }
  static std::shared_ptr<const StubPlacement> in(std::shared_ptr<detail::ScopeRecord> scope,
                                                 std::shared_ptr<detail::SessionLedger> group) {
    auto placement = std::make_shared<StubPlacement>();
    placement->scope = std::move(scope);
    placement->group = std::move(group);
    return placement;
  }

  std::shared_ptr<detail::ScopeRecord> scope;    // null: global
  std::shared_ptr<detail::SessionLedger> group;  // null: in no group
};

}  // namespace mockhttp
