// The offload worker pool: a bounded lock-free job ring that the loop thread
// pushes into without blocking, and threads that sleep on a semaphore.
#ifndef EVGUARD_RUNTIME_WORKER_POOL_H
#define EVGUARD_RUNTIME_WORKER_POOL_H

#include "evguard/loop.h"
#include "mpmc_ring.h"

#include <atomic>
#include <semaphore>
#include <system_error>
#include <thread>
#include <vector>

namespace evguard::detail {

class LoopImpl;

struct Job {
  Task work;
  Task done;
  const char *label = nullptr;
};

class WorkerPool {
public:
  WorkerPool(LoopImpl &loop, unsigned threads, unsigned queue_capacity);
  /// Starts the threads (with every signal blocked, so signals stay with
  /// the loop's signalfd).
  std::error_code start();
  /// Lets running work finish, drops queued jobs, joins the threads.
  ~WorkerPool();

  /// False when the queue is full: the job is left untouched in `job`.
  bool try_submit(Job &job);

private:
  void worker_main();

  LoopImpl &loop_;
  const unsigned thread_count_;
  MpmcRing<Job> queue_;
  std::counting_semaphore<> ready_{0};
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

} // namespace evguard::detail

#endif
