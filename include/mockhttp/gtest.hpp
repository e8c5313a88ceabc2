#pragma once
// GoogleTest and GoogleMock integration.
//
//   EXPECT_THAT(server, Received(Request{}.method("POST").path("/payment")).Times(2));
//   EXPECT_THAT(server, Received(Request{}.path("/x")).Times(between(1, 3)));
//   EXPECT_THAT(server, ReceivedInOrder(Request{}.path("/cart"), Request{}.path("/pay")));
//   EXPECT_THAT(server, ReceivedCall("shop.v1.Catalog/GetItem").WithMessage(key_values({{"sku", "A-1"}})));
//   server.when_requested_with(Request{}.header("x-id", text_that(StartsWith("req-"))))...
//
// A failed Received() prints the same near-miss report as confirm_request(): what was
// expected, how many requests matched, and the closest requests with each field's mismatch.
// Including this header also makes unmet expect()s GoogleTest failures at the line where each
// stub was mounted (mockhttp/expectations.hpp), and offers UnusedStubsListener.
// Thread safety: as MockServer::confirm_request() and Criteria (any thread).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <mockhttp/mockhttp.hpp>

namespace mockhttp {

// Whether the last test has run (set by SettleLiveServersAfterTheLastTest below).
inline std::atomic<bool>& googletest_program_ended() {
  static std::atomic<bool> ended{false};
  return ended;
}

// Unmet expectations as GoogleTest failures, at the file and line where the stub was mounted,
// with the near-miss report. Installed as the expectation sink by including this header.
// After the last test GoogleTest can no longer fail the run (its exit status is decided), so a
// failure then, from a server that ends during the program's exit, is written to stderr and
// ends the process with status 1: a run must not be green with a failed expectation.
inline void report_expectation_to_googletest(const ExpectationFailure& failure) {
  if (googletest_program_ended().load()) {
    std::fprintf(stderr, "mockhttp: unmet expectation after the last test; the run fails (exit status 1)\n%s\n",
                 failure.report.c_str());
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(1);
  }
  if (failure.mounted_at.known()) {
    ADD_FAILURE_AT(failure.mounted_at.file, failure.mounted_at.line) << failure.report;
  } else {
    ADD_FAILURE() << failure.report;
  }
}
inline const bool googletest_expectation_sink_installed =
    (set_expectation_sink(&report_expectation_to_googletest), true);

// A suite-wide server (a static, or one a global environment holds) outlives every test, so its
// end comes after GoogleTest has decided the exit status. This environment's TearDown runs
// after the last test while failures still count: it checks every live server's expectations
// there (settle_live_servers), failing the run at each stub's mounting line.
class SettleLiveServersAfterTheLastTest : public ::testing::Environment {
 public:
  void SetUp() override { googletest_program_ended().store(false); }  // --gtest_repeat runs it again
  void TearDown() override {
    settle_live_servers();
    googletest_program_ended().store(true);
  }
};
inline const bool googletest_live_servers_settled_at_end =
    (::testing::AddGlobalTestEnvironment(new SettleLiveServersAfterTheLastTest), true);

// `EXPECT_THAT(server, Received(matcher))`: at least once unless .Times() says otherwise.
// Works on a MockServer, a Scope or a StubGroup (each counts what its confirm_request() counts).
class Received {
 public:
  using is_gtest_matcher = void;

  explicit Received(Request matcher) : matcher_(std::move(matcher)) {}
  // An exact count (Times(2)) or a criteria on the count (Times(between(1, 3))).
  Received Times(Criteria times) const {
    Received copy = *this;
    copy.times_ = std::move(times);
    return copy;
  }

  template <typename Source>
  bool MatchAndExplain(const Source& server, std::ostream* listener) const {
    const Verification verification = server.confirm_request(matcher_, times_);
    if (listener != nullptr && !verification.passed()) *listener << "\n" << verification.report();
    return verification.passed();
  }
  void DescribeTo(std::ostream* os) const {
    *os << "received " << times_.describe() << " request(s) matching {" << matcher_.describe() << "}";
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "did not receive " << times_.describe() << " request(s) matching {" << matcher_.describe() << "}";
  }

