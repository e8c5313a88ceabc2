#pragma once
// A gRPC message's criteria from its wire form: a plain object names the fields to match and
// ignores the others (a decoded message lists every field, zero values included, so equality
// would ask for all); anything else is a criteria as written. grpc_method's message and a
// conversation's reply rules read it alike.
// Thread safety: a pure function.
#include <nlohmann/json.hpp>
#include <string>

#include <mockhttp/criteria.hpp>

namespace mockhttp::detail {

Criteria grpc_message_criteria(const nlohmann::json& wire, const std::string& pointer);

}  // namespace mockhttp::detail
