// The rule index changes which replay rules are evaluated, never which one decides: a session
// that looks rules up in the path index is compared with one that scans every rule (the
// reference) over thousands of random rule sets and requests — literal paths (braces
// included), prefixes, no path, methods, hosts, priorities, both layers and `consume: once`.
#include <gtest/gtest.h>

#include <random>

#include <mockhttp/mockhttp.hpp>

#include "matching/request_evaluation.hpp"
#include "replay/replay_sessions.hpp"

using namespace mockhttp;
using nlohmann::json;

namespace rule_index {

const char* const kSegments[] = {"a", "b", "v1", "{id}", "7", ""};

std::string random_path(std::mt19937& random) {
  const int length = std::uniform_int_distribution<int>(0, 3)(random);
  std::string path;
  for (int i = 0; i < length; ++i)
    path += std::string("/") + kSegments[std::uniform_int_distribution<int>(0, 5)(random)];
  if (path.empty() || std::uniform_int_distribution<int>(0, 5)(random) == 0) path += "/";
  return path;
}

json random_rule(std::mt19937& random, const std::string& id) {
  const auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(random); };
  json when = json::object();
  switch (pick(5)) {
    case 0:
      break;  // no path: a candidate for every request
    case 1:
      when["pathPrefix"] = "/" + std::string(kSegments[pick(3)]);
      break;
    case 2:
      when["path"] = random_path(random);
      when["pathPrefix"] = "/a";
      break;
    default:
      when["path"] = random_path(random);
  }
  if (pick(2) == 0) when["method"] = pick(2) == 0 ? "GET" : "POST";
  if (pick(4) == 0) when["host"] = pick(2) == 0 ? "api.example.com" : "other.example.com";
  if (pick(6) == 0) when["direction"] = "inbound";
  json rule = {{"id", id},
               {"priority", pick(3)},
               {"when", when},
               {"then", {{"action", "mock"}, {"response", {{"status", 200}, {"body", id}}}}}};
  if (pick(4) == 0) rule["consume"] = "once";
  return rule;
}

TEST(RuleIndex, IndexedDecisionsAreTheLinearScansOverRandomRuleSetsAndRequests) {
  std::mt19937 random(20261125);
  const auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(random); };
  int requests_compared = 0, decided_by_rule = 0;
  for (int set = 0; set < 250; ++set) {
    ReplaySessionState indexed("indexed", ReplayMode::replay, true), linear("linear", ReplayMode::replay, false);
    json case_rules = json::array();
    const int in_case = pick(2) == 0 ? 0 : 1 + pick(20);
    for (int i = 0; i < in_case; ++i) case_rules.push_back(random_rule(random, "case-" + std::to_string(i)));
    const json document = {
        {"version", "1.0.0"}, {"caseId", "random"}, {"traces", json::array()}, {"rules", case_rules}};
    indexed.load_case(ReplayCase::from_json(document));
    linear.load_case(ReplayCase::from_json(document));
    const int in_session = set % 10 == 0 ? 300 : pick(20);
    std::vector<ReplayRule> replaced;
    for (int i = 0; i < in_session; ++i) {
      const ReplayRule rule = ReplayRule::from_json(random_rule(random, "session-" + std::to_string(i)));
      if (set % 3 == 0) {
        replaced.push_back(rule);  // the wire's POST .../rules replaces the layer at once
      } else {
        indexed.add_rule(rule);
        linear.add_rule(rule);
      }
    }
    if (set % 3 == 0) {
      indexed.replace_rules(replaced);
      linear.replace_rules(replaced);
    }
    for (int r = 0; r < 40; ++r) {
      RecordedRequest request;
      request.method = pick(2) == 0 ? "GET" : "POST";
      request.path = random_path(random);
      request.host = pick(2) == 0 ? "api.example.com" : "other.example.com";
      const detail::RequestSubjects subjects(request);
      const auto a = indexed.decide(subjects, request);
      const auto b = linear.decide(subjects, request);
      ++requests_compared;
      ASSERT_EQ(a.rule_id, b.rule_id) << request.method << " " << request.path << " set " << set;
      ASSERT_EQ(static_cast<int>(a.kind), static_cast<int>(b.kind));
      if (!a.rule_id.empty()) ++decided_by_rule;
    }
  }
  EXPECT_GE(requests_compared, 10000);
  EXPECT_GT(decided_by_rule, requests_compared / 4) << "the random sets must match often enough to compare choices";
}

TEST(RuleIndex, ARuleAddedAfterTenThousandOthersDecidesItsPath) {
  ReplaySessionState session("many", ReplayMode::replay);
  for (int i = 0; i < 10000; ++i) {
    session.add_rule(ReplayRule::from_json({{"id", "item-" + std::to_string(i)},
                                            {"when", {{"method", "GET"}, {"path", "/items/" + std::to_string(i)}}},
                                            {"then", {{"action", "mock"}, {"response", {{"status", 200}}}}}}));
  }
  session.add_rule(ReplayRule::from_json({{"id", "braces"},
                                          {"when", {{"path", "/users/{id}"}}},
                                          {"then", {{"action", "mock"}, {"response", {{"status", 200}}}}}}));
  RecordedRequest request;
  request.method = "GET";
  request.path = "/items/9999";
  EXPECT_EQ(session.decide(detail::RequestSubjects(request), request).rule_id, "item-9999");
  request.path = "/users/{id}";  // a rule's path is literal: braces are characters
  EXPECT_EQ(session.decide(detail::RequestSubjects(request), request).rule_id, "braces");
  request.path = "/users/7";
  EXPECT_EQ(session.decide(detail::RequestSubjects(request), request).rule_id, "");
}

}  // namespace rule_index
