#pragma once
// The "service" of the price_feed example: a client of a WebSocket price feed, on wslay's
// client side. It connects to ws://host:port/prices offering the "prices.v1" subprotocol,
// subscribes to its symbols, keeps the latest quote of each, and when the connection drops
// (a reset, a close from the server, a frame it cannot read) it connects again, after a pause
// that doubles with each failed attempt, asking the server to resume after the last sequence
// number it saw (`/prices?since=N`). It knows nothing of mockhttp.
//
// The feed's protocol (JSON text messages):
//   client -> server  {"op": "subscribe", "symbols": ["ACME", ...]}
//   server -> client  {"type": "price", "symbol": "ACME", "price": 101.5, "seq": 7}
//   server -> client  {"type": "subscribed", ...} and other types are ignored
// A message that is not JSON, a price without symbol, price or seq, or a price of a symbol
// the client did not subscribe to is counted as rejected and otherwise ignored.
//
// Thread safety: the feed runs on a thread of its own between start() and stop(); every
// member may be called from any thread. on_quote runs on the feed's thread, before the
// quote shows in latest() and wait_for_quote().
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace market {

struct Quote {
  std::string symbol;
  double price = 0;
  std::int64_t sequence = 0;
};

struct FeedOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string path = "/prices";
  std::vector<std::string> symbols;
  std::chrono::milliseconds first_retry{50};  // the pause before reconnecting; doubles up to max_retry
  std::chrono::milliseconds max_retry{2000};
  std::chrono::milliseconds timeout{5000};  // connect, handshake and each write
};

class PriceFeed {
 public:
  PriceFeed(FeedOptions options, std::function<void(const Quote&)> on_quote = {});
  ~PriceFeed();  // stop()
  PriceFeed(const PriceFeed&) = delete;
  PriceFeed& operator=(const PriceFeed&) = delete;

  void start();  // once: a stopped feed stays stopped
  // Closes the connection with 1000 (waiting briefly for the server's close) and ends the thread.
  void stop();

  std::optional<Quote> latest(const std::string& symbol) const;
  // Until `symbol` has a quote with a sequence of at least `sequence`; nullopt after `timeout`.
  std::optional<Quote> wait_for_quote(const std::string& symbol, std::int64_t sequence,
                                      std::chrono::milliseconds timeout) const;
  int connections() const;         // connections opened (a 101 and the subscribe sent), reconnects included
  std::size_t rejected() const;    // messages that were not a price of a subscribed symbol
  std::string last_error() const;  // why the last connection ended or failed, for logs

 private:
  class Session;
  void run();
  bool stopping() const;
  void note_quote(const Quote& quote);
  void note_rejected();
  void note_connected();
  void note_error(const std::string& why);
  std::string upgrade_target() const;

  const FeedOptions options_;
  const std::function<void(const Quote&)> on_quote_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::map<std::string, Quote> latest_;
  std::int64_t last_sequence_ = 0;  // the highest seen, for ?since= on reconnect
  int connections_ = 0;
  std::size_t rejected_ = 0;
  std::string last_error_;
  bool stopping_ = false;
  int wake_[2] = {-1, -1};  // a pipe: stop() writes to it, the session's poll wakes
  std::thread thread_;
};

}  // namespace market
