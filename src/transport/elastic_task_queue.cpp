#include "transport/elastic_task_queue.hpp"

namespace mockhttp::detail {

ElasticTaskQueue::ElasticTaskQueue(std::size_t max_connections, std::chrono::milliseconds idle_retirement,
                                   std::function<void()> on_overflow, Growth growth)
    : max_connections_(max_connections == 0 ? 1 : max_connections),
      idle_retirement_(idle_retirement),
      on_overflow_(std::move(on_overflow)),
      growth_(growth) {}

ElasticTaskQueue::~ElasticTaskQueue() { shutdown(); }

void ElasticTaskQueue::start_worker() {
  ++idle_;  // counted as waiting until it takes a job
  ++starting_;
  workers_.emplace_back([this] { serve(); });
}

bool ElasticTaskQueue::needs_worker(std::size_t waiting) const {
  if (idle_ > waiting) return false;
  return growth_ == Growth::a_thread_per_waiting_task || starting_ == 0;
}

void ElasticTaskQueue::join_retired() {
  for (auto& worker : retired_) {
    if (worker.joinable()) worker.join();
  }
  retired_.clear();
}

bool ElasticTaskQueue::try_enqueue(std::function<void()>& task) {
  bool taken = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    join_retired();
    const std::size_t waiting = jobs_.size();
    if (busy_ + waiting < max_connections_) {
      jobs_.push_back(std::move(task));
      if (needs_worker(waiting)) start_worker();
      taken = true;
    }
  }
  if (taken) {
    work_ready_.notify_one();
    return true;
  }
  if (on_overflow_) on_overflow_();
  return false;
}

void ElasticTaskQueue::serve() {
  std::unique_lock<std::mutex> lock(mutex_);
  --starting_;
  for (;;) {
    const bool woken = work_ready_.wait_for(lock, idle_retirement_, [this] { return stopping_ || !jobs_.empty(); });
    if (!woken || (stopping_ && jobs_.empty())) break;  // idle too long, or shutting down
    std::function<void()> task = std::move(jobs_.front());
    jobs_.pop_front();
    --idle_;
    ++busy_;
    // One thread at a time: the thread that takes a task while others wait starts the next
    // (stopping too: shutdown() runs what is queued, and a queued task may block).
    if (growth_ == Growth::one_thread_at_a_time && !jobs_.empty() && needs_worker(jobs_.size())) {
      start_worker();
    }
    lock.unlock();
    task();
    lock.lock();
    --busy_;
    ++idle_;
  }
  --idle_;
  // Retire: hand this thread's handle over to be joined by the next enqueue() or shutdown().
  for (auto it = workers_.begin(); it != workers_.end(); ++it) {
    if (it->get_id() == std::this_thread::get_id()) {
      retired_.splice(retired_.end(), workers_, it);
      break;
    }
  }
}

void ElasticTaskQueue::shutdown() {
  std::list<std::thread> all;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && workers_.empty() && retired_.empty()) return;
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      all.splice(all.end(), retired_);
      if (workers_.empty()) break;
      // Still running: take the handles to join outside the lock; they retire into `retired_`,
      // which no one joins twice because the handles are moved out here.
      all.splice(all.end(), workers_);
    }
    for (auto& worker : all) {
      if (worker.joinable()) worker.join();
    }
    all.clear();
  }
  for (auto& worker : all) {
    if (worker.joinable()) worker.join();
  }
}

}  // namespace mockhttp::detail
