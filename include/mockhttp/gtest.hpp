#pragma once
// GoogleTest and GoogleMock integration.
//
//   EXPECT_THAT(server, Received(Request{}.method("POST").path("/payment")).Times(2));
//   EXPECT_THAT(server, Received(Request{}.path("/x")).Times(between(1, 3)));
//   server.when_requested_with(Request{}.header("x-id", text_that(StartsWith("req-"))))...
//
// A failed Received() prints the same near-miss report as confirm_request(): what was
// expected, how many requests matched, and the closest requests with each field's mismatch.
// Thread safety: as MockServer::confirm_request() and Criteria (any thread).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <sstream>
#include <string>

#include <mockhttp/mockhttp.hpp>

namespace mockhttp {

// `EXPECT_THAT(server, Received(matcher))`: at least once unless .Times() says otherwise.
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

  bool MatchAndExplain(const MockServer& server, std::ostream* listener) const {
    const Verification verification = server.confirm_request(matcher_, times_);
    if (listener != nullptr && !verification.passed()) *listener << "\n" << verification.report();
    return verification.passed();
  }
  void DescribeTo(std::ostream* os) const {
    *os << "received " << times_.describe() << " request(s) matching {" << matcher_.describe() << "}";
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "did not receive " << times_.describe() << " request(s) matching {" << matcher_.describe()
        << "}";
  }

 private:
  Request matcher_;
  Criteria times_ = gte(1);
};

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

inline void PrintTo(const Verification& verification, std::ostream* os) { *os << verification.report(); }
inline void PrintTo(const RecordedRequest& request, std::ostream* os) { *os << request.describe(); }
inline void PrintTo(const Request& request, std::ostream* os) { *os << "{" << request.describe() << "}"; }
inline void PrintTo(const Criteria& criteria, std::ostream* os) { *os << criteria.describe(); }

}  // namespace mockhttp

// EXPECT_THAT(server, ...) prints the server; say which, not its bytes.
namespace mockhttp {
inline void PrintTo(const MockServer& server, std::ostream* os) { *os << "MockServer at " << server.url(); }
}  // namespace mockhttp