 private:
  Request matcher_;
  Criteria times_ = gte(1);
};

// `EXPECT_THAT(server, ReceivedCall("shop.v1.Catalog/GetItem").WithMessage(key_values({{"sku", "A-1"}})))`:
// Received() for the gRPC calls of a method (grpc_method), narrowed by their request message
// (criteria on its JSON, or on the JSON array of a client stream's messages) and metadata; at
// least once unless .Times() says otherwise. A failure prints the near-miss report.
class ReceivedCall {
 public:
  using is_gtest_matcher = void;

  explicit ReceivedCall(std::string method) : method_(std::move(method)) {}
  ReceivedCall WithMessage(Criteria message) const {
    ReceivedCall copy = *this;
    copy.message_ = std::move(message);
    return copy;
  }
  ReceivedCall WithMetadata(const std::string& name, Criteria value) const {
    ReceivedCall copy = *this;
    copy.metadata_.emplace_back(name, std::move(value));
    return copy;
  }
  ReceivedCall Times(Criteria times) const {
    ReceivedCall copy = *this;
    copy.times_ = std::move(times);
    return copy;
  }

  template <typename Source>
  bool MatchAndExplain(const Source& server, std::ostream* listener) const {
    return Received(call()).Times(times_).MatchAndExplain(server, listener);
  }
  void DescribeTo(std::ostream* os) const { Received(call()).Times(times_).DescribeTo(os); }
  void DescribeNegationTo(std::ostream* os) const { Received(call()).Times(times_).DescribeNegationTo(os); }

 private:
  Request call() const {
    Request request = message_ ? grpc_method(method_, *message_) : grpc_method(method_);
    for (const auto& [name, value] : metadata_) request.header(name, value);
    return request;
  }

  std::string method_;
  std::optional<Criteria> message_;
  std::vector<std::pair<std::string, Criteria>> metadata_;
  Criteria times_ = gte(1);
};

// `EXPECT_THAT(server, ReceivedMessage(key_values({{"op", "subscribe"}})).OnPath("/feed"))`:
// Received() for WebSocket messages the clients sent (websocket_received), narrowed by the
// connection's path; at least once unless .Times() says otherwise. A failure prints the
// near-miss report: the closest messages and why each missed.
class ReceivedMessage {
 public:
  using is_gtest_matcher = void;

  explicit ReceivedMessage(Criteria payload = exists()) : payload_(std::move(payload)) {}
  ReceivedMessage OnPath(std::string path) const {
    ReceivedMessage copy = *this;
    copy.path_ = std::move(path);
    return copy;
  }
  ReceivedMessage Times(Criteria times) const {
    ReceivedMessage copy = *this;
    copy.times_ = std::move(times);
    return copy;
  }

  template <typename Source>
  bool MatchAndExplain(const Source& server, std::ostream* listener) const {
    return Received(message()).Times(times_).MatchAndExplain(server, listener);
  }
  void DescribeTo(std::ostream* os) const { Received(message()).Times(times_).DescribeTo(os); }
  void DescribeNegationTo(std::ostream* os) const { Received(message()).Times(times_).DescribeNegationTo(os); }

 private:
  Request message() const {
    Request matcher = websocket_received(payload_);
    if (path_) matcher.path(*path_);
    return matcher;
  }

  Criteria payload_;
  std::optional<std::string> path_;
  Criteria times_ = gte(1);
};

// `EXPECT_THAT(server, ReceivedInOrder(m1, m2, m3))`: requests matching m1, m2 and m3 arrived
// in that order (others may come between). A failure names the step that found no request,
// the first request that matched it out of order, and their journal indices.
class ReceivedInOrder {
 public:
  using is_gtest_matcher = void;

  template <typename... More>
  explicit ReceivedInOrder(Request first, More... more) : matchers_{std::move(first), Request(std::move(more))...} {}
  explicit ReceivedInOrder(std::vector<Request> matchers) : matchers_(std::move(matchers)) {}

  template <typename Source>
  bool MatchAndExplain(const Source& server, std::ostream* listener) const {
    const Verification verification = server.confirm_sequence(matchers_);
    if (listener != nullptr && !verification.passed()) *listener << "\n" << verification.report();
    return verification.passed();
  }
  void DescribeTo(std::ostream* os) const { describe(os, "received in order: "); }
  void DescribeNegationTo(std::ostream* os) const { describe(os, "did not receive in order: "); }

