#include "control/route_refusal.hpp"

namespace mockhttp::detail {

bool answer_options(const RecordedRequest& request, const std::string& allowed, DeliveryPlan& response) {
  if (allowed.empty() || request.method != "OPTIONS") return false;
  // A clear answer, and no Access-Control-Allow-* header: a browser refuses other origins.
  response.status = 204;
  response.set_header("Allow", allowed + ", OPTIONS");
  return true;
}

bool refuse_other_methods(const RecordedRequest& request, const std::string& allowed, WireError error, ErrorShape shape,
                          DeliveryPlan& response) {
  if (allowed.empty()) return false;
  if (answer_options(request, allowed, response)) return true;
  set_error(response, error, shape, request.method + " " + request.path + " is not a route; it takes " + allowed);
  response.set_header("Allow", allowed);
  return true;
}

}  // namespace mockhttp::detail
