#pragma once
// The application of the replay example: a checkout that charges through Stripe's API. It
// knows nothing of mockhttp; in production `proxy` is empty and it talks to Stripe directly.
#include <string>
#include <utility>
#include <vector>

namespace shop {

class Checkout {
 public:
  // `proxy`: "http://host:port" of an HTTP proxy, or "". `headers`: sent on every call.
  Checkout(std::string proxy, std::vector<std::pair<std::string, std::string>> headers);

  // POST https://api.stripe.com/v1/payment_intents; "paid", "declined" or "error: ...".
  std::string pay(long amount_cents) const;

 private:
  std::string proxy_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

}  // namespace shop
