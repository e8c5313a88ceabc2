// The listener's growing thread pool (transport/elastic_task_queue): how it adds threads for
// long tasks (a connection each) and for short ones that only sometimes block (HTTP/2 streams).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "transport/elastic_task_queue.hpp"

namespace elastic_task_queue_test {

using mockhttp::detail::ElasticTaskQueue;

// Runs `tasks` copies of `task` and reports how many distinct threads ran them.
struct ThreadsSeen {
  std::mutex mutex;
  std::set<std::thread::id> ids;
  void note() {
    const std::lock_guard<std::mutex> lock(mutex);
    ids.insert(std::this_thread::get_id());
  }
};

TEST(ElasticTaskQueue, OneThreadAtATimeDrainsABurstOfShortTasksWithTheThreadsItHas) {
  constexpr int kTasks = 200;
  ThreadsSeen seen;
  std::atomic<int> done{0};
  {
    ElasticTaskQueue queue(kTasks, std::chrono::seconds(5), nullptr, ElasticTaskQueue::Growth::one_thread_at_a_time);
    for (int i = 0; i < kTasks; ++i) {
      std::function<void()> task = [&] {
        seen.note();
        ++done;
      };
      ASSERT_TRUE(queue.try_enqueue(task));
    }
    queue.shutdown();
  }
  EXPECT_EQ(done.load(), kTasks);
  EXPECT_LT(seen.ids.size(), static_cast<std::size_t>(kTasks / 2))
      << "a burst of short tasks started a thread for nearly each of them";
}

// Tasks that block until all of them run at once still get a thread each: growth is one at a
// time, never capped below the bound.
TEST(ElasticTaskQueue, OneThreadAtATimeStillGivesBlockedTasksAThreadEach) {
  constexpr int kTasks = 40;
  std::mutex mutex;
  std::condition_variable changed;
  int running = 0;
  int released = 0;
  ThreadsSeen seen;
  {
    ElasticTaskQueue queue(kTasks, std::chrono::seconds(5), nullptr, ElasticTaskQueue::Growth::one_thread_at_a_time);
    for (int i = 0; i < kTasks; ++i) {
      std::function<void()> task = [&] {
        seen.note();
        std::unique_lock<std::mutex> lock(mutex);
        ++running;
        changed.notify_all();
        // Bounded, so a regression fails instead of hanging the suite.
        if (changed.wait_for(lock, std::chrono::seconds(30), [&] { return running == kTasks; })) ++released;
      };
      ASSERT_TRUE(queue.try_enqueue(task));
    }
    queue.shutdown();
  }
  EXPECT_EQ(released, kTasks) << "every task saw all of them running at once";
  EXPECT_EQ(seen.ids.size(), static_cast<std::size_t>(kTasks));
}

TEST(ElasticTaskQueue, PastTheBoundATaskIsRefusedAndTheOverflowIsTold) {
  std::mutex mutex;
  std::condition_variable changed;
  bool release = false;
  int overflows = 0;
  ElasticTaskQueue queue(
      2, std::chrono::seconds(5), [&] { ++overflows; }, ElasticTaskQueue::Growth::one_thread_at_a_time);
  for (int i = 0; i < 2; ++i) {
    std::function<void()> task = [&] {
      std::unique_lock<std::mutex> lock(mutex);
      changed.wait_for(lock, std::chrono::seconds(30), [&] { return release; });
    };
    ASSERT_TRUE(queue.try_enqueue(task));
  }
  std::function<void()> third = [] {};
  EXPECT_FALSE(queue.try_enqueue(third));
  EXPECT_EQ(overflows, 1);
  EXPECT_TRUE(static_cast<bool>(third)) << "a refused task is not taken";
  {
    const std::lock_guard<std::mutex> lock(mutex);
    release = true;
  }
  changed.notify_all();
  queue.shutdown();
}

}  // namespace elastic_task_queue_test
