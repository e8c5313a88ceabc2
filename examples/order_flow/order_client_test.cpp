// The order-flow example: one test per thing a test author reaches for — a response sequence
// for a retry loop, a scenario for a payment, a C++ responder that prices an order, form and
// multipart matchers, waiting for a request sent from another thread, ordered verification,
// expectations checked when the server goes away, and a lognormal latency.
#include <mockhttp/gtest.hpp>

#include "order_client.hpp"

using namespace mockhttp;
using nlohmann::json;

// Lists, at the end of this binary, any stub that never answered (with its line).
[[maybe_unused]] static const bool unused_stubs_listed = list_unused_stubs_at_exit();

namespace {

// The token endpoint every test logs in through: it must see exactly one form login.
void serve_login(MockServer& api) {
  api.when_requested_with(
         Request{}
             .method("POST")
             .path("/oauth/token")
             .body(
                 form({{"grant_type", "client_credentials"}, {"client_id", "shop"}, {"scope", starts_with("orders")}})))
      .expect(1)
      .respond_with_json(200, {{"access_token", "t-1"}, {"token_type", "bearer"}});
}

TEST(OrderFlow, RetriesWhileTheApiIsBusy) {
  MockServer api;
  serve_login(api);
  api.when_requested_with(Request{}.method("POST").path("/orders").header("authorization", "Bearer t-1"))
      .expect(3)
      .respond_with_sequence(
          {Response(503), Response(503), Response(201).json_body({{"id", "o-1"}, {"total_cents", 500}})});
  shop::OrderClient client(api.url());
  ASSERT_TRUE(client.log_in("shop", "s3cret"));

  const shop::PlacedOrder order = client.place("tea", 2);

  EXPECT_EQ(order.id, "o-1");
  EXPECT_EQ(order.attempts, 3);
}  // the expect()s are verified here

TEST(OrderFlow, PaymentMovesTheOrderToPaid) {
  MockServer api;
  // pay() never reads an open order: the unused-stubs listing names this line at the end of the run.
  api.when_requested_with(Request{}.method("GET").path("/orders/{id}"))
      .in_scenario("order")
      .when_state("Started")
      .respond_with_json(200, {{"status", "open"}});
  api.when_requested_with(Request{}.method("POST").path("/orders/{id}/pay"))
      .in_scenario("order")
      .when_state("Started")
      .will_set_state("Paid")
      .respond_with(201);
  api.when_requested_with(Request{}.method("GET").path("/orders/{id}"))
      .in_scenario("order")
      .when_state("Paid")
      .respond_with_json(200, {{"status", "paid"}});

  EXPECT_EQ(shop::OrderClient(api.url()).pay("o-1"), "paid");
  EXPECT_EQ(api.scenario_state("order"), "Paid");
}

TEST(OrderFlow, TheApiPricesTheOrderInACallback) {
  MockServer api;
  api.when_requested_with(Request{}.method("POST").path("/orders")).respond_with([](const RecordedRequest& request) {
    const json order = json::parse(request.body);
    const int price = order["sku"] == "tea" ? 250 : 1000;
    return Response(201).json_body(
        {{"id", "o-" + order["sku"].get<std::string>()}, {"total_cents", price * order["quantity"].get<int>()}});
  });
  const shop::PlacedOrder order = shop::OrderClient(api.url()).place("tea", 3);
  EXPECT_EQ(order.id, "o-tea");
  EXPECT_EQ(order.total_cents, 750);
}

TEST(OrderFlow, TheReceiptIsUploadedAsMultipartFormData) {
  MockServer api;
  const StubRef receipt =
      api.when_requested_with(
             Request{}
                 .method("POST")
                 .path("/orders/{id}/receipt")
                 .body(multipart(
                     {{"metadata",
                       MultipartPart{}.content_type("application/json").body(as_json(key_values({{"order", "o-9"}})))},
                      {"receipt", MultipartPart{}
                                      .filename("receipt-o-9.pdf")
                                      .content_type("application/pdf")
                                      .body(starts_with("%PDF-"))}})))
          .respond_with(201);
  EXPECT_TRUE(shop::OrderClient(api.url()).upload_receipt("o-9", "%PDF-1.7 ..."));
  EXPECT_TRUE(receipt.confirm_calls(1)) << receipt.confirm_calls(1);
}

TEST(OrderFlow, TheShippingNotificationArrivesFromAnotherThread) {
  MockServer api;
  api.when_requested_with(Request{}.method("POST").path("/events")).respond_with(202);
  std::future<void> sent = shop::OrderClient(api.url()).notify_shipped("o-5");

  const Verification notified = api.wait_for(
      Request{}.method("POST").path("/events").body(as_json(key_values({{"order", "o-5"}, {"event", "shipped"}}))), 1,
      std::chrono::seconds(10));
  sent.wait();
  EXPECT_TRUE(notified) << notified;
}

TEST(OrderFlow, LogInComesBeforeTheOrderAndTheOrderBeforePayment) {
  MockServer api;
  serve_login(api);
  api.when_requested_with(Request{}.method("POST").path("/orders"))
      .respond_with_json(201, {{"id", "o-2"}, {"total_cents", 100}});
  api.when_requested_with(Request{}.method("POST").path("/orders/{id}/pay")).respond_with(201);
  api.when_requested_with(Request{}.method("GET").path("/orders/{id}")).respond_with_json(200, {{"status", "paid"}});
  shop::OrderClient client(api.url());
  ASSERT_TRUE(client.log_in("shop", "s3cret"));
  ASSERT_TRUE(client.place("tea", 1).id);
  (void)client.pay("o-2");

  EXPECT_THAT(api, ReceivedInOrder(Request{}.path("/oauth/token"), Request{}.method("POST").path("/orders"),
                                   Request{}.path("/orders/o-2/pay")));
}

TEST(OrderFlow, ASlowNetworkStillPlacesTheOrder) {
  ServerOptions options;
  options.seed = 2026;  // the same delays every run
  options.default_latency = lognormal(std::chrono::milliseconds(5), 0.5, std::chrono::milliseconds(50));
  MockServer api(options);
  api.when_requested_with(Request{}.method("POST").path("/orders"))
      .respond_with_json(201, {{"id", "o-3"}, {"total_cents", 100}});
  EXPECT_EQ(shop::OrderClient(api.url()).place("tea", 1).id, "o-3");
  ASSERT_EQ(api.requests().size(), 1u);
  EXPECT_TRUE(api.requests()[0].chaos);  // the drawn delay is in the journal
}

}  // namespace
