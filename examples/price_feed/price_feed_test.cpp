// The price_feed example: a WebSocket price feed client (price_feed.hpp) tested against a
// MockServer whose stub speaks the feed's protocol. The test pushes prices through the
// connection's handle (WebSocketConnection::send_json), breaks the connection (by hand with
// break_connection, by the server with close, and by chaos on the stub) to see the client come
// back and resume, and verifies what the client sent with confirm_message and ReceivedMessage.
#include <mutex>
#include <vector>

#include <mockhttp/gtest.hpp>

#include "price_feed.hpp"

using namespace mockhttp;
using namespace std::chrono_literals;
using nlohmann::json;

// Lists, at the end of this binary, any stub that never answered (with its line).
[[maybe_unused]] static const bool unused_stubs_listed = list_unused_stubs_at_exit();

namespace {

// Every wait's bound: a client that misbehaves fails a test instead of hanging it.
constexpr auto kWait = 5s;

// The feed as the stub plays it: it speaks prices.v1 and acknowledges a subscribe.
WebSocketScript feed_script() {
  return WebSocketScript{}
      .subprotocol("prices.v1")
      .on_message(as_json(key_values({{"op", "subscribe"}})),
                  WebSocketReply(WebSocketMessage::json({{"type", "subscribed"}})));
}

const Criteria subscribe = key_values({{"op", "subscribe"}});

market::FeedOptions options_for(const MockServer& server) {
  market::FeedOptions options;
  options.port = server.port();
  options.symbols = {"ACME", "GLOBEX"};
  options.first_retry = 10ms;  // the pause before reconnecting: short, the server is right here
  return options;
}

json price(const std::string& symbol, double value, int sequence) {
  return {{"type", "price"}, {"symbol", symbol}, {"price", value}, {"seq", sequence}};
}

}  // namespace

TEST(PriceFeed, SubscribesAndKeepsTheLatestPriceOfEachSymbol) {
  MockServer server;
  server.when_requested_with(Request{}.path("/prices")).respond_with_websocket(feed_script());
  std::mutex seen_mutex;
  std::vector<std::int64_t> seen;
  market::PriceFeed feed(options_for(server), [&](const market::Quote& quote) {
    std::lock_guard<std::mutex> lock(seen_mutex);
    seen.push_back(quote.sequence);
  });
  feed.start();

  WebSocketConnection connection = server.wait_for_websocket(Request{}.path("/prices"), kWait);
  ASSERT_TRUE(connection.wait_for_message(subscribe, kWait));
  connection.send_json(price("ACME", 101.5, 1));
  connection.send_json(price("GLOBEX", 42.25, 2));
  connection.send_json(price("ACME", 101.75, 3));

  const auto acme = feed.wait_for_quote("ACME", 3, kWait);
  ASSERT_TRUE(acme.has_value()) << feed.last_error();
  EXPECT_EQ(acme->price, 101.75);
  ASSERT_TRUE(feed.latest("GLOBEX").has_value());
  EXPECT_EQ(feed.latest("GLOBEX")->price, 42.25);
  {
    std::lock_guard<std::mutex> lock(seen_mutex);
    EXPECT_EQ(seen, (std::vector<std::int64_t>{1, 2, 3}));
  }
  EXPECT_EQ(connection.info().subprotocol, "prices.v1");
  // One subscribe, naming both symbols; nothing else came from the client.
  EXPECT_THAT(server, ReceivedMessage(
                          key_values({{"op", "subscribe"}, {"symbols", contains_exactly({eq("ACME"), eq("GLOBEX")})}}))
                          .OnPath("/prices")
                          .Times(1));
  EXPECT_TRUE(server.confirm_message(exists(), 1).passed());
}

TEST(PriceFeed, ReconnectsAndResumesAfterTheConnectionDrops) {
  MockServer server;
  server.when_requested_with(Request{}.path("/prices")).respond_with_websocket(feed_script());
  market::PriceFeed feed(options_for(server));
  feed.start();
  WebSocketConnection first = server.wait_for_websocket(Request{}.path("/prices"), kWait);
  ASSERT_TRUE(first.wait_for_message(subscribe, kWait));
  first.send_json(price("ACME", 101.5, 1));
  first.send_json(price("ACME", 101.25, 2));
  ASSERT_TRUE(feed.wait_for_quote("ACME", 2, kWait).has_value()) << feed.last_error();

  // The network fails: a reset, no close frame.
  first.break_connection(MessageFault::drop);
  ASSERT_TRUE(first.wait_closed(kWait));

  // The client comes back on its own, asks to resume after the last price it saw, and
  // subscribes again; prices pushed on the new connection reach it.
  WebSocketConnection second = server.wait_for_websocket(Request{}.path("/prices").query("since", "2"), kWait);
  ASSERT_TRUE(second.wait_for_message(subscribe, kWait));
  second.send_json(price("ACME", 99.0, 3));
  const auto acme = feed.wait_for_quote("ACME", 3, kWait);
  ASSERT_TRUE(acme.has_value()) << feed.last_error();
  EXPECT_EQ(acme->price, 99.0);
  EXPECT_EQ(feed.connections(), 2);
  EXPECT_EQ(first.info().closed_by, "chaos");
  EXPECT_THAT(server, ReceivedMessage(subscribe).OnPath("/prices").Times(2));
}

