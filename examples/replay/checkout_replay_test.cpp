// The replay example: the checkout is tested against Stripe answers captured in case files.
// mockhttp is the app's HTTP proxy; the session's rules answer its calls.
#include <mockhttp/gtest.hpp>

#include "checkout.hpp"

using namespace mockhttp;

namespace {

const std::string kCases = CHECKOUT_CASES_DIR;

TEST(CheckoutReplay, ChargesTheCapturedCard) {
  MockServer server;
  ReplaySession session = server.start_session(ReplayMode::replay);
  session.load_case_from_file(kCases + "/checkout-paid.case.json");

  const CapturedExchange hit = session.find_in_case(CasePredicate::outbound()
                                                        .with_method("POST")
                                                        .with_host_suffix("stripe.com")
                                                        .with_path_prefix("/v1/payment_intents"));
  session.mock_outbound(CasePredicate{}.with_host_suffix("stripe.com").with_path_prefix("/v1/payment_intents"),
                        hit.response);
  session.set_policy(ReplayPolicy::strict());

  shop::Checkout checkout(server.url(), {session.header()});
  EXPECT_EQ(checkout.pay(1000), "paid");
  EXPECT_EQ(session.fixtures().at("test_user_id"), "u_test_abc");
}

TEST(CheckoutReplay, AnEditedCaptureDrivesTheOtherBranch) {
  MockServer server;
  ReplaySession session = server.start_session();
  session.load_case_from_file(kCases + "/checkout-paid.case.json");
  CapturedExchange hit = session.find_in_case(CasePredicate{}.with_host_suffix("stripe.com"));
  nlohmann::json body = hit.response.body_as_json();
  body["status"] = "requires_action";
  session.mock_outbound(CasePredicate{}.with_host_suffix("stripe.com"), hit.response.with_json_body(body));

  shop::Checkout checkout(server.url(), {session.header()});
  EXPECT_EQ(checkout.pay(1000), R"(error: {"id":"pi_123","status":"requires_action"})");
}

TEST(CheckoutReplay, StrictPolicyMakesAForgottenMockFailLoudly) {
  MockServer server;
  ReplaySession session = server.start_session();
  session.set_policy(ReplayPolicy::strict());
  shop::Checkout checkout(server.url(), {session.header()});
  EXPECT_EQ(checkout.pay(1000), "error: status 502");
}

// One test per case file, named after its caseId: CheckoutCases/EveryCase/checkout_declined, ...
class EveryCase : public ::testing::TestWithParam<CaseFile> {};

TEST_P(EveryCase, TheCheckoutAnswersAsTheCaptureSays) {
  MockServer server;
  ReplaySession session = server.start_session();
  session.load_case_from_file(GetParam().path);
  const CapturedExchange hit = session.find_in_case(CasePredicate{}.with_host_suffix("stripe.com"));
  session.mock_outbound(CasePredicate{}.with_host_suffix("stripe.com"), hit.response);
  shop::Checkout checkout(server.url(), {session.header()});
  EXPECT_EQ(checkout.pay(1000), hit.response.status == 200 ? "paid" : "declined");
}

INSTANTIATE_TEST_SUITE_P(CheckoutCases, EveryCase, ::testing::ValuesIn(case_files(kCases, "checkout-*.case.json")),
                         CaseIdName{});

}  // namespace
