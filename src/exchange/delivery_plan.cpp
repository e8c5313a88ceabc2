#include "exchange/delivery_plan.hpp"

#include <algorithm>

#include "encoding/unicode_text.hpp"

namespace mockhttp::detail {

const std::string* DeliveryPlan::header(const std::string& name) const {
  for (const auto& [field, value] : headers) {
    if (ascii_equals_ignoring_case(field, name)) return &value;
  }
  return nullptr;
}

DeliveryPlan& DeliveryPlan::set_header(std::string name, std::string value) {
  headers.erase(std::remove_if(headers.begin(), headers.end(),
                               [&](const auto& field) { return ascii_equals_ignoring_case(field.first, name); }),
                headers.end());
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

}  // namespace mockhttp::detail
