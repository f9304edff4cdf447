// offload(work, done): `work` runs on the worker pool, then `done` is posted
// back to the loop. The pool starts on the first offload, so loops that never
// offload own no threads.
#include "loop_impl.h"
#include "worker_pool.h"

#include <algorithm>
#include <csignal>
#include <pthread.h>

namespace evguard::detail {

WorkerPool::WorkerPool(LoopImpl &loop, unsigned threads,
                       unsigned queue_capacity)
    : loop_(loop), thread_count_(threads), queue_(queue_capacity) {}

std::error_code WorkerPool::start() {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  std::error_code ec;
  try {
    threads_.reserve(thread_count_);
    for (unsigned i = 0; i < thread_count_; ++i)
      threads_.emplace_back([this] { worker_main(); });
  } catch (const std::system_error &e) {
    ec = e.code();
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return ec;
}

WorkerPool::~WorkerPool() {
  stopping_.store(true, std::memory_order_release);
  ready_.release(static_cast<std::ptrdiff_t>(threads_.size()));
  for (std::thread &t : threads_)
    t.join();
}

bool WorkerPool::try_submit(Job &job) {
  if (!queue_.try_push(job))
    return false;
  ready_.release();
  return true;
}

// Work is deliberately not bracketed by DispatchScope: it runs off the loop
// thread, where blocking is allowed.
void WorkerPool::worker_main() {
  Job job;
  for (;;) {
    ready_.acquire();
    if (stopping_.load(std::memory_order_acquire))
      return;
    if (!queue_.try_pop(job))
      continue;
    job.work();
    job.work.reset();
    // Cannot fail: done is non-empty (checked in offload).
    (void)loop_.post(std::move(job.done), job.label, true);
  }
}

std::error_code LoopImpl::offload(Task &&work, Task &&done, const char *label) {
  if (!work || !done)
    return errno_code(EINVAL);
  if (!pool_) {
    unsigned threads = options_.workers;
    if (threads == 0)
      threads = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
    auto pool = std::make_unique<WorkerPool>(*this, threads,
                                             std::max(1u, options_.offload_queue));
    if (std::error_code ec = pool->start())
      return ec;
    pool_ = std::move(pool);
  }
  Job job{std::move(work), std::move(done), label};
  if (!pool_->try_submit(job))
    return Errc::offload_queue_full; // neither callable will run
  ++offloads_in_flight_;
  return {};
}

} // namespace evguard::detail
