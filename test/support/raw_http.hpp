#pragma once
// Raw bytes to a server over one TCP connection, for requests no client library would send
// (two Content-Lengths, a lying length, pipelining). Bounded: every read gives up after
// `timeout`, and the connection is closed when done.
#include <chrono>
#include <string>

namespace mockhttp::test {

// Sends `bytes`, then reads until the server closes or `timeout` passes without data.
std::string raw_exchange(int port, const std::string& bytes,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

// Sends `bytes`, then shuts the connection's sending side (the client's FIN: a half-close), then
// reads until the server closes or `timeout` passes without data.
std::string raw_exchange_then_half_close(int port, const std::string& bytes,
                                         std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

// The status code of the first response in `answer` ("HTTP/1.1 404 ..."), 0 when there is none.
int first_status(const std::string& answer);

}  // namespace mockhttp::test
