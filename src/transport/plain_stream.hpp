#pragma once
// cpp-httplib's Stream over a plain TCP connection mockhttp accepted itself (its own accept
// loop: transport/http_listener.cpp), so the listener's request loop reads and answers it as
// cpp-httplib's own SocketStream would: reads buffered 4 KiB at a time, each read and write
// waiting at most `timeout` for the socket.
// Thread safety: one connection's thread uses it.
#include <array>
#include <chrono>
#include <string>
#include <string_view>

#include <httplib.h>

namespace mockhttp::detail {

class PlainStream final : public httplib::Stream {
 public:
  PlainStream(int socket, std::chrono::milliseconds timeout) : socket_(socket), timeout_(timeout) {}

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* data, size_t size) override;
  ssize_t write(const char* data, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return socket_; }
  // Bytes read from the socket and not yet taken: the start of a pipelined next request.
  bool has_buffered() const { return buffered_from_ < buffered_to_; }
  // Whether the next bytes are `prefix` (at most the buffer's size), read ahead as far as needed
  // to tell and kept for whoever reads next: a connection's first bytes choose its protocol.
  bool next_bytes_are(std::string_view prefix);
  // The bytes read ahead, taken out of the stream: a protocol taking the connection over reads them first.
  std::string take_buffered();

 private:
  int socket_;
  std::chrono::milliseconds timeout_;
  // cpp-httplib reads a request head one byte at a time: a recv() per byte without this.
  std::array<char, 4096> buffer_{};
  std::size_t buffered_from_ = 0;
  std::size_t buffered_to_ = 0;
};

}  // namespace mockhttp::detail
