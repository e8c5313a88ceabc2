#pragma once
// Raw access to the TCP connection a request arrived on, for the faults that must break HTTP
// itself (close before any byte, reset, bytes that are not HTTP) and for refusals that drop
// what the client sent. The listener owns every connection from accept to close and serves it
// on one thread, so that thread knows its socket: ServingConnection says which it is.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace mockhttp::detail {

// For its life, the calling thread serves the connection on `socket` (the listener's connection
// thread; inside an intercepted tunnel, still the tunnel's TCP socket). Each gets a connection
// id of its own, which every request read on it carries (RecordedRequest::connection_id).
class ServingConnection {
 public:
  explicit ServingConnection(int socket);
  ~ServingConnection();
  ServingConnection(const ServingConnection&) = delete;
  ServingConnection& operator=(const ServingConnection&) = delete;

 private:
  int previous_;
  std::uint64_t previous_id_;
};

// The socket of the connection the calling thread serves, or -1 outside one.
int socket_of_this_thread();
// The id of the connection the calling thread serves (1, 2, ... in accept order), or 0.
std::uint64_t connection_id_of_this_thread();

// The address and port of either end of a connected socket ("127.0.0.1", 53122); unchanged
// when the socket has none.
void socket_address(int socket, bool peer, std::string& ip, int& port);

// Whether `socket` is ready for `events` (POLLIN, POLLOUT), or has hung up or failed, within
// `timeout`; a signal does not cut the wait short.
bool socket_ready(int socket, short events, std::chrono::milliseconds timeout);

// Sends every byte, without SIGPIPE; false when the peer has gone.
bool send_raw(int socket, std::string_view bytes);

// Closes the connection for reading and writing: the client reads end-of-file.
void end_connection(int socket);

// Reads and drops what has arrived and not been read: closing a socket with unread bytes
// resets it, which can destroy an answer still in flight to the client.
// At most 1 MiB, so a client sending without pause cannot hold the caller.
void discard_unread(int socket);

// Resets the connection: the client's next read fails with ECONNRESET.
void reset_connection(int socket);

}  // namespace mockhttp::detail
