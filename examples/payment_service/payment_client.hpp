#pragma once
// The "service" of the demo: a client of a payment API, as application code would write it.
// It knows nothing of mockhttp; the tests point it at a MockServer.
#include <optional>
#include <string>

namespace shop {

struct PaymentResult {
  bool accepted = false;
  std::string payment_id;
  std::string error;  // set when the API refused the payment or could not be reached
};

class PaymentClient {
 public:
  PaymentClient(std::string base_url, std::string api_token);

  // POST /payment {"amount": cents, "currency": ...} with a bearer token.
  PaymentResult charge(long amount_cents, const std::string& currency) const;
  // GET /payment/{id}: the status the API reports, or nullopt when it is unknown.
  std::optional<std::string> status_of(const std::string& payment_id) const;

 private:
  std::string base_url_;
  std::string api_token_;
};

}  // namespace shop