 private:
  void describe(std::ostream* os, const char* prefix) const {
    *os << prefix;
    for (std::size_t i = 0; i < matchers_.size(); ++i)
      *os << (i == 0 ? "{" : ", then {") << matchers_[i].describe() << "}";
  }
  std::vector<Request> matchers_;
};

// Lists, at the end of the test binary, the stubs that never answered a request (with the
// line that mounted each). Turn it on once, at namespace scope of any test file:
//   [[maybe_unused]] static const bool unused_stubs_listed = mockhttp::list_unused_stubs_at_exit();
// or append it yourself in main(): listeners().Append(new mockhttp::UnusedStubsListener).
class UnusedStubsListener : public ::testing::EmptyTestEventListener {
 public:
  explicit UnusedStubsListener(std::ostream& out = std::cout) : out_(&out) { track_unused_stubs(true); }
  void OnTestProgramEnd(const ::testing::UnitTest&) override { report(*out_); }

  // Writes the stubs noted since the last report and forgets them; returns how many.
  static std::size_t report(std::ostream& out) {
    const std::vector<UnusedStub> unused = take_unused_stubs();
    if (unused.empty()) return 0;
    out << "[ mockhttp ] " << unused.size() << " stub(s) never answered a request:\n";
    for (const auto& stub : unused) {
      out << "[ mockhttp ]   "
          << (stub.mounted_at.known() ? stub.mounted_at.describe() : std::string("(not mounted from C++)")) << ": {"
          << stub.stub << "} [" << stub.stub_id << "]\n";
    }
    return unused.size();
  }

