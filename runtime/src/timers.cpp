// Timers: slots hold the handlers, a 4-ary heap orders (deadline, seq).
#include "loop_impl.h"

#include <cerrno>

namespace evguard::detail {
namespace {

struct HeapIndexUpdater {
  SlotTable<Timer> &timers;
  void operator()(std::uint32_t slot, std::uint32_t index) const noexcept {
    timers.at(slot).value.heap_index = index;
  }
};

} // namespace

Result<TimerId> LoopImpl::start_timer(std::int64_t delay_ns,
                                      std::int64_t repeat_ns,
                                      TimerHandler &&handler,
                                      const char *label) {
  if (!handler || delay_ns < 0 || repeat_ns < 0)
    return errno_code(EINVAL);
  std::uint32_t slot = timers_.acquire();
  auto &entry = timers_.at(slot);
  Timer &t = entry.value;
  t.handler = std::move(handler);
  t.label = label;
  t.repeat = repeat_ns;
  t.deadline = now_ns_ + delay_ns;
  heap_.push({t.deadline, timer_seq_++, slot}, HeapIndexUpdater{timers_});
  return TimerId{slot, entry.gen};
}

std::error_code LoopImpl::restart_timer(TimerId id, std::int64_t delay_ns) {
  if (delay_ns < 0)
    return errno_code(EINVAL);
  auto *entry = timers_.lookup(id.slot, id.gen);
  if (!entry)
    return Errc::stale_handle;
  Timer &t = entry->value;
  if (t.heap_index != TimerHeap::npos)
    heap_.erase(t.heap_index, HeapIndexUpdater{timers_});
  t.deadline = now_ns_ + delay_ns;
  heap_.push({t.deadline, timer_seq_++, id.slot}, HeapIndexUpdater{timers_});
  return {};
}

std::error_code LoopImpl::cancel_timer(TimerId id) {
  auto *entry = timers_.lookup(id.slot, id.gen);
  if (!entry)
    return Errc::stale_handle;
  Timer &t = entry->value;
  if (t.heap_index != TimerHeap::npos) {
    heap_.erase(t.heap_index, HeapIndexUpdater{timers_});
    t.heap_index = TimerHeap::npos;
  }
  timers_.retire(id.slot);
  if (!closing_running(HandlerKind::timer, id.slot))
    release_timer(id.slot);
  return {};
}

void LoopImpl::release_timer(std::uint32_t slot) {
  timers_.at(slot).value.handler.reset();
  timers_.recycle(slot);
}

std::int64_t LoopImpl::next_timer_in() const noexcept {
  if (heap_.empty())
    return -1;
  std::int64_t d = heap_.top().deadline - now_ns_;
  return d > 0 ? d : 0;
}

// Only timers scheduled before this pass began can fire in it, so a handler
// that re-arms itself with a zero delay cannot starve fd events.
void LoopImpl::run_timers() {
  const std::uint64_t seq_limit = timer_seq_;
  while (!heap_.empty()) {
    const TimerHeap::Node top = heap_.top();
    if (top.deadline > now_ns_ || top.seq >= seq_limit)
      return;
    heap_.erase(0, HeapIndexUpdater{timers_});
    auto &entry = timers_.at(top.slot);
    Timer &t = entry.value;
    t.heap_index = TimerHeap::npos;
    TimerId id{top.slot, entry.gen};
    if (call_handler(HandlerKind::timer, top.slot, t.handler, t.label, id)) {
      release_timer(top.slot);
      continue;
    }
    if (t.heap_index != TimerHeap::npos)
      continue; // restarted from inside its handler
    if (t.repeat > 0) {
      t.deadline += t.repeat;
      if (t.deadline <= now_ns_) // fell behind: skip the missed ticks
        t.deadline = now_ns_ + t.repeat;
      heap_.push({t.deadline, timer_seq_++, top.slot}, HeapIndexUpdater{timers_});
    } else {
      timers_.retire(top.slot);
      release_timer(top.slot);
    }
  }
}

} // namespace evguard::detail
