// WebSocket stubs (issue 29) with a real client over real sockets: the C++ client of
// support/websocket_client.hpp (wslay's client side), plain, over TLS and through an intercepted
// CONNECT tunnel. Each test mounts stubs with the C++ API and checks what the client sees and
// what the journal, the handles and the reports say.
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mockhttp/gtest.hpp>
#include <mockhttp/mockhttp.hpp>

#include "support/raw_http.hpp"
#include "support/websocket_client.hpp"

namespace websocket_test {

using namespace mockhttp;
using mockhttp::test::client_frame;
using mockhttp::test::WebSocketClient;
using mockhttp::test::WebSocketClientOptions;
using mockhttp::test::WebSocketEvent;
using std::chrono::milliseconds;

WebSocketClientOptions at(const MockServer& server, const std::string& path) {
  WebSocketClientOptions options;
  options.port = server.port();
  options.path = path;
  return options;
}

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A price feed: a hello on open, a reply to each subscribe, a close on "bye".
WebSocketScript price_feed() {
  return WebSocketScript{}
      .subprotocol("prices.v1")
      .on_open(WebSocketMessage::json({{"type", "hello"}}))
      .on_message(key_values({{"op", "subscribe"}}),
                  WebSocketReply{}.send(WebSocketMessage::json({{"type", "subscribed"}})))
      .on_message(eq("bye"), WebSocketReply{}.close(1000, "bye"));
}

TEST(WebSocket, TheScriptGreetsRepliesAndClosesAsWritten) {
  MockServer server;
  server.when_requested_with(Request{}.path("/prices")).respond_with_websocket(price_feed());

  WebSocketClientOptions options = at(server, "/prices");
  options.subprotocols = {"other", "prices.v1"};
  WebSocketClient client(options);
  ASSERT_EQ(client.status(), 101) << client.body();
  EXPECT_EQ(client.subprotocol(), "prices.v1");
  EXPECT_EQ(client.next_message(), R"({"type":"hello"})");
  client.send_text(R"({"op":"subscribe","symbol":"ACME"})");
  EXPECT_EQ(client.next_message(), R"({"type":"subscribed"})");
  client.send_text("bye");
  const WebSocketEvent closed = client.wait_closed();
  EXPECT_EQ(closed.kind, WebSocketEvent::Kind::close);
  EXPECT_EQ(closed.close_code, 1000);
  EXPECT_EQ(closed.reason, "bye");

  // The journal: the upgrade, then each message either way, on the connection's id.
  EXPECT_TRUE(server.confirm_request(Request{}.path("/prices").method("GET"), 1).passed());
  EXPECT_TRUE(server.confirm_message(key_values({{"symbol", "ACME"}}), 1).passed());
  EXPECT_TRUE(server.confirm_request(websocket_sent(as_json(key_values({{"type", "hello"}}))), 1).passed());
  EXPECT_THAT(server, ReceivedMessage(eq("bye")).OnPath("/prices").Times(1));
  std::size_t messages = 0;
  for (const auto& entry : server.requests()) {
    if (!entry.websocket) continue;
    ++messages;
    EXPECT_EQ(entry.method, "WEBSOCKET");
    EXPECT_EQ(entry.path, "/prices");
  }
  EXPECT_EQ(messages, 4u);  // hello, subscribe, subscribed, bye
  const auto listed = server.websockets(Request{}, true);
  ASSERT_EQ(listed.size(), 1u);
  ASSERT_TRUE(listed.front().wait_closed());
  const WebSocketConnectionInfo info = listed.front().info();
  EXPECT_FALSE(info.open);
  EXPECT_EQ(info.subprotocol, "prices.v1");
  EXPECT_EQ(info.close_code, 1000);
  EXPECT_EQ(info.closed_by, "server");
  EXPECT_EQ(info.received, 2u);
  EXPECT_EQ(info.sent, 2u);
}

TEST(WebSocket, AnOrdinaryStubRefusesTheUpgradeWithItsStatusAndBody) {
  MockServer server;
  server.when_requested_with(Request{}.path("/private").headers(is_not(key_values({{"authorization", exists()}}))))
      .respond_with(Response{}.status(401).json_body({{"error", "token required"}}));
  server.when_requested_with(Request{}.path("/private")).respond_with_websocket(WebSocketScript{});

  WebSocketClient refused(at(server, "/private"));
  EXPECT_EQ(refused.status(), 401);
  EXPECT_TRUE(mentions(refused.body(), "token required")) << refused.body();

  WebSocketClientOptions with_token = at(server, "/private");
  with_token.headers = {{"Authorization", "Bearer t"}};
  WebSocketClient accepted(with_token);
  EXPECT_EQ(accepted.status(), 101);

  // No stub at all: the usual 404 with the near-miss report.
  WebSocketClient unknown(at(server, "/elsewhere"));
  EXPECT_EQ(unknown.status(), 404);
  EXPECT_TRUE(mentions(unknown.body(), "NO_STUB_MATCH_FOUND")) << unknown.body();
}

TEST(WebSocket, AWebSocketStubAnswersUpgradesOnlyAndBadHandshakesAreRefused) {
  MockServer server;
  server.when_requested_with(Request{}.path("/feed")).respond_with_websocket(WebSocketScript{});
  // A plain GET on the same path is no upgrade: the WebSocket stub does not answer it.
  WebSocketClientOptions wrong_version = at(server, "/feed");
  wrong_version.headers = {{"Sec-WebSocket-Version", "8"}};
  WebSocketClient old(wrong_version);
  EXPECT_EQ(old.status(), 426);
  EXPECT_EQ(old.response_header("Sec-WebSocket-Version"), "13");
  EXPECT_TRUE(mentions(old.body(), "WEBSOCKET_VERSION_UNSUPPORTED")) << old.body();

  WebSocketClientOptions bad_key = at(server, "/feed");
  bad_key.headers = {{"Sec-WebSocket-Key", "short"}};
  WebSocketClient keyless(bad_key);
  EXPECT_EQ(keyless.status(), 400);
  EXPECT_TRUE(mentions(keyless.body(), "Sec-WebSocket-Key")) << keyless.body();
}

TEST(WebSocket, TheTestPushesAndWaitsForTheClientsAnswer) {
  MockServer server;
  server.when_requested_with(Request{}.path("/prices")).respond_with_websocket(WebSocketScript{});

  WebSocketClient client(at(server, "/prices"));
  ASSERT_EQ(client.status(), 101);
  WebSocketConnection feed = server.wait_for_websocket(Request{}.path("/prices"));
  EXPECT_TRUE(feed.is_open());
  feed.send_json({{"symbol", "ACME"}, {"price", 101.5}});
  feed.send_binary(std::string("\x00\x01\x02", 3));
  EXPECT_EQ(client.next_message(), R"({"price":101.5,"symbol":"ACME"})");
  EXPECT_EQ(client.next_message(), std::string("\x00\x01\x02", 3));

  client.send_text(R"({"ack":"ACME"})");
  const auto ack = feed.wait_for_message(key_values({{"ack", "ACME"}}));
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->payload, R"({"ack":"ACME"})");
  // Each wait returns a message once: a second wait for the same finds nothing new.
  EXPECT_FALSE(feed.wait_for_message(key_values({{"ack", "ACME"}}), milliseconds(100)).has_value());

