#pragma once
// The application of the suite example: a storefront whose POST /checkout charges a card through
// a payments API and prices the order in the shopper's currency through an exchange-rate API.
// It knows nothing of mockhttp: it is given an HTTP proxy (in production, none) and passes the
// headers its callers send for tracing (x-softprobe-session-id, traceparent) on to the calls it
// makes, as an instrumented service does.
#include <memory>
#include <string>
#include <thread>

namespace shop {

class Listener;  // the HTTP server (storefront.cpp)

class Storefront {
 public:
  // Serves on 127.0.0.1:`port` (0: one the OS picks) from a thread of its own. `proxy`:
  // "http://host:port", or "" to call the APIs directly.
  explicit Storefront(std::string proxy, int port = 0);
  ~Storefront();
  Storefront(const Storefront&) = delete;
  Storefront& operator=(const Storefront&) = delete;

  std::string url() const;  // "http://127.0.0.1:PORT"

 private:
  std::string proxy_;
  std::unique_ptr<Listener> server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace shop
