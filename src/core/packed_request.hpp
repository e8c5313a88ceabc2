#pragma once
// A RecordedRequest packed into bytes, and back. The journal keeps every request a server ever
// received: packed, a request is one run of bytes in a shared segment instead of a dozen heap
// blocks (its strings, vectors and maps), which keeps memory per request small and lets the
// serving threads reuse their own heap instead of growing it on every request.
// Thread safety: free functions over their arguments only.
#include <string>
#include <string_view>

#include <mockhttp/recorded_request.hpp>

namespace mockhttp::detail {

// Appends `request` to `out`.
void pack_request(const RecordedRequest& request, std::string& out);

// Reads what pack_request wrote; throws std::logic_error on bytes it did not write.
RecordedRequest unpack_request(std::string_view bytes);

}  // namespace mockhttp::detail
