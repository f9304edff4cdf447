// The blocking detector's per-descriptor cache: "this descriptor is not a
// file and has O_NONBLOCK", so that I/O a handler makes on the loop's
// non-blocking sockets costs no fstat+fcntl per call once the answer is
// known. The interposers of the calls that can change the answer (close,
// dup2/dup3, fclose, close_range/closefrom: the number names something else;
// fcntl(F_SETFL), ioctl(FIONBIO): a description's mode changed) keep it
// right; see gen_interposers.py (FD_EFFECTS) and docs/runtime.md for what it
// cannot see.
#ifndef EVGUARD_DEBUG_FD_CACHE_H
#define EVGUARD_DEBUG_FD_CACHE_H

#include <cstdint>

namespace evguard::debug {

/// True when `Fd` was found non-blocking (and not a file) since the last
/// change the cache was told about. False means "not known": check it.
bool fdCachedNonBlocking(int Fd) noexcept;

/// Taken before checking `Fd` with system calls and handed back to
/// fdCacheRemember, so that a close or mode change made by another thread
/// while the check ran keeps its stale answer out of the cache.
struct FdCacheTicket {
  uint64_t Entry;
  uint32_t Generation;
};
FdCacheTicket fdCacheTicket(int Fd) noexcept;
/// Records that the check started with `T` found `Fd` non-blocking.
void fdCacheRemember(int Fd, FdCacheTicket T) noexcept;

/// The number `Fd` was closed or now names another open file description.
void fdCacheForget(int Fd) noexcept;
/// Some description's O_NONBLOCK may have changed; every descriptor sharing
/// it (dup, fork, SCM_RIGHTS) is affected, so forget every entry.
void fdCacheForgetAll() noexcept;

} // namespace evguard::debug

#endif
