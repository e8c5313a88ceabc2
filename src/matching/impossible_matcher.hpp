#pragma once
// Request matchers that no request can ever satisfy, found when a stub is mounted: a path with
// a query string (a request's path never holds one) and a query or header value that is not a
// string (they always are). A stub built so would silently never answer.
// Thread safety: reads a value type.
#include <optional>
#include <string>

#include <mockhttp/request.hpp>

namespace mockhttp::detail {

// Why no request can match `matcher`, naming the field and what to write instead; nullopt
// when some request can.
std::optional<std::string> why_no_request_can_match(const Request& matcher);

}  // namespace mockhttp::detail
