#include "order_client.hpp"

#include <httplib.h>

#include <cctype>

#include <nlohmann/json.hpp>

namespace shop {

namespace {
std::string form_escape(const std::string& text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '*') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      const char* digits = "0123456789ABCDEF";
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}
}  // namespace

std::optional<std::string> OrderClient::log_in(const std::string& client_id, const std::string& secret) {
  httplib::Client http(base_url_);
  const std::string form = "grant_type=client_credentials&client_id=" + form_escape(client_id) +
                           "&client_secret=" + form_escape(secret) + "&scope=orders+receipts";
  const auto res = http.Post("/oauth/token", form, "application/x-www-form-urlencoded");
  if (!res || res->status != 200) return std::nullopt;
  token_ = nlohmann::json::parse(res->body).value("access_token", "");
  return token_;
}

PlacedOrder OrderClient::place(const std::string& sku, int quantity) const {
  httplib::Client http(base_url_);
  const httplib::Headers headers = {{"Authorization", "Bearer " + token_}};
  const std::string body = nlohmann::json{{"sku", sku}, {"quantity", quantity}}.dump();
  PlacedOrder order;
  while (order.attempts < 3) {
    ++order.attempts;
    const auto res = http.Post("/orders", headers, body, "application/json");
    if (res && res->status == 503) continue;  // the API is busy: try again
    if (!res || res->status != 201) return order;
    const auto answer = nlohmann::json::parse(res->body);
    order.id = answer.at("id").get<std::string>();
    order.total_cents = answer.at("total_cents").get<int>();
    return order;
  }
  return order;
}

std::string OrderClient::pay(const std::string& order_id) const {
  httplib::Client http(base_url_);
  const auto paid = http.Post("/orders/" + order_id + "/pay", "{}", "application/json");
  if (!paid || paid->status != 201) return "payment failed";
  const auto status = http.Get("/orders/" + order_id);
  if (!status || status->status != 200) return "unknown";
  return nlohmann::json::parse(status->body).value("status", "unknown");
}

bool OrderClient::upload_receipt(const std::string& order_id, const std::string& pdf_bytes) const {
  httplib::Client http(base_url_);
  const httplib::MultipartFormDataItems items = {
      {"metadata", nlohmann::json{{"order", order_id}}.dump(), "", "application/json"},
      {"receipt", pdf_bytes, "receipt-" + order_id + ".pdf", "application/pdf"},
  };
  const auto res = http.Post("/orders/" + order_id + "/receipt", items);
  return res && res->status == 201;
}

std::future<void> OrderClient::notify_shipped(const std::string& order_id) const {
  return std::async(std::launch::async, [base_url = base_url_, order_id] {
    httplib::Client http(base_url);
    (void)http.Post("/events", nlohmann::json{{"order", order_id}, {"event", "shipped"}}.dump(), "application/json");
  });
}

}  // namespace shop
