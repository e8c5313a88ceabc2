#include "transport/connection_deadlines.hpp"

#include "transport/connection_socket.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

namespace mockhttp::detail {

namespace {

using Clock = std::chrono::steady_clock;

// The connection this thread serves, as the watchdog knows it; 0: none. Tokens are unique in
// the process, so a listener asked about another listener's connection finds nothing.
thread_local std::uint64_t watched_here = 0;
std::atomic<std::uint64_t> next_token{1};

constexpr std::chrono::milliseconds kTick(50);
// Sockets waiting to be closed at once; past it a refused connection is closed without linger
// (its answer may then be reset), so a flood of refusals holds a bounded number of descriptors.
constexpr std::size_t kMostLingering = 1024;

}  // namespace

ConnectionDeadlines::ConnectionDeadlines(std::chrono::milliseconds head, std::chrono::milliseconds keep_alive,
                                         std::string late_answer, bool tls)
    : head_(head), keep_alive_(keep_alive), late_answer_(std::move(late_answer)), tls_(tls) {
  thread_ = std::thread([this] { watch(); });
}

ConnectionDeadlines::~ConnectionDeadlines() { stop(); }

void ConnectionDeadlines::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Lingering& entry : lingering_) {
    discard_unread(entry.socket);
    ::close(entry.socket);
  }
  lingering_.clear();
}

ConnectionDeadlines::Watched::Watched(ConnectionDeadlines& deadlines, int socket)
    : deadlines_(deadlines), token_(next_token.fetch_add(1)) {
  watched_here = token_;
  if (deadlines_.head_.count() == 0) return;
  {
    std::lock_guard<std::mutex> lock(deadlines_.mutex_);
    deadlines_.watched_[token_] = Deadline{socket, Clock::now() + deadlines_.head_};
  }
  deadlines_.changed_.notify_all();
}

ConnectionDeadlines::Watched::~Watched() {
  watched_here = 0;
  std::lock_guard<std::mutex> lock(deadlines_.mutex_);
  const auto it = deadlines_.watched_.find(token_);
  if (it != deadlines_.watched_.end()) deadlines_.watched_.erase(it);
}

void ConnectionDeadlines::arm(Clock::time_point at) {
  if (watched_here == 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = watched_.find(watched_here);
  if (it != watched_.end()) it->second.at = at;
}

void ConnectionDeadlines::head_read() { arm(Clock::time_point::max()); }

void ConnectionDeadlines::answer_written() {
  // cpp-httplib waits keep_alive for the first byte of the next request and closes an idle
  // connection itself; the head then has its own time.
  arm(Clock::now() + keep_alive_ + head_);
}

void ConnectionDeadlines::close_lingering(int socket, std::chrono::milliseconds linger) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_ && lingering_.size() < kMostLingering) {
      lingering_.push_back({socket, Clock::now() + linger});
      socket = -1;
    }
  }
  if (socket >= 0) {
    discard_unread(socket);
    ::close(socket);
    return;
  }
  changed_.notify_all();
}

void ConnectionDeadlines::end_late_connection(Deadline& late) {
  // The connection's thread owns the stream; the watchdog only writes to a plain socket, where
  // nothing else is being written while a head is awaited, and shuts the socket down, which
  // wakes that thread's read with end-of-file.
  if (!tls_ && !late_answer_.empty()) {
    (void)::send(late.socket, late_answer_.data(), late_answer_.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  }
  discard_unread(late.socket);
  ::shutdown(late.socket, SHUT_RDWR);
  late.at = Clock::time_point::max();
}

void ConnectionDeadlines::watch() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (watched_.empty() && lingering_.empty()) {
      changed_.wait(lock);  // nothing to time: no wake-ups on an idle server
      continue;
    }
    changed_.wait_for(lock, kTick);
    const Clock::time_point now = Clock::now();
    for (auto& entry : watched_) {
      if (entry.second.at <= now) end_late_connection(entry.second);
    }
    for (std::size_t i = 0; i < lingering_.size();) {
      if (lingering_[i].close_at > now) {
        ++i;
        continue;
      }
      discard_unread(lingering_[i].socket);
      ::close(lingering_[i].socket);
      lingering_[i] = lingering_.back();
      lingering_.pop_back();
    }
  }
}

}  // namespace mockhttp::detail
