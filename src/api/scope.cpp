#include <mockhttp/errors.hpp>
#include <mockhttp/scope.hpp>

#include <cstdint>
#include <cstdio>
#include <exception>

#include "core/engine.hpp"
#include "core/scope_registry.hpp"
#include "encoding/unicode_text.hpp"

namespace mockhttp {

using detail::ScopeFilter;

Scope::Scope(std::shared_ptr<Engine> engine, std::shared_ptr<const StubPlacement> placement)
    : StubsAndVerification(std::move(engine), std::move(placement), Reach::scope),
      exceptions_at_start_(std::uncaught_exceptions()) {}

void Scope::end() {
  const auto& scope = *placement_->scope;
  if (scope.live.load() && std::uncaught_exceptions() <= exceptions_at_start_) {
    engine_->settle(ScopeFilter::only(scope.id));
  }
  engine_->delete_scope(scope);
}

Scope::~Scope() {
  if (placement_) end();
}

Scope::Scope(Scope&& other) noexcept = default;

Scope& Scope::operator=(Scope&& other) noexcept {
  if (this != &other) {
    if (placement_) end();
    engine_ = std::move(other.engine_);
    placement_ = std::move(other.placement_);
    exceptions_at_start_ = other.exceptions_at_start_;
  }
  return *this;
}

const std::string& Scope::name() const { return placement_->scope->name; }
std::pair<std::string, std::string> Scope::header() const { return {name(), "1"}; }
bool Scope::alive() const { return placement_->scope->live.load(); }

std::string Scope::scenario_state(const std::string& name) const {
  return engine_->scenario_state(placement_->scope->id, name);
}
void Scope::set_scenario_state(const std::string& name, std::string state) {
  engine_->set_scenario_state(placement_->scope->id, name, std::move(state));
}
void Scope::reset_scenarios() { engine_->reset_scenarios(ScopeFilter::only(placement_->scope->id)); }

StubGroup Scope::new_group() {
  if (!alive())
    throw ScopeError(ScopeError::Reason::deleted, "scope '" + name() + "' was deleted; it cannot open a stub group");
  return StubGroup(engine_, StubPlacement::in(placement_->scope, std::make_shared<detail::SessionLedger>()));
}

void Scope::remove() {
  if (placement_->scope->live.load() && std::uncaught_exceptions() <= exceptions_at_start_) {
    engine_->settle(ScopeFilter::only(placement_->scope->id));
  }
  if (!engine_->delete_scope(*placement_->scope)) {
    throw ScopeError(ScopeError::Reason::deleted, "scope '" + name() + "' was already deleted");
  }
}

}  // namespace mockhttp

namespace mockhttp {

std::string scope_name_from(const std::string& text) {
  constexpr std::size_t kKept = 100;                 // leaves room for a prefix and the hash within 128
  std::string name = detail::ascii_lowercase(text);  // a case change is no change: scopes ignore case
  bool changed = text.empty();
  for (char& c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
      c = '-';
      changed = true;
    }
  }
  if (name.size() > kKept) {
    name.resize(kKept);
    changed = true;
  }
  try {
    (void)detail::normalize_scope_name(name);
  } catch (const ScopeError&) {
    name = "scope-" + name;  // empty, or a standard header name such as "accept"
    changed = true;
  }
  if (changed) {
    std::uint32_t hash = 2166136261u;  // FNV-1a: stable across runs and platforms
    for (const unsigned char c : text) hash = (hash ^ c) * 16777619u;
    char digits[9];
    std::snprintf(digits, sizeof digits, "%08x", hash);
    name += std::string("-") + digits;
  }
  return name;
}

}  // namespace mockhttp
