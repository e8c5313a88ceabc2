#pragma once
// The threads that serve connections, grown on demand. cpp-httplib gives every accepted
// connection one task that lives as long as the connection (keep-alive included), so a fixed
// pool of N threads lets N idle connections starve every other client. Here a connection gets a
// thread at once, up to `max_connections`; a thread idle for a while ends, so an idle server
// holds none. Past the bound a connection gets no thread: try_enqueue() refuses it, and the
// accepting thread answers 503 and closes it without reading a byte (a slow client over the
// bound holds nothing). Never a silent wait.
// Thread safety: try_enqueue() runs on the accept thread, shutdown() once, from any thread.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

namespace mockhttp::detail {

class ElasticTaskQueue final {
 public:
  // `on_overflow` is called (on the accept thread) each time a connection is over the bound.
  ElasticTaskQueue(std::size_t max_connections, std::chrono::milliseconds idle_retirement,
                   std::function<void()> on_overflow);
  ~ElasticTaskQueue();
  ElasticTaskQueue(const ElasticTaskQueue&) = delete;
  ElasticTaskQueue& operator=(const ElasticTaskQueue&) = delete;

  // Runs `task` on a thread of its own; false, with on_overflow called and `task` not taken,
  // when max_connections tasks already run or wait.
  bool try_enqueue(std::function<void()>& task);
  void shutdown();  // runs what is queued, then joins every thread

 private:
  void serve();         // a worker's loop
  void start_worker();  // mutex_ held
  void join_retired();  // mutex_ held: joins workers that have ended

  const std::size_t max_connections_;
  const std::chrono::milliseconds idle_retirement_;
  const std::function<void()> on_overflow_;
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::deque<std::function<void()>> jobs_;
  std::list<std::thread> workers_;
  std::list<std::thread> retired_;
  std::size_t busy_ = 0;  // workers running a connection
  std::size_t idle_ = 0;  // workers waiting for one
  bool stopping_ = false;
};

}  // namespace mockhttp::detail
