#include "storefront.hpp"

#include <httplib.h>

#include <sys/socket.h>

#include <cmath>

#include <nlohmann/json.hpp>

namespace shop {

// cpp-httplib 0.11 listens with a backlog of 5: 32 clients connecting at once overflow it and the
// dropped SYNs are retried a second later. Linux lets a second listen() raise it.
class Listener : public httplib::Server {
 public:
  void raise_backlog() { ::listen(svr_sock_, SOMAXCONN); }
};

namespace {

using Json = nlohmann::json;

// The headers a traced call carries on to the calls it makes.
httplib::Headers propagated(const httplib::Request& incoming) {
  httplib::Headers out;
  for (const char* name : {"x-softprobe-session-id", "traceparent"}) {
    if (incoming.has_header(name)) out.emplace(name, incoming.get_header_value(name));
  }
  return out;
}

httplib::Client api(const std::string& base, const std::string& proxy) {
  httplib::Client client(base);
  if (!proxy.empty()) {
    const auto colon = proxy.rfind(':');
    client.set_proxy(proxy.substr(7, colon - 7), std::stoi(proxy.substr(colon + 1)));
  }
  client.set_read_timeout(10, 0);
  return client;
}

void answer(httplib::Response& response, int status, const Json& body) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

}  // namespace

Storefront::Storefront(std::string proxy, int port) : proxy_(std::move(proxy)), server_(std::make_unique<Listener>()) {
  server_->Post("/checkout", [this](const httplib::Request& request, httplib::Response& response) {
    const Json order = Json::parse(request.body, nullptr, false);
    if (order.is_discarded() || !order.contains("amount")) {
      answer(response, 400, {{"error", "the order needs an amount"}});
      return;
    }
    const std::string currency = order.value("currency", "usd");
    auto rates = api("http://rates.example.test", proxy_);
    const auto rate = rates.Get("/v1/rates?base=usd&to=" + currency, propagated(request));
    const Json quoted = rate && rate->status == 200 ? Json::parse(rate->body, nullptr, false) : Json();
    if (quoted.is_discarded() || !quoted.contains("rate")) {
      answer(response, 502, {{"error", "rates unavailable"}});
      return;
    }
    // In cents, as money is: 40 * 0.92 is 36.800000000000004 in binary floating point.
    const double total = std::round(order["amount"].get<double>() * quoted["rate"].get<double>() * 100) / 100;
    auto payments = api("http://payments.example.test", proxy_);
    const Json charge = {{"amount", total}, {"currency", currency}, {"card", order.value("card", "")}};
    const auto paid = payments.Post("/v1/charges", propagated(request), charge.dump(), "application/json");
    if (!paid) {
      answer(response, 502, {{"error", "payments unavailable"}});
      return;
    }
    const Json receipt = Json::parse(paid->body, nullptr, false);
    if (paid->status == 402) {
      answer(response, 402,
             {{"error", "card declined"}, {"reason", receipt.is_discarded() ? "" : receipt.value("reason", "")}});
      return;
    }
    if (paid->status != 200 || receipt.is_discarded()) {
      answer(response, 502, {{"error", "payments answered " + std::to_string(paid->status)}});
      return;
    }
    answer(response, 200,
           {{"order", "ord_" + order.value("cart", std::string("?"))},
            {"charge", receipt.value("id", "")},
            {"status", receipt.value("status", "")},
            {"total", total},
            {"currency", currency}});
  });
  server_->Get("/health",
               [](const httplib::Request&, httplib::Response& response) { response.set_content("ok", "text/plain"); });
  if (port == 0) {
    port_ = server_->bind_to_any_port("127.0.0.1");
  } else if (server_->bind_to_port("127.0.0.1", port)) {
    port_ = port;
  }
  if (port_ <= 0) throw std::runtime_error("the storefront cannot bind 127.0.0.1:" + std::to_string(port));
  server_->raise_backlog();
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::yield();
}

Storefront::~Storefront() {
  server_->stop();
  thread_.join();
}

std::string Storefront::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

}  // namespace shop
