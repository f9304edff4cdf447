// A bounded lock-free queue (D. Vyukov's array queue with per-cell sequence
// numbers). Producers and consumers never block each other beyond a CAS; a
// full queue is reported to the caller, which decides what to do.
#ifndef EVGUARD_RUNTIME_MPMC_RING_H
#define EVGUARD_RUNTIME_MPMC_RING_H

#include <atomic>
#include <bit>
#include <cstddef>
#include <memory>
#include <utility>

namespace evguard::detail {

template <class T> class MpmcRing {
public:
  explicit MpmcRing(std::size_t min_capacity)
      : mask_(std::bit_ceil(min_capacity < 2 ? 2 : min_capacity) - 1),
        cells_(std::make_unique<Cell[]>(mask_ + 1)) {
    for (std::size_t i = 0; i <= mask_; ++i)
      cells_[i].seq.store(i, std::memory_order_relaxed);
  }

  /// Moves `value` in and returns true, or returns false (value untouched)
  /// when full.
  bool try_push(T &value) noexcept {
    std::size_t pos = tail_.load(std::memory_order_relaxed);
    for (;;) {
      Cell &cell = cells_[pos & mask_];
      std::size_t seq = cell.seq.load(std::memory_order_acquire);
      auto diff = static_cast<std::ptrdiff_t>(seq - pos);
      if (diff == 0) {
        if (tail_.compare_exchange_weak(pos, pos + 1,
                                        std::memory_order_relaxed)) {
          cell.value = std::move(value);
          cell.seq.store(pos + 1, std::memory_order_release);
          return true;
        }
      } else if (diff < 0) {
        return false;
      } else {
        pos = tail_.load(std::memory_order_relaxed);
      }
    }
  }

  /// Moves the oldest value out into `out`, or returns false when empty.
  bool try_pop(T &out) noexcept {
    std::size_t pos = head_.load(std::memory_order_relaxed);
    for (;;) {
      Cell &cell = cells_[pos & mask_];
      std::size_t seq = cell.seq.load(std::memory_order_acquire);
      auto diff = static_cast<std::ptrdiff_t>(seq - (pos + 1));
      if (diff == 0) {
        if (head_.compare_exchange_weak(pos, pos + 1,
                                        std::memory_order_relaxed)) {
          out = std::move(cell.value);
          cell.seq.store(pos + mask_ + 1, std::memory_order_release);
          return true;
        }
      } else if (diff < 0) {
        return false;
      } else {
        pos = head_.load(std::memory_order_relaxed);
      }
    }
  }

  /// A hint only: exact when no other thread is pushing or popping.
  bool empty_hint() const noexcept {
    return head_.load(std::memory_order_acquire) ==
           tail_.load(std::memory_order_acquire);
  }

private:
  // Cache-line aligned: a cell written by one thread and read by another
  // moves between cores as whole lines, so none should straddle two.
  struct alignas(64) Cell {
    std::atomic<std::size_t> seq;
    T value;
  };
  const std::size_t mask_;
  std::unique_ptr<Cell[]> cells_;
  alignas(64) std::atomic<std::size_t> tail_{0};
  alignas(64) std::atomic<std::size_t> head_{0};
};

} // namespace evguard::detail

#endif