  feed.close(4000, "maintenance");
  const WebSocketEvent closed = client.wait_closed();
  EXPECT_EQ(closed.close_code, 4000);
  EXPECT_EQ(closed.reason, "maintenance");
  ASSERT_TRUE(feed.wait_closed());
  EXPECT_THROW(feed.send_text("late"), WebSocketError);

  // No connection to wait for: the error says what there is.
  try {
    (void)server.wait_for_websocket(Request{}.path("/other"), milliseconds(50));
    FAIL() << "no connection to /other was made";
  } catch (const WebSocketError& e) {
    EXPECT_TRUE(mentions(e.what(), "#")) << e.what();
    EXPECT_TRUE(mentions(e.what(), "/prices")) << e.what();
  }
}

TEST(WebSocket, ARuleSequenceAResponderAndTheUnmatchedAnswers) {
  MockServer server;
  server.when_requested_with(Request{}.path("/seq"))
      .respond_with_websocket(
          WebSocketScript{}
              .on_message(eq("next"),
                          std::vector<WebSocketReply>{WebSocketMessage::text("one"), WebSocketMessage::text("two")})
              .on_message([](const WebSocketMessage& message, const RecordedRequest& upgrade) {
                if (message.payload == "boom") throw std::runtime_error("no boom today");
                return WebSocketReply{}.send(WebSocketMessage::text(upgrade.path + " echoes " + message.payload));
              }));
  server.when_requested_with(Request{}.path("/strict"))
      .respond_with_websocket(
          WebSocketScript{}
              .on_message(key_values({{"op", "ping"}}), WebSocketReply{WebSocketMessage::text("pong")})
              .when_unmatched(UnmatchedMessage::end_call));
  server.when_requested_with(Request{}.path("/helpful"))
      .respond_with_websocket(
          WebSocketScript{}
              .on_message(key_values({{"op", "ping"}}), WebSocketReply{WebSocketMessage::text("pong")})
              .when_unmatched(UnmatchedMessage::near_miss));

  WebSocketClient sequence(at(server, "/seq"));
  for (const char* expected : {"one", "two", "two"}) {
    sequence.send_text("next");
    EXPECT_EQ(sequence.next_message(), expected);
  }
  sequence.send_text("hi");
  EXPECT_EQ(sequence.next_message(), "/seq echoes hi");
  sequence.send_text("boom");
  const WebSocketEvent failed = sequence.wait_closed();
  EXPECT_EQ(failed.close_code, 1011);
  EXPECT_TRUE(mentions(failed.reason, "no boom today")) << failed.reason;

  WebSocketClient strict(at(server, "/strict"));
  strict.send_text(R"({"op":"pang"})");
  const WebSocketEvent refused = strict.wait_closed();
  EXPECT_EQ(refused.close_code, 1008);
  EXPECT_TRUE(mentions(refused.reason, "no reply rule matched")) << refused.reason;

  WebSocketClient helpful(at(server, "/helpful"));
  helpful.send_text(R"({"op":"pang"})");
  const auto report = helpful.next_message();
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(mentions(*report, "mockhttp_unmatched")) << *report;
  EXPECT_TRUE(mentions(*report, "pang")) << *report;
  helpful.send_text(R"({"op":"ping"})");
  EXPECT_EQ(helpful.next_message(), "pong");
}

