#pragma once
// Raw access to the TCP connection a request arrived on, for the faults that must break HTTP
// itself (close before any byte, reset, bytes that are not HTTP). cpp-httplib 0.11 does not hand
// handlers their socket (nor a task queue the accepted descriptor), so the first fault on a
// connection finds it by its address pair among the open descriptors (POSIX poll() and
// getsockname/getpeername, no /proc) and the connection's thread keeps it until it ends.
#include <string>
#include <string_view>

namespace mockhttp::detail {

// The descriptor of the accepted socket whose local and peer ports are those given, or -1.
// Safe to use until the handler returns: the calling worker thread holds the connection open.
int find_connection_socket(int local_port, const std::string& remote_addr, int remote_port);

// The address and port of either end of a connected socket ("127.0.0.1", 53122); unchanged
// when the socket has none.
void socket_address(int socket, bool peer, std::string& ip, int& port);

// Forgets the socket the calling thread kept: its connection has ended (the task queue calls it).
void forget_connection_socket();

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
