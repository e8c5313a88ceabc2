#pragma once
// Verification: the answer of confirm_request(). Converts to bool and prints a report that
// says what was expected, what the journal holds and which requests came closest.
//
//   EXPECT_TRUE(server.confirm_request(Request{}.path("/x"), 2));  // bool only
//   auto v = server.confirm_request(Request{}.path("/x"), 2);
//   EXPECT_TRUE(v) << v;                                          // with the report
//   EXPECT_THAT(server, Received(Request{}.path("/x")).Times(2));  // mockhttp/gtest.hpp
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include <mockhttp/near_miss.hpp>

namespace mockhttp {

class Engine;

// [[nodiscard]] on the type, so every function returning one (confirm_request, wait_for,
// confirm_sequence, verify, confirm_calls, ...) warns when its verdict is dropped unread.
class [[nodiscard]] Verification {
 public:
  explicit operator bool() const noexcept { return passed_; }
  bool passed() const noexcept { return passed_; }
  std::size_t matching_requests() const noexcept { return matching_; }
  // One paragraph; when the verification failed it lists the closest journaled requests.
  const std::string& report() const noexcept { return report_; }
  const std::vector<NearMiss>& closest_requests() const noexcept { return closest_; }

  friend std::ostream& operator<<(std::ostream& os, const Verification& v) { return os << v.report_; }

 private:
  friend class Engine;
  Verification(bool passed, std::size_t matching, std::string report, std::vector<NearMiss> closest)
      : passed_(passed), matching_(matching), report_(std::move(report)), closest_(std::move(closest)) {}

  bool passed_;
  std::size_t matching_;
  std::string report_;
  std::vector<NearMiss> closest_;
};

}  // namespace mockhttp
