#pragma once
// The threads that serve connections, grown on demand. cpp-httplib gives every accepted
// connection one task that lives as long as the connection (keep-alive included), so a fixed
// pool of N threads lets N idle connections starve every other client. Here a connection gets a
// thread at once, up to `max_connections`; a thread idle for a while ends, so an idle server
// holds none. Past the bound a few overflow threads still take connections, only to answer 503
// (over_capacity() tells the handler) and close them: never a silent wait.
// Thread safety: enqueue() runs on the accept thread, shutdown() once, from any thread.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

#include <httplib.h>

namespace mockhttp::detail {

class ElasticTaskQueue final : public httplib::TaskQueue {
 public:
  // `on_overflow` is called (on the accept thread) each time a connection is over the bound.
  ElasticTaskQueue(std::size_t max_connections, std::chrono::milliseconds idle_retirement,
                   std::function<void()> on_overflow);
  ~ElasticTaskQueue() override;

  void enqueue(std::function<void()> task) override;
  void shutdown() override;  // runs what is queued, then joins every thread

  // True on a thread that serves a connection over max_connections: answer 503 and close.
  static bool over_capacity();

 private:
  struct Job {
    std::function<void()> task;
    bool over_capacity;
  };
  void serve();               // a worker's loop
  void start_worker();        // mutex_ held
  void join_retired();        // mutex_ held: joins workers that have ended

  const std::size_t max_connections_;
  const std::size_t max_overflow_;
  const std::chrono::milliseconds idle_retirement_;
  const std::function<void()> on_overflow_;
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::deque<Job> jobs_;
  std::list<std::thread> workers_;
  std::list<std::thread> retired_;
  std::size_t busy_ = 0;        // workers running a connection
  std::size_t idle_ = 0;        // workers waiting for one
  std::size_t overflowing_ = 0; // connections being answered 503
  bool stopping_ = false;
};

}  // namespace mockhttp::detail
