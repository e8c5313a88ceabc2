#pragma once
// A RecordedRequest packed into bytes, and back. The journal keeps every request a server ever
// received: packed, a request is one run of bytes in a shared segment instead of a dozen heap
// blocks (its strings, vectors and maps), which keeps memory per request small and lets the
// serving threads reuse their own heap instead of growing it on every request.
// Thread safety: free functions over their arguments only.
#include <cstddef>
#include <string>
#include <string_view>

#include <mockhttp/recorded_request.hpp>

namespace mockhttp::detail {

// The bytes pack_request writes for `request`, measured without writing them, so that the
// journal can pack straight into its storage.
std::size_t packed_size(const RecordedRequest& request);

// Writes exactly packed_size(request) bytes at `destination`.
void pack_request(const RecordedRequest& request, char* destination);

// Reads what pack_request wrote; throws std::logic_error on bytes it did not write.
RecordedRequest unpack_request(std::string_view bytes);

}  // namespace mockhttp::detail
