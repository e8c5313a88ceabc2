#include "replay/case_writer.hpp"

#include "encoding/unicode_text.hpp"
#include "encoding/utc_time.hpp"

#include <chrono>
#include <random>

namespace mockhttp::detail {

using nlohmann::json;

namespace {

json text_attribute(const std::string& key, const std::string& value) {
  return {{"key", key}, {"value", {{"stringValue", value}}}};
}

json number_attribute(const std::string& key, long long value) {
  return {{"key", key}, {"value", {{"intValue", std::to_string(value)}}}};  // OTLP JSON: int64 as a string
}

std::string random_hex(std::mt19937_64& random, std::size_t digits) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  while (out.size() < digits) out += kHex[random() % 16];
  return out;
}

bool is_hex(const std::string& text, std::size_t digits) {
  return text.size() == digits && text.find_first_not_of("0123456789abcdef") == std::string::npos &&
         text != std::string(digits, '0');
}

// The trace id of a W3C traceparent ("00-<32 hex>-<16 hex>-<2 hex>"), so that the capture links
// to the application's own trace; a fresh one otherwise.
std::string trace_id_of(const CapturedRequest& request, std::mt19937_64& random) {
  for (const auto& [name, value] : request.headers) {
    if (name.size() == 11 && (name == "traceparent" || name == "Traceparent") && value.size() >= 55 &&
        is_hex(value.substr(3, 32), 32)) {
      return value.substr(3, 32);
    }
  }
  return random_hex(random, 32);
}

}  // namespace

json case_document(const std::string& case_id, const std::string& session_id,
                   const std::vector<CapturedExchange>& exchanges) {
  std::mt19937_64 random(std::random_device{}());
  json traces = json::array();
  for (const auto& exchange : exchanges) {
    json attributes = json::array(
        {text_attribute("sp.session.id", session_id),
         text_attribute("sp.traffic.direction", exchange.direction.empty() ? "outbound" : exchange.direction),
         text_attribute("sp.span.type", "extract"), text_attribute("url.host", exchange.request.host),
         text_attribute("url.path", exchange.request.path),
         text_attribute("http.request.method", exchange.request.method)});
    if (const auto full = exchange.attributes.find("url.full");
        full != exchange.attributes.end() && full->is_string()) {
      attributes.push_back(text_attribute("url.full", full->get<std::string>()));
    }
    for (const auto& [name, value] : exchange.request.headers) {
      attributes.push_back(text_attribute("http.request.header." + ascii_lowercase(name), value));
    }
    attributes.push_back(text_attribute("http.request.body", exchange.request.body));
    attributes.push_back(number_attribute("http.response.status_code", exchange.response.status));
    for (const auto& [name, value] : exchange.response.headers) {
      attributes.push_back(text_attribute("http.response.header." + ascii_lowercase(name), value));
    }
    attributes.push_back(text_attribute("http.response.body", exchange.response.body));
    json span = {{"traceId", trace_id_of(exchange.request, random)},
                 {"spanId", random_hex(random, 16)},
                 {"name", "HTTP " + exchange.request.method},
                 {"kind", 3},  // SPAN_KIND_CLIENT: an outbound call
                 {"startTimeUnixNano", std::to_string(exchange.start_unix_nano)},
                 {"endTimeUnixNano", std::to_string(exchange.end_unix_nano)},
                 {"attributes", attributes}};
    traces.push_back(
        {{"resourceSpans",
          json::array(
              {{{"resource", {{"attributes", json::array({text_attribute("service.name", "mockhttp-capture")})}}},
                {"scopeSpans",
                 json::array({{{"scope", {{"name", "mockhttp"}}}, {"spans", json::array({span})}}})}}})}});
  }
  return {{"version", "1.0.0"},       {"caseId", case_id},
          {"mode", "capture"},        {"createdAt", utc_time_text(std::chrono::system_clock::now())},
          {"traces", traces},         {"rules", json::array()},
          {"fixtures", json::array()}};
}

}  // namespace mockhttp::detail
