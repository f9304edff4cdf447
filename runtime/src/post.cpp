// Cross-thread posts: an intrusive lock-free stack that producers push onto
// with one CAS, and that the loop takes whole with one exchange, reversing it
// into posting order. Nothing ever blocks or fails for lack of room; nodes
// come from a recycling pool (post_node_pool.cpp), so steady-state posting
// does not allocate. The loop is woken through an eventfd written only when
// no wakeup is already pending (like uv_async_send's coalescing).
#include "loop_impl.h"

#include <cerrno>
#include <cstdint>
#include <unistd.h>

namespace evguard::detail {

// Lost-wakeup freedom without a fence per post: a producer pushes with a
// seq_cst CAS and only then reads the flag (seq_cst). The loop clears the flag
// (seq_cst) before it takes the stack and, before it sleeps, looks at the
// stack again (seq_cst). In the single total order either the loop sees the
// node, or the producer sees the flag cleared and writes the eventfd.
// stop() works the same way with stop_requested_. Reading the flag before
// exchanging it keeps producers from bouncing its cache line while a wakeup
// is already pending.
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
  PostNode *node = take_post_node();
  node->fn = std::move(fn);
  node->label = label;
  node->offload_done = offload_done;
  node->next = incoming_.load(std::memory_order_relaxed);
  while (!incoming_.compare_exchange_weak(node->next, node,
                                          std::memory_order_seq_cst,
                                          std::memory_order_relaxed)) {
  }
  wake();
  return {};
}

bool LoopImpl::posts_pending() const noexcept {
  return batch_ != nullptr ||
         incoming_.load(std::memory_order_seq_cst) != nullptr;
}

namespace {

PostNode *reverse(PostNode *list) {
  PostNode *out = nullptr;
  while (list) {
    PostNode *next = list->next;
    list->next = out;
    out = list;
    list = next;
  }
  return out;
}

} // namespace

// One batch per wakeup: posts made while it runs wait for the next iteration,
// so a post that posts again cannot starve I/O.
void LoopImpl::on_wakeup() {
  std::uint64_t count;
  while (read(wakefd_, &count, sizeof count) < 0 && errno == EINTR) {
  }
  wake_pending_.exchange(false, std::memory_order_seq_cst); // see wake()
  if (!batch_)
    batch_ = reverse(incoming_.exchange(nullptr, std::memory_order_seq_cst));

  UsedPostNodes used; // gives nodes back even if a task throws
  while (PostNode *node = batch_) {
    batch_ = node->next; // a throwing task leaves the rest for next time
    if (node->offload_done)
      --offloads_in_flight_;
    // Recycled only once the task has returned: a task that posts may be
    // handed a node from this thread's cache.
    struct Recycle {
      PostNode *node;
      UsedPostNodes &used;
      ~Recycle() {
        node->fn.reset();
        used.add(node);
      }
    } recycle{node, used};
    DispatchScope scope(DispatchTarget{node->fn.code(), node->label});
    node->fn();
  }
}

void LoopImpl::drop_posts() noexcept {
  UsedPostNodes used;
  for (PostNode *list : {batch_, incoming_.exchange(nullptr)}) {
    while (PostNode *node = list) {
      list = node->next;
      node->fn.reset();
      used.add(node);
    }
  }
  batch_ = nullptr;
}

} // namespace evguard::detail
