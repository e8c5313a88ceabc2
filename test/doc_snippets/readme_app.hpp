#pragma once
// The "your code" of README.md's first example: a checkout that charges through a payment
// service at `base_url`. It knows nothing of mockhttp.
#include <httplib.h>

#include <string>

#include <nlohmann/json.hpp>

namespace readme_app {

class Checkout {
 public:
  explicit Checkout(std::string base_url) : base_url_(std::move(base_url)) {}
  void pay(long amount_cents) const {
    httplib::Client payments(base_url_);
    payments.Post("/payment", {{"Authorization", "Bearer test-key"}}, nlohmann::json{{"amount", amount_cents}}.dump(),
                  "application/json");
  }

 private:
  std::string base_url_;
};

}  // namespace readme_app
