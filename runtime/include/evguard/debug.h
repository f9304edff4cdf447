// The run-time twin of EVGUARD_ALLOW_BLOCKING: a scope in which a handler may
// block without the debug runtime reporting it.
//
//   void onRequest(...) {
//     evguard::AllowBlocking Allowed{"reads the 200-byte config once"};
//     readConfigFile();
//   }
//
// In a program linked with libevguard-runtime-debug the scope silences the
// blocking-call detector on this thread until it closes (stalls and page
// faults are still measured). Linked with the normal libevguard-runtime the
// entry points do not exist (they are weak references resolving to null) and
// the scope does nothing: no call, no state.
#ifndef EVGUARD_DEBUG_H
#define EVGUARD_DEBUG_H

extern "C" {
__attribute__((weak)) void evguard_debug_allow_blocking_begin(const char *reason);
__attribute__((weak)) void evguard_debug_allow_blocking_end(void);
}

namespace evguard {

class AllowBlocking {
public:
  /// `reason` must outlive the scope (a string literal is the usual case).
  explicit AllowBlocking(const char *reason) noexcept {
    if (evguard_debug_allow_blocking_begin)
      evguard_debug_allow_blocking_begin(reason);
  }
  ~AllowBlocking() {
    if (evguard_debug_allow_blocking_end)
      evguard_debug_allow_blocking_end();
  }
  AllowBlocking(const AllowBlocking &) = delete;
  AllowBlocking &operator=(const AllowBlocking &) = delete;
};

} // namespace evguard

#endif
