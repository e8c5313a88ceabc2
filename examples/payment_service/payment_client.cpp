#include "payment_client.hpp"

#include <httplib.h>

#include <nlohmann/json.hpp>

namespace shop {

PaymentClient::PaymentClient(std::string base_url, std::string api_token)
    : base_url_(std::move(base_url)), api_token_(std::move(api_token)) {}

PaymentResult PaymentClient::charge(long amount_cents, const std::string& currency) const {
  httplib::Client http(base_url_);
  const nlohmann::json body = {{"amount", amount_cents}, {"currency", currency}};
  auto res = http.Post("/payment", {{"Authorization", "Bearer " + api_token_}}, body.dump(), "application/json");
  if (!res) return {false, "", "payment API unreachable: " + httplib::to_string(res.error())};
  const auto reply = nlohmann::json::parse(res->body, nullptr, false);
  if (res->status != 200 || reply.is_discarded()) {
    return {false, "", "payment API answered " + std::to_string(res->status)};
  }
  return {reply.value("status", "") == "accepted", reply.value("id", ""), ""};
}

std::optional<std::string> PaymentClient::status_of(const std::string& payment_id) const {
  httplib::Client http(base_url_);
  auto res = http.Get("/payment/" + payment_id, {{"Authorization", "Bearer " + api_token_}});
  if (!res || res->status != 200) return std::nullopt;
  const auto reply = nlohmann::json::parse(res->body, nullptr, false);
  if (reply.is_discarded()) return std::nullopt;
  return reply.value("status", "unknown");
}

}  // namespace shop
