// Cross-thread posts: a bounded lock-free ring plus an eventfd wakeup that is
// written only when the loop is not already due to wake (like uv_async_send's
// coalescing). When the ring is full, posts spill into a mutex-protected list
// instead of failing (a producer may itself be a loop thread, which must not
// wait); the loop thread takes that lock only when the spill list is
// non-empty, so its hot path stays lock-free. Both spill vectors keep their
// capacity, so even sustained spilling stops allocating once warmed up.
#include "loop_impl.h"

#include <cerrno>
#include <cstdint>
#include <unistd.h>

namespace evguard::detail {

// Lost-wakeup freedom without a fence per post: a producer reserves its
// ring slot with a seq_cst CAS and only then reads the flag (seq_cst). The
// loop clears the flag (seq_cst) before it drains and, before it sleeps,
// checks for reservations and spilled posts (seq_cst). In the single total
// order either the loop sees the reservation or the spill (and does not sleep
// long, see run_once) or the producer sees the flag cleared and writes the
// eventfd. stop() works the same way with stop_requested_. Reading the flag
// before exchanging it keeps producers from bouncing its cache line while a
// wakeup is already pending.
void LoopImpl::wake() noexcept {
  if (wake_pending_.load(std::memory_order_seq_cst) ||
      wake_pending_.exchange(true, std::memory_order_seq_cst))
    return;
  std::uint64_t one = 1;
  // Only EAGAIN (counter saturated) can fail here, and then the eventfd is
  // readable anyway, so the loop wakes regardless.
  while (write(wakefd_, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

std::error_code LoopImpl::post(Task &&fn, const char *label,
                               bool offload_done) {
  if (!fn)
    return errno_code(EINVAL);
  PostCell cell{std::move(fn), label, offload_done};
  // Once anything has spilled, later posts spill too, so that each thread's
  // posts keep their order.
  if (!overflow_nonempty_.load(std::memory_order_acquire) &&
      posts_.try_push(cell)) {
    wake();
    return {};
  }
  {
    std::lock_guard lock(overflow_mutex_);
    overflow_.push_back(std::move(cell));
    overflow_nonempty_.store(true, std::memory_order_seq_cst); // see wake()
  }
  wake();
  return {};
}

bool LoopImpl::posts_pending() const noexcept {
  return !posts_.empty_hint() ||
         overflow_nonempty_.load(std::memory_order_acquire);
}

void LoopImpl::drain_overflow() {
  {
    std::lock_guard lock(overflow_mutex_);
    overflow_batch_.swap(overflow_);
    overflow_nonempty_.store(false, std::memory_order_release);
  }
  for (PostCell &cell : overflow_batch_) {
    if (cell.offload_done)
      --offloads_in_flight_;
    DispatchScope scope(DispatchTarget{cell.fn.code(), cell.label});
    cell.fn();
  }
  overflow_batch_.clear();
}

void LoopImpl::on_wakeup() {
  std::uint64_t count;
  while (read(wakefd_, &count, sizeof count) < 0 && errno == EINTR) {
  }
  // Cleared before draining: a post that lands after this point sees false
  // and writes the eventfd again, so it cannot be missed.
  wake_pending_.exchange(false, std::memory_order_seq_cst);

  // A bounded batch per iteration: posts that post again cannot starve I/O.
  std::size_t budget = options_.post_queue ? options_.post_queue : 1;
  bool ring_drained = false;
  auto run_post = [this](PostCell &cell) {
    if (cell.offload_done)
      --offloads_in_flight_;
    // Destroyed right after running, even if it throws.
    struct Reset {
      Task &fn;
      ~Reset() { fn.reset(); }
    } reset{cell.fn};
    DispatchScope scope(DispatchTarget{cell.fn.code(), cell.label});
    cell.fn();
  };
  while (!ring_drained) {
    if (budget-- == 0)
      break;
    ring_drained = !posts_.consume_single(run_post);
  }
  // Spilled posts are younger than everything in the ring, so they run only
  // once the ring is empty: not merely stopped at a slot another producer
  // has reserved but not yet filled, which may be older than a spilled post.
  if (ring_drained && !posts_.has_reservations() &&
      overflow_nonempty_.load(std::memory_order_acquire))
    drain_overflow();
  if (posts_pending())
    wake();
}

} // namespace evguard::detail