 private:
  std::ostream* out_;
};

inline bool list_unused_stubs_at_exit() {
  ::testing::UnitTest::GetInstance()->listeners().Append(new UnusedStubsListener);
  return true;
}

// Any GoogleMock matcher as a criteria on a string subject (method, path, a header, the body).
inline Criteria text_that(::testing::Matcher<const std::string&> matcher) {
  std::ostringstream description;
  matcher.DescribeTo(&description);
  return satisfies(description.str(), [matcher](const nlohmann::json& subject) {
    if (!subject.is_string()) return MatchResult{false, "expected a string, got " + subject.dump()};
    ::testing::StringMatchResultListener listener;
    const auto& text = subject.get_ref<const std::string&>();
    if (matcher.MatchAndExplain(text, &listener)) return MatchResult{true, {}};
    std::ostringstream why;
    why << "expected a string that ";
    matcher.DescribeTo(&why);
    why << ", got " << nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (!listener.str().empty()) why << " (" << listener.str() << ")";
    return MatchResult{false, why.str()};
  });
}

// Any GoogleMock matcher on a number subject (a parsed JSON value, the count of `times`).
inline Criteria number_that(::testing::Matcher<double> matcher) {
  std::ostringstream description;
  matcher.DescribeTo(&description);
  return satisfies(description.str(), [matcher](const nlohmann::json& subject) {
    if (!subject.is_number()) return MatchResult{false, "expected a number, got " + subject.dump()};
    if (matcher.Matches(subject.get<double>())) return MatchResult{true, {}};
    std::ostringstream why;
    why << "expected a number that ";
    matcher.DescribeTo(&why);
    why << ", got " << subject.dump();
    return MatchResult{false, why.str()};
  });
}

// One GoogleTest per case file: the files of `folder` whose names match `pattern` (fnmatch
// wildcards, e.g. "checkout-*.case.json"), in name order, each with its caseId.
//
//   class CheckoutReplay : public ::testing::TestWithParam<CaseFile> {};
//   TEST_P(CheckoutReplay, Pays) { session.load_case_from_file(GetParam().path); ... }
//   INSTANTIATE_TEST_SUITE_P(Cases, CheckoutReplay,
//                            ::testing::ValuesIn(case_files("cases", "checkout-*.case.json")), CaseIdName{});
//
// A file that does not load fails the test made for it (its case_id is then the file name).
// Two files may share a caseId (a copied case file is the usual way to make a variant): each
// test is still named uniquely, `test_name` being the caseId, then the file name where two
// clash, then the position where even those do.
struct CaseFile {
  std::string path;
  std::string case_id;
  std::string test_name;  // what CaseIdName names the test; filled by case_files()
};

// Letters, digits and '_', as GoogleTest allows in a test's name.
inline std::string test_name_from(const std::string& text) {
  std::string name;
  for (char c : text) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

// Shell-style file name matching, `*` and `?` only, as case_files() uses it (portable: no
// <fnmatch.h>): matches_file_pattern("checkout-*.case.json", "checkout-paid.case.json").
inline bool matches_file_pattern(const std::string& pattern, const std::string& name) {
  std::size_t p = 0, n = 0, star = std::string::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (star != std::string::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// A folder that is missing gives one entry, named missing_case_folder, whose test fails with the
// load error (a start-up exception would abort the whole test binary instead).
inline std::vector<CaseFile> case_files(const std::string& folder, const std::string& pattern = "*.case.json") {
  std::vector<CaseFile> files;
  std::error_code error;
  if (!std::filesystem::is_directory(folder, error)) return {{folder, "missing_case_folder", "missing_case_folder"}};
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || !matches_file_pattern(pattern, name)) continue;
    std::string case_id = name;
    try {
      case_id = ReplayCase::load_from_file(entry.path().string()).case_id();
    } catch (const Error&) {
      // kept: the test for this file reports the load error
    }
    files.push_back({entry.path().string(), case_id, ""});
  }
  std::sort(files.begin(), files.end(), [](const CaseFile& a, const CaseFile& b) { return a.path < b.path; });
  std::map<std::string, int> uses;
  for (const auto& file : files) ++uses[test_name_from(file.case_id)];
  std::set<std::string> taken;
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::string name = test_name_from(files[i].case_id);
    if (name.empty()) name = "case";
    if (uses[test_name_from(files[i].case_id)] > 1) {
      name += "_" + test_name_from(std::filesystem::path(files[i].path).filename().string());
    }
    if (taken.count(name) != 0) name += "_" + std::to_string(i);
    taken.insert(name);
    files[i].test_name = name;
  }
  return files;
}

// Names each test after its caseId, as GoogleTest allows: letters, digits and '_'; made unique
// by case_files() (CaseFile::test_name). A CaseFile built by hand, without a test_name, is named
// after its caseId and its position, so that two equal caseIds never abort the binary.
struct CaseIdName {
  std::string operator()(const ::testing::TestParamInfo<CaseFile>& info) const {
    if (!info.param.test_name.empty()) return info.param.test_name;
    const std::string name = test_name_from(info.param.case_id);
    return (name.empty() ? "case" : name) + "_" + std::to_string(info.index);
  }
};

// A scope name for the running test, unique within the binary: "<suite>-<test>" made valid by
// scope_name_from(), so TEST_P names ("Instances/Suite.Works/0") are fine.
//   Scope scope = server.new_scope(mockhttp::current_test_scope_name());
// Call it from the test's thread, inside a test (GoogleTest's current test); throws
// std::logic_error outside one.
inline std::string current_test_scope_name() {
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  if (test == nullptr) throw std::logic_error("current_test_scope_name() is called outside a running test");
  return scope_name_from(std::string(test->test_suite_name()) + "-" + test->name());
}

inline void PrintTo(const CaseFile& file, std::ostream* os) { *os << file.case_id << " (" << file.path << ")"; }
inline void PrintTo(const Verification& verification, std::ostream* os) { *os << verification.report(); }
inline void PrintTo(const RecordedRequest& request, std::ostream* os) { *os << request.describe(); }
inline void PrintTo(const Request& request, std::ostream* os) { *os << "{" << request.describe() << "}"; }
inline void PrintTo(const Criteria& criteria, std::ostream* os) { *os << criteria.describe(); }

}  // namespace mockhttp

// EXPECT_THAT(server, ...) prints the server; say which, not its bytes.
namespace mockhttp {
inline void PrintTo(const MockServer& server, std::ostream* os) { *os << "MockServer at " << server.url(); }
inline void PrintTo(const Scope& scope, std::ostream* os) { *os << "Scope '" << scope.name() << "'"; }
inline void PrintTo(const StubGroup& group, std::ostream* os) {
  *os << "StubGroup of " << group.stub_ids().size() << " stub(s)";
}
}  // namespace mockhttp
