#pragma once
// The proxy action: forwards a received request to the upstream and turns its answer into a
// Response. Hop-by-hop headers are dropped both ways (RFC 9110 §7.6.1), and so are Host and
// the length and encoding headers, which describe the bytes of one hop only.
#include <stdexcept>

#include <mockhttp/proxy.hpp>
#include <mockhttp/errors.hpp>
#include <mockhttp/recorded_request.hpp>
#include <mockhttp/response.hpp>

namespace mockhttp::detail {

// A forward that policy refuses (SSRF): over HTTP, a 403 FORWARD_REFUSED naming the option.
class ForwardRefused : public Error {
 public:
  using Error::Error;
};

// Throws ProxyFailure when the upstream cannot be reached or does not answer in time.
Response forward_to_upstream(const ProxyTarget& target, const RecordedRequest& request);

}  // namespace mockhttp::detail
