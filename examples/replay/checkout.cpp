#include "checkout.hpp"

#include <httplib.h>

#include <nlohmann/json.hpp>

namespace shop {

Checkout::Checkout(std::string proxy, std::vector<std::pair<std::string, std::string>> headers)
    : proxy_(std::move(proxy)), headers_(std::move(headers)) {}

std::string Checkout::pay(long amount_cents) const {
  httplib::Client stripe("http://api.stripe.com");
  if (!proxy_.empty()) {
    const auto colon = proxy_.rfind(':');
    stripe.set_proxy(proxy_.substr(7, colon - 7), std::stoi(proxy_.substr(colon + 1)));
  }
  httplib::Headers headers(headers_.begin(), headers_.end());
  const nlohmann::json body = {{"amount", amount_cents}, {"currency", "usd"}};
  auto res = stripe.Post("/v1/payment_intents", headers, body.dump(), "application/json");
  if (!res) return "error: " + httplib::to_string(res.error());
  if (res->status == 402) return "declined";
  if (res->status != 200) return "error: status " + std::to_string(res->status);
  const auto reply = nlohmann::json::parse(res->body, nullptr, false);
  return !reply.is_discarded() && reply.value("status", "") == "succeeded" ? "paid" : "error: " + res->body;
}

}  // namespace shop
