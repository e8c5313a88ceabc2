#pragma once
// The "your code" of docs/replay.md's example: a checkout that charges through Stripe's API,
// through an HTTP proxy when it is given one. It knows nothing of mockhttp.
#include <httplib.h>

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace replay_app {

class Checkout {
 public:
  // `proxy`: "http://host:port"; `headers`: sent on every call (the session header).
  Checkout(std::string proxy, std::vector<std::pair<std::string, std::string>> headers)
      : proxy_(std::move(proxy)), headers_(std::move(headers)) {}

  // "paid" when Stripe says the payment intent succeeded.
  std::string pay(long amount_cents) const {
    httplib::Client stripe("http://api.stripe.com");
    const auto colon = proxy_.rfind(':');
    stripe.set_proxy(proxy_.substr(7, colon - 7), std::stoi(proxy_.substr(colon + 1)));
    const httplib::Headers headers(headers_.begin(), headers_.end());
    const auto res =
        stripe.Post("/v1/payment_intents", headers,
                    nlohmann::json{{"amount", amount_cents}, {"currency", "usd"}}.dump(), "application/json");
    if (!res || res->status != 200) return "error";
    const auto reply = nlohmann::json::parse(res->body, nullptr, false);
    return !reply.is_discarded() && reply.value("status", "") == "succeeded" ? "paid" : "error";
  }

 private:
  std::string proxy_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

}  // namespace replay_app
