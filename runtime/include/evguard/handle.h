// evguard::Handle: how the loop names what it owns (watchers, timers,
// signals, file operations).
#ifndef EVGUARD_HANDLE_H
#define EVGUARD_HANDLE_H

#include <cstdint>

namespace evguard {

/// A handle: an index into the loop's table plus a generation, so a handle
/// that outlives its watcher is detected (Errc::stale_handle), never reused.
template <class Tag> struct Handle {
  std::uint32_t slot = 0;
  std::uint32_t gen = 0; ///< 0 never names a live object
  explicit operator bool() const noexcept { return gen != 0; }
  friend bool operator==(Handle, Handle) = default;
};

} // namespace evguard

#endif
