// Cross-thread posts: a bounded lock-free ring plus an eventfd wakeup that is
// written only when the loop is not already due to wake (like uv_async_send's
// coalescing). When the ring is full, posts spill into a mutex-protected list
// instead of failing; the loop thread takes that lock only when the spill
// list is non-empty, so its hot path stays lock-free.
#include "loop_impl.h"

#include <cerrno>
#include <cstdint>
#include <unistd.h>

namespace evguard::detail {

void LoopImpl::wake() noexcept {
  if (wake_pending_.exchange(true, std::memory_order_acq_rel))
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
  if (overflow_nonempty_.load(std::memory_order_acquire) ||
      !posts_.try_push(cell)) {
    std::lock_guard lock(overflow_mutex_);
    overflow_.push_back(std::move(cell));
    overflow_nonempty_.store(true, std::memory_order_release);
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
  wake_pending_.exchange(false, std::memory_order_acq_rel);

  // A bounded batch per iteration: posts that post again cannot starve I/O.
  std::size_t budget = options_.post_queue ? options_.post_queue : 1;
  bool ring_drained = false;
  while (!ring_drained) {
    if (budget-- == 0)
      break;
    if (!posts_.try_pop(drained_)) {
      ring_drained = true;
      break;
    }
    if (drained_.offload_done)
      --offloads_in_flight_;
    {
      DispatchScope scope(DispatchTarget{drained_.fn.code(), drained_.label});
      drained_.fn();
    }
    drained_.fn.reset();
  }
  // Spilled posts are younger than everything in the ring, so they run only
  // once the ring has been emptied.
  if (ring_drained && overflow_nonempty_.load(std::memory_order_acquire))
    drain_overflow();
  if (posts_pending())
    wake();
}

} // namespace evguard::detail