TEST(WebSocket, AFailedMessageVerificationExplainsItself) {
  MockServer server;
  server.when_requested_with(Request{}.path("/orders")).respond_with_websocket(WebSocketScript{});
  WebSocketClient client(at(server, "/orders"));
  client.send_text(R"({"op":"buy","qty":3})");
  ASSERT_TRUE(server.wait_for(websocket_received(), 1).passed());

  const Verification verification = server.confirm_message(key_values({{"op", "buy"}, {"qty", 5}}), 1);
  EXPECT_FALSE(verification.passed());
  EXPECT_TRUE(mentions(verification.report(), "qty")) << verification.report();
  EXPECT_TRUE(mentions(verification.report(), "WebSocket message")) << verification.report();
}

TEST(WebSocket, OneTimelineOrdersHttpRequestsAndMessages) {
  MockServer server;
  server.when_requested_with(Request{}.path("/login")).respond_with(Response{}.status(204));
  server.when_requested_with(Request{}.path("/chat")).respond_with_websocket(WebSocketScript{});
  {
    WebSocketClient chat(at(server, "/chat"));
    chat.send_text("before");
    ASSERT_TRUE(server.wait_for(websocket_received(eq("before")), 1).passed());
  }
  // A login over plain HTTP, then a message on a new connection.
  const std::string answer = mockhttp::test::raw_exchange(
      server.port(), "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(mockhttp::test::first_status(answer), 204) << answer;
  WebSocketClient chat(at(server, "/chat"));
  chat.send_text("after");
  ASSERT_TRUE(server.wait_for(websocket_received(eq("after")), 1).passed());

  EXPECT_TRUE(server.confirm_sequence({Request{}.path("/login"), websocket_received(eq("after"))}).passed());
  const Verification wrong = server.confirm_sequence({Request{}.path("/login"), websocket_received(eq("before"))});
  EXPECT_FALSE(wrong.passed());
  EXPECT_TRUE(mentions(wrong.report(), "before")) << wrong.report();
}

TEST(WebSocket, WssWithTheServersTlsAndThroughAnInterceptedConnectTunnel) {
  ServerOptions options;
  options.tls = TlsOptions{};
  MockServer secure(options);
  secure.when_requested_with(Request{}.path("/prices")).respond_with_websocket(price_feed());
  WebSocketClientOptions wss = at(secure, "/prices");
  wss.tls = true;
  wss.ca_pem = secure.ca_certificate_pem();
  WebSocketClient client(wss);
  ASSERT_EQ(client.status(), 101) << client.body();
  EXPECT_EQ(client.next_message(), R"({"type":"hello"})");
  client.send_text(R"({"op":"subscribe"})");
  EXPECT_EQ(client.next_message(), R"({"type":"subscribed"})");
  secure.wait_for_websocket().send_text("pushed over TLS");
  EXPECT_EQ(client.next_message(), "pushed over TLS");
  EXPECT_TRUE(secure.confirm_request(websocket_received().path("/prices"), 1).passed());

  // The application's HTTPS_PROXY is a plain mockhttp: its CONNECT tunnel is intercepted with a
  // leaf for the host asked, and the WebSocket inside is the mock's.
  MockServer proxy;
  proxy.when_requested_with(Request{}.path("/prices").host("feed.example.test")).respond_with_websocket(price_feed());
  WebSocketClientOptions tunneled = at(proxy, "/prices");
  tunneled.tls = true;
  tunneled.ca_pem = proxy.ca_certificate_pem();
  tunneled.tls_server_name = "feed.example.test";
  tunneled.proxy_port = proxy.port();
  tunneled.tunnel_authority = "feed.example.test:443";
  WebSocketClient inside(tunneled);
  ASSERT_EQ(inside.status(), 101) << inside.body();
  EXPECT_EQ(inside.next_message(), R"({"type":"hello"})");
  inside.send_text("bye");
  EXPECT_EQ(inside.wait_closed().close_code, 1000);
  const auto listed = proxy.websockets(Request{}, true);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed.front().info().upgrade.tunnel, "feed.example.test:443");
}

