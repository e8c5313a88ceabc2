#pragma once
// The "service" of the grpc_inventory example: a client library of the warehouse.v1.Stock gRPC
// service (warehouse.proto). It sends an auth token with every call, gives each call a
// deadline, retries UNAVAILABLE, and turns gRPC statuses into its own StockError. It knows
// nothing of mockhttp, and its users see no generated type: the grpc++ stub stays inside.
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace warehouse {

struct StockOptions {
  std::string token;                          // sent as "authorization: Bearer <token>"
  std::chrono::milliseconds deadline{2000};   // each call's, sent as grpc-timeout
  int max_attempts = 3;                       // Reserve tries this often while UNAVAILABLE
  std::chrono::milliseconds retry_pause{20};  // between those attempts
};

struct Reservation {
  std::string id;
  std::string sku;
  int quantity = 0;
};

struct Level {
  std::string sku;
  int units = 0;
};

class StockError : public std::runtime_error {
 public:
  enum class Kind { unknown_sku, unavailable, timed_out, refused };
  StockError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

class StockClient {
 public:
  // `target` is gRPC's: "host:port".
  StockClient(const std::string& target, StockOptions options);
  StockClient(StockClient&&) noexcept;
  ~StockClient();

  // Reserves `quantity` units of `sku`; throws StockError.
  Reservation reserve(const std::string& sku, int quantity) const;
  // Calls `on_level` with each level the service streams until it ends the stream; throws
  // StockError when the stream ends in an error.
  void watch_levels(const std::string& sku, const std::function<void(const Level&)>& on_level) const;

 private:
  struct Channel;  // the grpc++ stub
  std::unique_ptr<Channel> channel_;
  StockOptions options_;
};

}  // namespace warehouse
