#include <mockhttp/proxy.hpp>

#include "encoding/http_url.hpp"
#include "wire/wire_object.hpp"

namespace mockhttp {

using Json = nlohmann::json;

void ProxyTarget::validate() const {
  if (!detail::parse_http_url(url)) {
    throw DocumentError("/action/proxy/url", "url must be an absolute http:// or https:// URL, got \"" + url + "\"");
  }
  if (timeout.count() < 1) {
    throw DocumentError("/action/proxy/timeout", "timeout must be >= 1 second, got " + std::to_string(timeout.count()));
  }
}

Json ProxyTarget::to_json() const {
  Json header_object = Json::object();
  for (const auto& [name, value] : headers) header_object[name] = value;
  Json out = {{"url", url}, {"headers", header_object}, {"timeout", timeout.count()}, {"record", record}};
  if (!ca_file.empty()) out["ca_file"] = ca_file;
  if (insecure) out["insecure"] = true;
  return out;
}

ProxyTarget ProxyTarget::from_json(const Json& document, const std::string& pointer) {
  const detail::WireObject fields(document, pointer, {"url", "headers", "timeout", "record", "ca_file", "insecure"},
                                  "action.proxy");
  ProxyTarget target;
  target.url = fields.string("url");
  target.headers = fields.string_map_or_empty("headers");
  target.timeout = std::chrono::seconds(fields.integer_or("timeout", 5, 1));
  target.record = fields.boolean_or("record", false);
  target.ca_file = fields.string_or("ca_file", "");
  target.insecure = fields.boolean_or("insecure", false);
  if (!detail::parse_http_url(target.url)) {
    fields.fail("url", "url must be an absolute http:// or https:// URL, got \"" + target.url + "\"");
  }
  return target;
}

}  // namespace mockhttp
