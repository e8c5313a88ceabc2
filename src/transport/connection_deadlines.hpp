#pragma once
// One thread that ends connections whose client is too slow, so a slow client cannot hold a
// connection thread (and with max_connections of them, lock every other client out):
// - a request head (request line and headers, and a TLS handshake before the first one) must
//   arrive whole within `head` of the moment the connection was accepted, or, for a later
//   request on a kept-alive connection, within the keep-alive wait plus `head` of the previous
//   answer. Past it a plain connection is sent `late_answer` (a 408) and shut down, a TLS one is
//   shut down: the connection's thread then reads end-of-file and ends. cpp-httplib 0.11 bounds
//   each read (5 s) but not a head dripped a byte at a time.
// - a connection refused on the accepting thread (over max_connections) is closed after a short
//   linger, so the answer already written reaches the client instead of being reset.
// The deadline is checked every 50 ms: a late head is ended within that of its deadline.
// Thread safety: Watched, head_read() and answer_written() run on connection threads,
// close_lingering() on the accept thread, stop() once, from any thread.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace mockhttp::detail {

class ConnectionDeadlines {
 public:
  // `head` zero: heads have no deadline (only lingering closes are done).
  ConnectionDeadlines(std::chrono::milliseconds head, std::chrono::milliseconds keep_alive, std::string late_answer,
                      bool tls);
  ~ConnectionDeadlines();
  ConnectionDeadlines(const ConnectionDeadlines&) = delete;
  ConnectionDeadlines& operator=(const ConnectionDeadlines&) = delete;

  // For as long as a connection is served, on its thread: the first head's deadline runs from
  // construction. `socket` must stay open until the Watched ends (the watchdog uses it under
  // the lock the destructor takes, so a descriptor number reused later is never touched).
  class Watched {
   public:
    Watched(ConnectionDeadlines& deadlines, int socket);
    ~Watched();
    Watched(const Watched&) = delete;
    Watched& operator=(const Watched&) = delete;

   private:
    ConnectionDeadlines& deadlines_;
    std::uint64_t token_;
  };

  // On a connection's thread: the head of its request arrived whole (the body's reads are
  // bounded by cpp-httplib's read timeout, and a handler may take as long as it needs).
  void head_read();
  // On a connection's thread: an answer was written; the next head's deadline starts.
  void answer_written();
  // Takes `socket`, already answered and shut down for writing: closes it within `linger`,
  // dropping what the client sends meanwhile.
  void close_lingering(int socket, std::chrono::milliseconds linger);
  void stop();

 private:
  struct Deadline {
    int socket = -1;
    std::chrono::steady_clock::time_point at = std::chrono::steady_clock::time_point::max();
  };
  struct Lingering {
    int socket;
    std::chrono::steady_clock::time_point close_at;
  };
  void arm(std::chrono::steady_clock::time_point at);
  void watch();  // the thread's loop
  void end_late_connection(Deadline& late);

  const std::chrono::milliseconds head_;
  const std::chrono::milliseconds keep_alive_;
  const std::string late_answer_;
  const bool tls_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::unordered_map<std::uint64_t, Deadline> watched_;
  std::vector<Lingering> lingering_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mockhttp::detail
