// Private to the runtime: the loop brackets every handler invocation with
// these, so the debug build's detectors (stall, blocking-call, page-fault)
// know when the loop thread is inside a handler and which one. In a normal
// build they are empty inline functions and vanish.
#ifndef EVGUARD_RUNTIME_DISPATCH_HOOKS_H
#define EVGUARD_RUNTIME_DISPATCH_HOOKS_H

namespace evguard::detail {

/// What a dispatch runs: `code` is an address inside the handler's own code
/// (for symbolization), `label` an optional static name given at registration.
struct DispatchTarget {
  const void *code = nullptr;
  const char *label = nullptr;
};

#if defined(EVGUARD_RUNTIME_DEBUG)
void dispatch_begin(const DispatchTarget &target) noexcept;
void dispatch_end() noexcept;
#else
inline void dispatch_begin(const DispatchTarget &) noexcept {}
inline void dispatch_end() noexcept {}
#endif

/// RAII form, for the loop's dispatch sites.
class DispatchScope {
public:
  explicit DispatchScope(const DispatchTarget &target) noexcept {
    dispatch_begin(target);
  }
  ~DispatchScope() { dispatch_end(); }
  DispatchScope(const DispatchScope &) = delete;
  DispatchScope &operator=(const DispatchScope &) = delete;
};

} // namespace evguard::detail

#endif
