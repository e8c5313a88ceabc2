#pragma once
// The mounted stubs, and the choice of which one answers a request.
// Thread safety: every member is safe to call from any thread. Matching runs on a snapshot,
// outside the lock; the winner's call is claimed atomically, so a max_calls(1) stub answers
// exactly one of many concurrent requests.
#include <atomic>
#include <cstdint>
#include <map>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <mockhttp/stub_definition.hpp>

#include "matching/call_budget.hpp"
#include "matching/path_index.hpp"
#include "matching/path_pattern.hpp"
#include "matching/request_fields.hpp"
#include "matching/request_evaluation.hpp"
#include "matching/scenario_states.hpp"
#include "core/request_journal.hpp"
#include "exchange/conversation.hpp"
#include "exchange/delivery_plan.hpp"

namespace mockhttp::detail {

// The scope a stub belongs to: its id (kGlobalScope for none) and its name, for listings.
struct StubScope {
  std::uint64_t id = kGlobalScope;
  std::optional<std::string> name;
};

// A conversation stub's replies, encoded at mount: one step per reply rule, the closing one, and
// the head of its answer.
struct EncodedConversation {
  std::vector<ConversationStep> rules;
  ConversationStep closing;
  DeliveryPlan head;
};

// A protocol's answers (gRPC) its codec encoded at mount: the serving path only copies one.
struct EncodedAnswers {
  struct Turn {
    DeliveryPlan plan;
    std::string messages_json;  // what the journal keeps of the answer's messages
  };
  std::vector<Turn> turns;  // answered in turn, as a sequence
  // The answer of a grpc_status chaos fault, when the stub has one.
  std::optional<Turn> status_fault;
  std::optional<EncodedConversation> conversation;
};

struct MountedStub {
  MountedStub(std::string id, StubDefinition definition, StubScope scope, std::uint64_t sequence,
              EncodedAnswers encoded_answers = {})
      : id(std::move(id)),
        definition(std::move(definition)),
        scope(std::move(scope)),
        sequence(sequence),
        encoded_answers(std::move(encoded_answers)),
        budget(this->definition.max_calls) {
    // Compiled once, at mount: the serving path never parses a pattern again.
    if (const auto& text = RequestFields::path_pattern(this->definition.request)) pattern.emplace(*text);
  }
  const std::string id;
  const StubDefinition definition;
  const StubScope scope;
  const std::uint64_t sequence;  // mount order: the newest wins a full tie
  const EncodedAnswers encoded_answers;
  CallBudget budget;                          // max_calls
  std::optional<PathPattern> pattern;         // the path template, when the matcher has one
  mutable std::atomic<bool> recorded{false};  // a recording proxy has kept its first answer
  mutable std::atomic<bool> settled{false};   // its end of life was reported (expectations)
};

struct StubSelection {
  std::shared_ptr<const MountedStub> stub;
  std::map<std::string, std::string> path_params;
  std::int64_t call_number = 0;                  // 1 for the stub's first answer, 2 for its second, ...
  std::optional<ScenarioTransition> transition;  // the scenario move the answer made
};

// How many stubs one near-miss report evaluates at most (docs/security.md).
inline constexpr std::size_t kNearMissScanBound = 1000;

class StubRegistry {
 public:
  // `indexed`: select() looks up candidates in the path index; false makes it scan every stub,
  // the reference the index is tested against.
  explicit StubRegistry(bool indexed = true) : indexed_(indexed) {}

  // `id`: one of the caller's choosing (stub files); throws StubError when it is taken.
  std::string add(StubDefinition definition, StubScope scope = {}, std::optional<std::string> id = std::nullopt,
                  EncodedAnswers encoded_answers = {});
  bool remove(const std::string& id);
  bool remove(const std::string& id, ScopeFilter filter);  // only a stub the filter admits
  void remove(ScopeFilter filter);
  void clear();
  // In mount order; `skip` and `limit` page through them.
  std::vector<StubInfo> list(ScopeFilter filter = ScopeFilter::everything(), std::size_t skip = 0,
                             std::size_t limit = std::numeric_limits<std::size_t>::max()) const;
  std::optional<StubInfo> find(const std::string& id) const;
  std::optional<std::int64_t> calls(const std::string& id) const;
  // The mounted stubs themselves, for verification: those the filter admits, or those named.
  std::vector<std::shared_ptr<MountedStub>> mounted(ScopeFilter filter) const;
  std::vector<std::shared_ptr<MountedStub>> mounted(const std::vector<std::string>& ids) const;
  bool any_chaos() const;  // whether a mounted stub has chaos, so reports print the seed

  // The scenario states stubs read and move (per request scope).
  ScenarioStates& scenarios() { return scenarios_; }
  const ScenarioStates& scenarios() const { return scenarios_; }

  // The best-ranked stub that matches, still has calls left and whose scenario is in its
  // required state; its call is counted and its scenario moved. A request of scope S sees S's
  // stubs and the global ones; S's win ties on fields.
  // `conversations`: choose among conversation stubs only (a bidirectional call opening), else
  // among the others.
  std::optional<StubSelection> select(const RequestSubjects& subjects, std::uint64_t scope_id,
                                      bool conversations = false);
  // The stubs visible to the request that came closest to matching, for the 404 report: of at
  // most kNearMissScanBound stubs, those on the request's path first, then the newest.
  std::vector<NearMiss> closest(const RequestSubjects& subjects, std::uint64_t scope_id, std::size_t limit) const;

 private:
  std::vector<std::shared_ptr<MountedStub>> snapshot() const;
  void erase(std::vector<std::shared_ptr<MountedStub>>::iterator it);  // lock held
  std::string new_id();

  const bool indexed_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<MountedStub>> stubs_;  // mount order, for listings
  std::unordered_map<std::string, std::shared_ptr<MountedStub>> by_id_;
  PathIndex<std::shared_ptr<MountedStub>> index_;
  std::uint64_t next_sequence_ = 0;
  ScenarioStates scenarios_;
  std::mt19937_64 id_generator_{std::random_device{}()};
};

}  // namespace mockhttp::detail
