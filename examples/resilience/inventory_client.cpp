#include "inventory_client.hpp"

#include <httplib.h>

#include <nlohmann/json.hpp>

namespace shop {

InventoryClient::InventoryClient(std::string base_url, InventoryOptions options)
    : base_url_(std::move(base_url)), options_(std::move(options)) {}

StockLevel InventoryClient::stock_of(const std::string& sku) const {
  httplib::Headers headers(options_.headers.begin(), options_.headers.end());
  StockLevel level;
  while (level.attempts < options_.max_attempts) {
    ++level.attempts;
    httplib::Client http(base_url_);
    http.set_tcp_nodelay(true);
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(options_.timeout);
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(options_.timeout - seconds);
    http.set_read_timeout(seconds.count(), micros.count());
    auto res = http.Get("/stock/" + sku, headers);
    if (!res) {
      level.error = "transport error: " + httplib::to_string(res.error());
      continue;  // the network failed: try again
    }
    if (res->status != 200) {
      level.error = "inventory API answered " + std::to_string(res->status);
      return level;  // an answer, even a bad one, is not retried
    }
    const auto body = nlohmann::json::parse(res->body, nullptr, false);
    if (body.is_discarded() || !body.contains("units")) {
      level.error = "inventory API sent an unreadable body";
      return level;
    }
    level.units = body["units"].get<int>();
    level.error.clear();
    return level;
  }
  return level;
}

}  // namespace shop
