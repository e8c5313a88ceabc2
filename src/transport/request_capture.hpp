#pragma once
// Turns what cpp-httplib parsed into a RecordedRequest, the one shape matching works on.
#include <httplib.h>

#include <mockhttp/recorded_request.hpp>

namespace mockhttp::detail {

RecordedRequest capture_request(const httplib::Request& request);

// "Example.COM:8080" -> "example.com"; "[::1]:80" -> "::1".
std::string host_without_port(const std::string& host_header);

}  // namespace mockhttp::detail
