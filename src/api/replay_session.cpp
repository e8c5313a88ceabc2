#include <fstream>

#include <mockhttp/errors.hpp>
#include <mockhttp/replay_session.hpp>

#include "replay/replay_sessions.hpp"
#include "core/engine.hpp"
#include "replay/case_writer.hpp"

namespace mockhttp {

ReplaySession::ReplaySession(std::shared_ptr<Engine> core, std::shared_ptr<ReplaySessionState> state, bool owner)
    : core_(std::move(core)), state_(std::move(state)), owner_(owner) {}

ReplaySession::~ReplaySession() {
  if (state_ && owner_) close();
}

ReplaySession::ReplaySession(ReplaySession&& other) noexcept = default;

ReplaySession& ReplaySession::operator=(ReplaySession&& other) noexcept {
  if (this != &other) {
    if (state_ && owner_) close();
    core_ = std::move(other.core_);
    state_ = std::move(other.state_);
    owner_ = other.owner_;
  }
  return *this;
}

namespace {
// As a deleted scope refuses new stubs, a closed session refuses every change.
void refuse_when_closed(const ReplaySessionState& state, const char* call) {
  if (state.closed()) {
    throw SessionError(SessionError::Reason::closed,
                       "replay session '" + state.id() + "' was closed; " + call + " can no longer change it");
  }
}
}  // namespace

const std::string& ReplaySession::id() const { return state_->id(); }

nlohmann::json ReplaySession::captured_case(const std::string& case_id) const {
  return detail::case_document(case_id.empty() ? state_->id() : case_id, state_->id(), state_->captured());
}

std::vector<CapturedExchange> ReplaySession::captured() const { return state_->captured(); }

void ReplaySession::write_case(const std::string& path, const std::string& case_id) const {
  std::ofstream out(path);
  out << captured_case(case_id).dump(2) << "\n";
  out.close();
  if (!out) throw ServerError("cannot write the captured case to " + path);
}
std::uint64_t ReplaySession::revision() const { return state_->revision(); }

void ReplaySession::load_case_from_file(const std::string& path) { load_case(ReplayCase::load_from_file(path)); }
void ReplaySession::load_case(const ReplayCase& loaded) {
  refuse_when_closed(*state_, "load_case");
  state_->load_case(loaded);
}
void ReplaySession::load_case(const nlohmann::json& document) { load_case(ReplayCase::from_json(document)); }

CapturedExchange ReplaySession::find_in_case(const CasePredicate& predicate) const {
  const auto loaded = state_->loaded_case();
  if (!loaded) throw CaseLookupError("find_in_case: no case is loaded in session " + id(), {});
  return loaded->find(predicate);
}

std::vector<CapturedExchange> ReplaySession::find_all_in_case(const CasePredicate& predicate) const {
  const auto loaded = state_->loaded_case();
  return loaded ? loaded->find_all(predicate) : std::vector<CapturedExchange>{};
}

void ReplaySession::mock_outbound(const CasePredicate& when, const CapturedResponse& response, RuleOptions options) {
  // The predicate is compiled straight into the session's matcher; `when` keeps its wire form
  // for rules() and GET listings.
  refuse_when_closed(*state_, "mock_outbound");
  const detail::RulePredicate predicate = detail::RulePredicate::from(when);
  ReplayRule rule;
  rule.id = options.id;
  rule.priority = options.priority;
  rule.consume_once = options.consume_once;
  rule.when = predicate.to_json();
  rule.action = RuleAction::mock;
  rule.response = response.to_response();
  state_->add_rule(std::move(rule), predicate);
}

void ReplaySession::add_rule(ReplayRule rule) {
  refuse_when_closed(*state_, "add_rule");
  state_->add_rule(std::move(rule));
}

std::vector<ReplayRule> ReplaySession::rules() const { return state_->rules(); }
void ReplaySession::clear_rules() {
  refuse_when_closed(*state_, "clear_rules");
  state_->replace_rules({});
}
void ReplaySession::set_policy(const ReplayPolicy& policy) {
  refuse_when_closed(*state_, "set_policy");
  state_->set_policy(policy);
}
ReplayPolicy ReplaySession::policy() const { return state_->policy(); }
std::map<std::string, nlohmann::json> ReplaySession::fixtures() const { return state_->fixtures(); }
void ReplaySession::set_fixture(const std::string& name, nlohmann::json value) {
  refuse_when_closed(*state_, "set_fixture");
  state_->set_fixture(name, std::move(value));
}

void ReplaySession::close() { core_->replay_sessions().close(state_->id()); }
bool ReplaySession::closed() const { return state_->closed(); }

}  // namespace mockhttp
