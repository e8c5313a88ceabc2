#pragma once
// The "service" of the order-flow example: a client of an order API that logs in with an OAuth
// form, retries an order while the API answers 503, pays, uploads a receipt as multipart form
// data and sends a notification from a background thread. It knows nothing of mockhttp.
#include <future>
#include <optional>
#include <string>

namespace shop {

struct PlacedOrder {
  std::optional<std::string> id;  // set when the API accepted the order
  int attempts = 0;               // requests it took
  int total_cents = 0;
};

class OrderClient {
 public:
  explicit OrderClient(std::string base_url) : base_url_(std::move(base_url)) {}

  // POST /oauth/token, form-encoded (grant_type=client_credentials): the bearer token.
  std::optional<std::string> log_in(const std::string& client_id, const std::string& secret);
  // POST /orders {"sku", "quantity"}: retried up to three times while the API answers 503.
  PlacedOrder place(const std::string& sku, int quantity) const;
  // POST /orders/{id}/pay, then GET /orders/{id}: the status the API reports afterwards.
  std::string pay(const std::string& order_id) const;
  // POST /orders/{id}/receipt as multipart/form-data: a JSON "metadata" part and a "receipt" file.
  bool upload_receipt(const std::string& order_id, const std::string& pdf_bytes) const;
  // POST /events {"order", "event": "shipped"} from another thread; the future tells when it is sent.
  std::future<void> notify_shipped(const std::string& order_id) const;

 private:
  std::string base_url_;
  std::string token_;
};

}  // namespace shop
