#pragma once
// The "service" of the resilience example: a client of an inventory API that retries transport
// failures and gives up on a slow answer, as production code should. It knows nothing of
// mockhttp; the tests break the network under it with chaos stubs.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shop {

struct StockLevel {
  std::optional<int> units;  // set when the API answered
  int attempts = 0;          // requests it took
  std::string error;         // the last failure, when there was no answer
};

struct InventoryOptions {
  int max_attempts = 3;
  std::chrono::milliseconds timeout{1000};
  // Sent with every request: tracing headers, a tenant, or a test's scope header.
  std::vector<std::pair<std::string, std::string>> headers;
};

class InventoryClient {
 public:
  InventoryClient(std::string base_url, InventoryOptions options);

  // GET /stock/{sku} -> {"units": N}. Retries transport errors, not HTTP answers.
  StockLevel stock_of(const std::string& sku) const;

 private:
  std::string base_url_;
  InventoryOptions options_;
};

}  // namespace shop
