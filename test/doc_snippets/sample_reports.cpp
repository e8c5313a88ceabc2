// The reports docs/verification.md and docs/googletest.md show, produced by the library itself:
// each test below fails on purpose the way the page describes, and test/doc_reports_test.py
// compares what this program prints with the page's text. Not a ctest test of its own.
//
// A report printed by the library (not by GoogleTest) is written between the lines
// "<<< report NAME" and ">>>", so the comparing script never has to guess where it ends.
#include <httplib.h>

#include <iostream>
#include <string>

#include <mockhttp/gtest.hpp>

namespace {

using namespace mockhttp;

void print_report(const std::string& name, const std::string& text) {
  std::cout << "<<< report " << name << "\n" << text << "\n>>>" << std::endl;
}

void send(MockServer& server, const std::string& method, const std::string& path) {
  httplib::Client client(server.host(), server.port());
  if (method == "POST") {
    client.Post(path, "{}", "application/json");
  } else {
    client.Get(path);
  }
}

// verification.md, "confirm_request": a POST that never came, and two near misses.
TEST(SampleReports, ConfirmRequestNearMisses) {
  MockServer server;
  send(server, "GET", "/payment");
  send(server, "POST", "/payments");
  auto v = server.confirm_request(Request{}.method("POST").path("/payment"), 1);
  print_report("confirm_request", v.report());
}

// verification.md, "Ordered verification": /cart came, but before /pay.
TEST(SampleReports, ConfirmSequenceOutOfOrder) {
  MockServer server;
  send(server, "GET", "/cart");
  send(server, "GET", "/products");
  send(server, "POST", "/pay");
  send(server, "GET", "/receipt");
  auto v = server.confirm_sequence({Request{}.path("/pay"), Request{}.path("/cart")});
  print_report("confirm_sequence", v.report());
}

// googletest.md, "Received": GoogleTest's own failure text around mockhttp's report.
TEST(SampleReports, ReceivedFailure) {
  MockServer server;
  send(server, "GET", "/payment");
  EXPECT_THAT(server, Received(Request{}.method("POST").path("/payment")));
}

// The two tests below name the page's file and line with #line, which renames the rest of this
// file: they stay last.

// verification.md, "Expectations verified when a mock goes away": reported by GoogleTest at
// the line that mounted the stub, which #line names as the page does.
TEST(SampleReports, UnmetExpectation) {
  MockServer payments;
#line 12 "checkout_test.cpp"
  payments.when_requested_with(Request{}.method("POST").path("/charge")).expect(1).respond_with(200);
  send(payments, "POST", "/charges");
}

// verification.md, "Stubs that were never used": listed by the listener when the program ends.
[[maybe_unused]] const bool unused_stubs_listed = list_unused_stubs_at_exit();
TEST(SampleReports, UnusedStub) {
  MockServer inventory;
#line 31 "inventory_test.cpp"
  inventory.when_requested_with(Request{}.path("/stock")).respond_with(200);
}

}  // namespace
