#pragma once
// A gRPC message's criteria from its wire form: a plain object names the fields to match and
// ignores the others (a decoded message lists every field, zero values included, so equality
// would ask for all); anything else is a criteria as written. grpc_method's message and a
// conversation's reply rules read it alike.
// Thread safety: a pure function.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include <mockhttp/criteria.hpp>

namespace mockhttp::detail {

Criteria grpc_message_criteria(const nlohmann::json& wire, const std::string& pointer);

// The object a literal criteria equals (Criteria(json{{"sku", "A-1"}}), eq(object)), or nullopt:
// what C++ code writes where the wire form has a plain object.
std::optional<nlohmann::json> plain_object_of(const Criteria& criteria);

// A message's criteria from C++ (a WebSocket reply rule, websocket_received, a wait): a plain
// object names JSON fields of a text message, as grpc_message_criteria's does, under as_json;
// anything else is a criteria on the text as written.
Criteria message_text_criteria(Criteria criteria);

}  // namespace mockhttp::detail