TEST(WebSocket, AScopeSeesItsOwnConnectionsAndItsDeletionOrAResetClosesThem) {
  MockServer server;
  WebSocketClientOptions scoped = at(server, "/room");
  WebSocketClientOptions global = at(server, "/room");
  std::optional<WebSocketClient> in_scope;
  {
    Scope scope = server.new_scope("tenant-a");
    scope.when_requested_with(Request{}.path("/room"))
        .respond_with_websocket(WebSocketScript{}.on_open(WebSocketMessage::text("scoped")));
    server.when_requested_with(Request{}.path("/room"))
        .respond_with_websocket(WebSocketScript{}.on_open(WebSocketMessage::text("global")));
    scoped.headers = {scope.header()};
    in_scope.emplace(scoped);
    EXPECT_EQ(in_scope->next_message(), "scoped");
    WebSocketClient outside(global);
    EXPECT_EQ(outside.next_message(), "global");
    // The scope lists and pushes to its own connection only.
    const auto mine = scope.websockets();
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_EQ(mine.front().info().upgrade.scope, "tenant-a");
    scope.wait_for_websocket().send_text("to the scope");
    EXPECT_EQ(in_scope->next_message(), "to the scope");
  }
  // The scope is gone, and with it the connection its stub accepted.
  const WebSocketEvent ended = in_scope->wait_closed();
  EXPECT_EQ(ended.close_code, 1001);

  WebSocketClient after(global);
  EXPECT_EQ(after.next_message(), "global");
  server.reset();
  EXPECT_EQ(after.wait_closed().close_code, 1001);
}

TEST(WebSocket, ExpectedConnectionsAreVerified) {
  MockServer server;
  server.when_requested_with(Request{}.path("/feed")).expect(2).respond_with_websocket(WebSocketScript{});
  {
    WebSocketClient first(at(server, "/feed"));
    ASSERT_EQ(first.status(), 101);
  }
  const Verification once = server.verify();
  EXPECT_FALSE(once.passed());
  EXPECT_TRUE(mentions(once.report(), "/feed")) << once.report();
  WebSocketClient second(at(server, "/feed"));
  ASSERT_EQ(second.status(), 101);
  EXPECT_TRUE(server.verify().passed()) << server.verify().report();
}

