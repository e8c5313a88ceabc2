#include <mockhttp/errors.hpp>
#include <mockhttp/scope.hpp>

#include <cstdint>
#include <cstdio>

#include "core/engine.hpp"
#include "core/scope_registry.hpp"
#include "encoding/unicode_text.hpp"

namespace mockhttp {

using detail::ScopeFilter;

Scope::Scope(std::shared_ptr<Engine> engine, std::shared_ptr<const StubPlacement> placement)
    : engine_(std::move(engine)), placement_(std::move(placement)) {}

Scope::~Scope() {
  if (placement_) engine_->delete_scope(*placement_->scope);
}

Scope::Scope(Scope&& other) noexcept = default;

Scope& Scope::operator=(Scope&& other) noexcept {
  if (this != &other) {
    if (placement_) engine_->delete_scope(*placement_->scope);
    engine_ = std::move(other.engine_);
    placement_ = std::move(other.placement_);
  }
  return *this;
}

const std::string& Scope::name() const { return placement_->scope->name; }
std::pair<std::string, std::string> Scope::header() const { return {name(), "1"}; }
bool Scope::alive() const { return placement_->scope->live.load(); }

StubBuilder Scope::when_requested_with(Request request) { return StubBuilder(engine_, placement_, std::move(request)); }
StubRef Scope::add_stub(StubDefinition definition) { return engine_->mount(std::move(definition), *placement_); }
std::vector<StubInfo> Scope::stubs() const { return engine_->stubs(ScopeFilter::only(placement_->scope->id)); }
std::vector<RecordedRequest> Scope::requests() const { return engine_->requests(ScopeFilter::only(placement_->scope->id)); }

Verification Scope::confirm_request(const Request& matcher, const Criteria& times) const {
  return engine_->confirm(matcher, times, ScopeFilter::only(placement_->scope->id));
}

StubGroup Scope::new_group() {
  if (!alive()) throw ScopeError(ScopeError::Reason::deleted, "scope '" + name() + "' was deleted; it cannot open a stub group");
  return StubGroup(engine_, StubPlacement::in(placement_->scope, std::make_shared<detail::SessionLedger>()));
}

void Scope::remove() {
  if (!engine_->delete_scope(*placement_->scope)) {
    throw ScopeError(ScopeError::Reason::deleted, "scope '" + name() + "' was already deleted");
  }
}

}  // namespace mockhttp

namespace mockhttp {

std::string scope_name_from(const std::string& text) {
  constexpr std::size_t kKept = 100;  // leaves room for a prefix and the hash within 128
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
