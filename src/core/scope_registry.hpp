#pragma once
// The live scopes of a server, and which scope a request belongs to: the one whose name is a
// header name of the request (assertive-mock-api's rule; the header's value is ignored).
// Thread safety: every member is safe from any thread.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "matching/request_evaluation.hpp"

namespace mockhttp::detail {

// One scope, from creation to deletion. A name can be reused after deletion; the id cannot,
// so stubs and journal entries of a deleted scope never leak into its successor.
struct ScopeRecord {
  ScopeRecord(std::string name, std::uint64_t id) : name(std::move(name)), id(id) {}
  const std::string name;  // lowercase
  const std::uint64_t id;  // never 0: 0 stands for "no scope" (global)
  std::atomic<bool> live{true};
};

// What the headers of a request say about its scope.
struct ScopeResolution {
  std::shared_ptr<ScopeRecord> scope;   // null: global
  std::vector<std::string> collisions;  // two or more scope names: the request is refused
};

class ScopeRegistry {
 public:
  // Lowercases `name`; throws ScopeError when it is malformed or taken.
  std::shared_ptr<ScopeRecord> create(const std::string& name);
  // Marks the scope dead and forgets it; throws ScopeError when there is no such scope.
  std::shared_ptr<ScopeRecord> remove(const std::string& name);
  // The same for this very scope; false when it is gone already (a later one may have its name).
  bool remove(const ScopeRecord& record);
  std::vector<std::string> names() const;  // in creation order
  // `headers` is the {lowercase name: value} object of a request.
  ScopeResolution resolve(const nlohmann::json& headers) const;
  // The same for a received request; its headers' JSON is built only when a scope exists.
  ScopeResolution resolve(const RequestSubjects& subjects) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<ScopeRecord>> by_name_;
  std::uint64_t last_id_ = 0;
};

// "Team_A" -> "team_a"; throws ScopeError unless the name is 1-128 of [A-Za-z0-9_-] and not
// a standard request header (a scope named "accept" would capture nearly every request).
std::string normalize_scope_name(const std::string& name);

}  // namespace mockhttp::detail