TEST(WebSocket, ChaosDropsAfterNMessagesLeavesPingsUnansweredAndSendsMalformedFrames) {
  MockServer server;
  WebSocketChaos drop;
  drop.fault = MessageFault::close_without_handshake;
  drop.after_messages = 2;
  server.when_requested_with(Request{}.path("/flaky"))
      .respond_with_websocket(
          WebSocketScript{}.on_message(exists(), WebSocketReply{WebSocketMessage::text("ok")}).chaos(drop));
  WebSocketChaos silent;
  silent.unanswered_pings = true;
  server.when_requested_with(Request{}.path("/silent"))
      .respond_with_websocket(
          WebSocketScript{}.on_message(eq("hi"), WebSocketReply{WebSocketMessage::text("hello")}).chaos(silent));
  WebSocketChaos broken;
  broken.fault = MessageFault::malformed_frame;
  server.when_requested_with(Request{}.path("/broken")).respond_with_websocket(WebSocketScript{}.chaos(broken));

  // The client's reconnect logic sees the drop: the second message ends the connection, with
  // no close frame; a new connection starts over.
  for (int attempt = 0; attempt < 2; ++attempt) {
    WebSocketClient client(at(server, "/flaky"));
    client.send_text("1");
    EXPECT_EQ(client.next_message(), "ok");
    client.send_text("2");
    EXPECT_EQ(client.wait_closed().kind, WebSocketEvent::Kind::ended);
  }
  const auto flaky = server.websockets(Request{}.path("/flaky"), true);
  ASSERT_EQ(flaky.size(), 2u);
  ASSERT_TRUE(flaky.back().wait_closed());
  EXPECT_EQ(flaky.back().info().closed_by, "chaos");

  WebSocketClient pinged(at(server, "/silent"));
  pinged.send_ping("anyone?");
  pinged.send_text("hi");
  // The reply comes; the pong never does.
  for (;;) {
    const auto event = pinged.next(milliseconds(2000));
    ASSERT_TRUE(event.has_value());
    ASSERT_NE(event->kind, WebSocketEvent::Kind::pong);
    if (event->kind == WebSocketEvent::Kind::text) {
      EXPECT_EQ(event->payload, "hello");
      break;
    }
  }

  WebSocketClient malformed(at(server, "/broken"));
  malformed.send_text("anything");
  const WebSocketEvent end = malformed.wait_closed();
  // wslay fails the connection on the reserved opcode: it answers with its own close, or sees the end.
  EXPECT_TRUE(end.kind == WebSocketEvent::Kind::ended || end.close_code == 1002) << end.close_code;
}

TEST(WebSocket, RandomDropsReplayFromTheSeed) {
  const auto dropped_at = [](std::uint64_t seed) {
    MockServer server;
    server.set_seed(seed);
    WebSocketChaos chaos;
    chaos.fault = MessageFault::drop;
    chaos.probability = 0.3;
    server.when_requested_with(Request{}.path("/r"))
        .respond_with_websocket(
            WebSocketScript{}.on_message(exists(), WebSocketReply{WebSocketMessage::text("ok")}).chaos(chaos));
    WebSocketClient client(at(server, "/r"));
    for (int message = 1; message <= 40; ++message) {
      client.send_text(std::to_string(message));
      const auto answer = client.next_message(milliseconds(2000));
      if (!answer) return message;
    }
    return 0;
  };
  const int first = dropped_at(42);
  EXPECT_GT(first, 0);
  EXPECT_EQ(dropped_at(42), first);
}