TEST(PriceFeed, ReconnectsWhenTheFeedClosesForMaintenance) {
  MockServer server;
  server.when_requested_with(Request{}.path("/prices")).respond_with_websocket(feed_script());
  market::PriceFeed feed(options_for(server));
  feed.start();
  WebSocketConnection first = server.wait_for_websocket(Request{}.path("/prices"), kWait);
  ASSERT_TRUE(first.wait_for_message(subscribe, kWait));

  first.close(1001, "maintenance");
  ASSERT_TRUE(first.wait_closed(kWait));

  // The second subscribe is the reconnected client's; it saw no price, so it asks for no resume.
  ASSERT_TRUE(server.wait_for(websocket_received(subscribe).path("/prices"), 2, kWait).passed());
  EXPECT_EQ(feed.connections(), 2);
  EXPECT_THAT(feed.last_error(), testing::HasSubstr("1001"));
  EXPECT_EQ(first.info().close_code, 1001);
  EXPECT_TRUE(server.confirm_request(Request{}.path("/prices").query("since", exists()), 0).passed());
}

TEST(PriceFeed, ReconnectsAfterTheFeedSendsAFrameItCannotRead) {
  MockServer server;
  // The first connection fails at the client's first message (its subscribe): the feed answers
  // with a frame no client may accept, and ends the connection. The scenario then lets the next
  // connection reach a healthy feed.
  WebSocketChaos broken;
  broken.fault = MessageFault::malformed_frame;
  broken.after_messages = 1;
  server.when_requested_with(Request{}.path("/prices"))
      .in_scenario("feed")
      .when_state("Started")
      .will_set_state("recovered")
      .respond_with_websocket(feed_script().chaos(broken));
  const StubRef healthy = server.when_requested_with(Request{}.path("/prices"))
                              .in_scenario("feed")
                              .when_state("recovered")
                              .respond_with_websocket(feed_script());
  market::PriceFeed feed(options_for(server));
  feed.start();

  ASSERT_TRUE(server.wait_for(websocket_received(subscribe).path("/prices"), 2, kWait).passed());
  std::vector<WebSocketConnection> connections = server.websockets(Request{}.path("/prices"), true);
  ASSERT_EQ(connections.size(), 2u);
  ASSERT_TRUE(connections[0].wait_closed(kWait));
  EXPECT_EQ(connections[0].info().closed_by, "chaos");
  WebSocketConnection& second = connections[1];
  EXPECT_EQ(second.info().stub_id, healthy.id());
  second.send_json(price("GLOBEX", 42.0, 1));
  ASSERT_TRUE(feed.wait_for_quote("GLOBEX", 1, kWait).has_value()) << feed.last_error();
  EXPECT_EQ(feed.connections(), 2);
}

TEST(PriceFeed, RejectsWhatIsNotAPriceOfASubscribedSymbol) {
  MockServer server;
  server.when_requested_with(Request{}.path("/prices")).respond_with_websocket(feed_script());
  market::PriceFeed feed(options_for(server));
  feed.start();
  WebSocketConnection connection = server.wait_for_websocket(Request{}.path("/prices"), kWait);
  ASSERT_TRUE(connection.wait_for_message(subscribe, kWait));

  connection.send_text("not json");
  connection.send_json(price("INITECH", 7.5, 1));                             // not subscribed
  connection.send_json({{"type", "price"}, {"symbol", "ACME"}, {"seq", 2}});  // no price
  connection.send_json({{"type", "heartbeat"}});                              // not a price: ignored
  connection.send_json(price("ACME", 101.5, 3));

  // Messages are handled in the order sent: once seq 3 is in, the others have been looked at.
  ASSERT_TRUE(feed.wait_for_quote("ACME", 3, kWait).has_value()) << feed.last_error();
  EXPECT_EQ(feed.rejected(), 3u);
  EXPECT_FALSE(feed.latest("INITECH").has_value());
  EXPECT_EQ(feed.connections(), 1);  // a bad message is not a reason to reconnect
}

TEST(PriceFeed, StopsWithANormalClose) {
  MockServer server;
  server.when_requested_with(Request{}.path("/prices")).respond_with_websocket(feed_script());
  market::PriceFeed feed(options_for(server));
  feed.start();
  WebSocketConnection connection = server.wait_for_websocket(Request{}.path("/prices"), kWait);
  ASSERT_TRUE(connection.wait_for_message(subscribe, kWait));

  feed.stop();

  ASSERT_TRUE(connection.wait_closed(kWait));
  const WebSocketConnectionInfo info = connection.info();
  EXPECT_EQ(info.close_code, 1000);
  EXPECT_EQ(info.close_reason, "client stopping");
  EXPECT_EQ(info.closed_by, "client");
  EXPECT_EQ(feed.connections(), 1);
  EXPECT_EQ(server.websockets(Request{}.path("/prices"), true).size(), 1u);
}
