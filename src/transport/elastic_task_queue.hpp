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
  // How threads are added when tasks wait and no thread is idle.
  enum class Growth {
    // One more thread per waiting task, at once: for tasks that live long (a connection).
    a_thread_per_waiting_task,
    // One thread starting at a time; a thread that takes a task while others still wait starts
    // the next. For short tasks that only sometimes block (an HTTP/2 stream's answer being
    // decided): a burst is drained by the threads already running instead of a thread per task,
    // and tasks that block still get threads, one after the other.
    one_thread_at_a_time,
  };

  // `on_overflow` is called (on the accept thread) each time a connection is over the bound.
  ElasticTaskQueue(std::size_t max_connections, std::chrono::milliseconds idle_retirement,
                   std::function<void()> on_overflow, Growth growth = Growth::a_thread_per_waiting_task);
  ~ElasticTaskQueue();
  ElasticTaskQueue(const ElasticTaskQueue&) = delete;
  ElasticTaskQueue& operator=(const ElasticTaskQueue&) = delete;

  // Runs `task` on a thread of its own; false, with on_overflow called and `task` not taken,
  // when max_connections tasks already run or wait.
  bool try_enqueue(std::function<void()>& task);
  void shutdown();  // runs what is queued, then joins every thread

 private:
  void serve();                                  // a worker's loop
  void start_worker();                           // mutex_ held
  bool needs_worker(std::size_t waiting) const;  // mutex_ held
  void join_retired();                           // mutex_ held: joins workers that have ended

  const std::size_t max_connections_;
  const std::chrono::milliseconds idle_retirement_;
  const std::function<void()> on_overflow_;
  const Growth growth_;
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::deque<std::function<void()>> jobs_;
  std::list<std::thread> workers_;
  std::list<std::thread> retired_;
  std::size_t busy_ = 0;      // workers running a connection
  std::size_t idle_ = 0;      // workers waiting for one (those starting included)
  std::size_t starting_ = 0;  // workers started that have not yet looked for a job
  bool stopping_ = false;
};

}  // namespace mockhttp::detail
