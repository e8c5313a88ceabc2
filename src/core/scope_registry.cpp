#include "core/scope_registry.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <mockhttp/errors.hpp>

#include "encoding/unicode_text.hpp"

namespace mockhttp::detail {

namespace {

// Header names that clients send on their own: a scope so named would swallow unrelated traffic.
constexpr std::array<const char*, 16> kReservedHeaderNames = {"accept",
                                                              "accept-encoding",
                                                              "accept-language",
                                                              "authorization",
                                                              "cache-control",
                                                              "connection",
                                                              "content-length",
                                                              "content-type",
                                                              "cookie",
                                                              "expect",
                                                              "host",
                                                              "origin",
                                                              "referer",
                                                              "transfer-encoding",
                                                              "user-agent",
                                                              "te"};

constexpr std::size_t kMaxScopeNameLength = 128;

}  // namespace

std::string normalize_scope_name(const std::string& name) {
  if (name.empty()) throw ScopeError(ScopeError::Reason::malformed_name, "scope name must not be empty");
  if (name.size() > kMaxScopeNameLength) {
    throw ScopeError(ScopeError::Reason::malformed_name, "scope name must be at most " +
                                                             std::to_string(kMaxScopeNameLength) + " characters, got " +
                                                             std::to_string(name.size()));
  }
  const bool well_formed =
      std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; });
  if (!well_formed) {
    throw ScopeError(ScopeError::Reason::malformed_name,
                     "scope name \"" + name + "\" must match ^[A-Za-z0-9_-]+$ (it is sent as a header name)");
  }
  std::string lower = ascii_lowercase(name);
  for (const char* reserved : kReservedHeaderNames) {
    if (lower == reserved) {
      throw ScopeError(ScopeError::Reason::malformed_name,
                       "scope name \"" + name + "\" is a standard request header: every request sending " + lower +
                           " would fall into the scope");
    }
  }
  return lower;
}

std::shared_ptr<ScopeRecord> ScopeRegistry::create(const std::string& name) {
  std::string key = normalize_scope_name(name);
  std::lock_guard<std::mutex> lock(mutex_);
  if (by_name_.count(key) != 0)
    throw ScopeError(ScopeError::Reason::already_exists, "scope '" + name + "' already exists");
  auto record = std::make_shared<ScopeRecord>(key, ++last_id_);
  by_name_.emplace(std::move(key), record);
  return record;
}

std::shared_ptr<ScopeRecord> ScopeRegistry::remove(const std::string& name) {
  const std::string key = ascii_lowercase(name);
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = by_name_.find(key);
  if (it == by_name_.end()) throw ScopeError(ScopeError::Reason::not_found, "scope '" + name + "' does not exist");
  auto record = it->second;
  record->live.store(false, std::memory_order_release);
  by_name_.erase(it);
  return record;
}

bool ScopeRegistry::remove(const ScopeRecord& record) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = by_name_.find(record.name);
  if (it == by_name_.end() || it->second.get() != &record) return false;
  it->second->live.store(false, std::memory_order_release);
  by_name_.erase(it);
  return true;
}

std::vector<std::string> ScopeRegistry::names() const {
  std::vector<std::shared_ptr<ScopeRecord>> records;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [name, record] : by_name_) records.push_back(record);
  }
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
  std::vector<std::string> out;
  for (const auto& record : records) out.push_back(record->name);
  return out;
}

ScopeResolution ScopeRegistry::resolve(const RequestSubjects& subjects) const {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (by_name_.empty()) return {};
  }
  return resolve(subjects.headers());
}

ScopeResolution ScopeRegistry::resolve(const nlohmann::json& headers) const {
  ScopeResolution resolution;
  std::lock_guard<std::mutex> lock(mutex_);
  if (by_name_.empty()) return resolution;
  for (const auto& item : headers.items()) {
    const auto it = by_name_.find(item.key());
    if (it == by_name_.end()) continue;
    if (resolution.scope) resolution.collisions.push_back(resolution.scope->name);
    resolution.scope = it->second;
    if (!resolution.collisions.empty()) resolution.collisions.push_back(it->second->name);
  }
  if (!resolution.collisions.empty()) {
    std::sort(resolution.collisions.begin(), resolution.collisions.end());
    resolution.collisions.erase(std::unique(resolution.collisions.begin(), resolution.collisions.end()),
                                resolution.collisions.end());
    resolution.scope = nullptr;
  }
  return resolution;
}

}  // namespace mockhttp::detail