TEST(WebSocket, TheWireFormMountsTheSameScriptAndLatencyReplaysFromTheSeed) {
  const auto delays_with_seed = [](std::uint64_t seed) {
    MockServer server;
    server.set_seed(seed);
    server.add_stub(StubDefinition::from_json(nlohmann::json::parse(R"({
      "request": {"path": "/wire"},
      "action": {"websocket": {
        "subprotocols": ["v2"],
        "on_open": [{"json": {"hello": true}}],
        "replies": [{"message": {"op": "add"}, "sequence": [{"messages": [{"text": "first"}]},
                                                             {"messages": [{"binary_base64": "AAE="}]}]}],
        "unmatched": "near_miss",
        "chaos": {"latency": {"distribution": "lognormal", "median_ms": 2, "sigma": 0.5, "max_ms": 20}}}}})")));
    WebSocketClientOptions options = at(server, "/wire");
    options.subprotocols = {"v2"};
    WebSocketClient client(options);
    EXPECT_EQ(client.subprotocol(), "v2");
    EXPECT_EQ(client.next_message(), R"({"hello":true})");
    client.send_text(R"({"op":"add","n":1})");
    EXPECT_EQ(client.next_message(), "first");
    client.send_text(R"({"op":"add","n":2})");
    EXPECT_EQ(client.next_message(), std::string("\x00\x01", 2));
    std::vector<std::int64_t> delays;
    for (const auto& entry : server.requests()) {
      if (entry.websocket && entry.websocket->direction == MessageDirection::received) {
        EXPECT_TRUE(entry.chaos.has_value());
        if (entry.chaos) delays.push_back(entry.chaos->delay.count());
      }
    }
    return delays;
  };
  const auto first = delays_with_seed(7);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(delays_with_seed(7), first);

  // A bad script is refused with the field named, before anything is mounted.
  try {
    (void)StubDefinition::from_json(nlohmann::json::parse(
        R"({"request": {}, "action": {"websocket": {"replies": [{"message": "x", "reply": {"close": {"code": "soon"}}}]}}})"));
    FAIL() << "a close code must be a number";
  } catch (const DocumentError& e) {
    EXPECT_EQ(e.pointer(), "/action/websocket/replies/0/reply/close/code");
  }
  MockServer server;
  try {
    server.when_requested_with(Request{}.path("/x"))
        .respond_with_websocket(WebSocketScript{}.on_message(eq("x"), WebSocketReply{}.close(1005, "")));
    FAIL() << "1005 is never sent";
  } catch (const StubError& e) {
    EXPECT_TRUE(mentions(e.what(), "1005")) << e.what();
  }
}

TEST(WebSocket, HostileFramesCloseTheConnectionWithTheRightCodeAndTheServerGoesOn) {
  ServerOptions options;
  options.websocket_max_message_bytes = 64 * 1024;
  options.websocket_max_unsent_bytes = 256 * 1024;
  MockServer server(options);
  server.when_requested_with(Request{}.path("/h")).respond_with_websocket(WebSocketScript{});
  const auto close_code_after = [&](const std::string& bytes) {
    WebSocketClient client(at(server, "/h"));
    client.send_raw(bytes);
    return client.wait_closed().close_code;
  };
  // A 2 GiB frame length: 1009 before any payload is kept.
  std::string huge = "\x82\xFF";
  for (const unsigned char byte : {0, 0, 0, 0, 0x80, 0, 0, 0}) huge += static_cast<char>(byte);
  huge += "\x01\x02\x03\x04xx";
  EXPECT_EQ(close_code_after(huge), 1009);
  EXPECT_EQ(close_code_after(client_frame(1, "unmasked", true, false)), 1002);
  EXPECT_EQ(close_code_after(client_frame(1, "\xC3\x28")), 1007);
  // Endless empty fragments.
  std::string fragments = client_frame(1, "a", false);
  for (int i = 0; i < 100001; ++i) fragments += client_frame(0, "", false);
  EXPECT_EQ(close_code_after(fragments), 1009);

  // A ping flood is answered as fast as the client reads, and ends nothing.
  {
    WebSocketClient flood(at(server, "/h"));
    std::string pings;
    for (int i = 0; i < 5000; ++i) pings += client_frame(9, "p");
    flood.send_raw(pings);
    int pongs = 0;
    while (pongs < 5000) {
      const auto event = flood.next(milliseconds(3000));
      ASSERT_TRUE(event.has_value()) << "after " << pongs << " pongs";
      if (event->kind == WebSocketEvent::Kind::pong) ++pongs;
    }
  }

  // A slow reader: the test pushes more than the server holds unsent; the connection ends.
  WebSocketClient slow(at(server, "/h"));
  WebSocketConnection pushed = server.wait_for_websocket(Request{}.path("/h"), milliseconds(2000));
  // The newest connection is the slow one.
  const auto open = server.websockets(Request{}.path("/h"));
  ASSERT_FALSE(open.empty());
  WebSocketConnection target = open.back();
  const std::string chunk(64 * 1024 - 16, 'x');
  for (int i = 0; i < 400 && target.is_open(); ++i) {
    try {
      target.send_text(chunk);
    } catch (const WebSocketError&) {
      break;
    }
  }
  ASSERT_TRUE(target.wait_closed(milliseconds(10000)));
  const WebSocketConnectionInfo info = target.info();
  EXPECT_EQ(info.close_code, 1008) << info.close_reason;
  (void)pushed;

  // And the server still serves a well-behaved client.
  WebSocketClient fine(at(server, "/h"));
  EXPECT_EQ(fine.status(), 101);
}

}  // namespace websocket_test
