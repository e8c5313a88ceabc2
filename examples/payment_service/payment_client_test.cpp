// The demo: the payment client tested against a MockServer, as a team would test its own code.
#include <mockhttp/gtest.hpp>

#include "payment_client.hpp"

using namespace mockhttp;

namespace {

class PaymentClientTest : public ::testing::Test {
 protected:
  MockServer payment_api;  // a real HTTP server on 127.0.0.1, stopped when the test ends
  shop::PaymentClient client{payment_api.url(), "t0k3n"};
};

TEST_F(PaymentClientTest, AcceptedPaymentReturnsItsId) {
  payment_api
      .when_requested_with(Request{}
                               .method("POST")
                               .path("/payment")
                               .header("authorization", regex("^Bearer "))
                               .body(as_json(key_values({{"amount", gt(0)}, {"currency", "EUR"}}))))
      .respond_with_json(200, {{"status", "accepted"}, {"id", "pay_123"}});

  const auto result = client.charge(4200, "EUR");

  EXPECT_TRUE(result.accepted) << result.error;
  EXPECT_EQ(result.payment_id, "pay_123");
  EXPECT_THAT(payment_api, Received(Request{}.method("POST").path("/payment")).Times(1));
}

TEST_F(PaymentClientTest, DeclinedPaymentIsReportedAsAnError) {
  payment_api.when_requested_with(Request{}.method("POST").path("/payment"))
      .respond_with_json(402, {{"error", "card_declined"}});

  const auto result = client.charge(4200, "EUR");

  EXPECT_FALSE(result.accepted);
  EXPECT_EQ(result.error, "payment API answered 402");
}

TEST_F(PaymentClientTest, StatusIsReadFromThePaymentResource) {
  payment_api.when_requested_with(Request{}.method("GET").path("/payment/{id}"))
      .respond_with_json(200, {{"status", "settled"}});

  EXPECT_EQ(client.status_of("pay_123"), "settled");
  EXPECT_EQ(payment_api.requests().back().path_params.at("id"), "pay_123");
}

TEST_F(PaymentClientTest, AnUnknownPaymentIsNullopt) {
  // No stub: the mock answers 404 NO_STUB_MATCH_FOUND, which the client treats as unknown.
  EXPECT_EQ(client.status_of("pay_404"), std::nullopt);
}

}  // namespace
