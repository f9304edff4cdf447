// The descriptor cache of fd_cache.h. One 64-bit word per descriptor number:
//   bits 32..63  epoch: bumped when the number is closed or re-pointed, so a
//                check that raced with the close cannot store its answer;
//   bits 1..31   the global generation the answer was found under; any
//                F_SETFL/FIONBIO bumps the generation, invalidating all;
//   bit 0        the descriptor was found non-blocking and not a file.
// Only "non-blocking" answers are kept: the other answer leads to a report,
// which costs far more than the check.
#include "fd_cache.h"

#include <atomic>

namespace evguard::debug {
namespace {

// Descriptors above this are checked every time (servers rarely go there;
// the table is zero-filled BSS, so untouched pages cost nothing).
constexpr unsigned CacheSize = 1u << 16;
constexpr uint64_t GenMask = 0x7fffffffu;

std::atomic<uint64_t> Entries[CacheSize];
std::atomic<uint32_t> Generation{1};

uint64_t epochOf(uint64_t E) { return E >> 32; }

uint64_t makeEntry(uint64_t Epoch, uint64_t Gen, bool NonBlocking) {
  return (Epoch << 32) | ((Gen & GenMask) << 1) | (NonBlocking ? 1 : 0);
}

bool inRange(int Fd) { return static_cast<unsigned>(Fd) < CacheSize; }

} // namespace

bool fdCachedNonBlocking(int Fd) noexcept {
  if (!inRange(Fd))
    return false;
  uint64_t E = Entries[Fd].load(std::memory_order_acquire);
  return (E & 1) &&
         ((E >> 1) & GenMask) ==
             (Generation.load(std::memory_order_acquire) & GenMask);
}

FdCacheTicket fdCacheTicket(int Fd) noexcept {
  // Both read before the check's system calls: a change made after them
  // bumps what they read, and the remember below then stores nothing valid.
  FdCacheTicket T;
  T.Entry = inRange(Fd) ? Entries[Fd].load(std::memory_order_seq_cst) : 0;
  T.Generation = Generation.load(std::memory_order_seq_cst);
  return T;
}

void fdCacheRemember(int Fd, FdCacheTicket T) noexcept {
  if (!inRange(Fd))
    return;
  uint64_t Expected = T.Entry;
  // Fails when the number was closed meanwhile: that answer is stale.
  Entries[Fd].compare_exchange_strong(
      Expected, makeEntry(epochOf(T.Entry), T.Generation, true),
      std::memory_order_seq_cst);
}

void fdCacheForget(int Fd) noexcept {
  if (!inRange(Fd))
    return;
  uint64_t E = Entries[Fd].load(std::memory_order_relaxed);
  while (!Entries[Fd].compare_exchange_weak(
      E, makeEntry(epochOf(E) + 1, 0, false), std::memory_order_seq_cst)) {
  }
}

void fdCacheForgetAll() noexcept {
  Generation.fetch_add(1, std::memory_order_seq_cst);
}

} // namespace evguard::debug
