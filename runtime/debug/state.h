// Per-thread and process-wide state shared by the detectors. Everything the
// interposers read on their fast path lives in one thread_local word so that a
// call made outside a handler costs one TLS load and one branch.
#ifndef EVGUARD_DEBUG_STATE_H
#define EVGUARD_DEBUG_STATE_H

#include <cstdint>

namespace evguard::debug {

struct ThreadSlot;

/// Per-thread state. Zero-initialized, trivially destructible: constinit TLS
/// needs no guard, so access compiles to a %fs-relative load.
struct ThreadState {
  /// Non-zero only while this thread runs a handler, evguard's own code is
  /// not running, and either the blocking detector is on (outside
  /// AllowBlocking scopes) or the stall detector is, which must know when
  /// the thread parks in an interposed call. The only field the
  /// interposers' fast path reads.
  int Armed;
  int Depth;       ///< Nesting of dispatch_begin (a nested run() nests).
  int AllowDepth;  ///< Open AllowBlocking scopes.
  int Internal;    ///< evguard's own code is running on this thread.
  int OwnWork;     ///< Nesting of OwnWorkScope.
  const void *Code;
  const char *Label;
  const char *AllowReason;
  ThreadSlot *Slot; ///< Registered for the stall watchdog on first dispatch.
  int64_t StartNs;
  int64_t MinFlt0; ///< Fault counters at the start of the dispatch.
  int64_t MajFlt0;
  int64_t LastReadNs; ///< When the counters were last read (a dispatch end).
  int64_t LastMinFlt;
  int64_t LastMajFlt;
  uint64_t Seq; ///< Dispatch sequence number on this thread.
  // Page-fault counting (faults.cpp).
  int FaultMode;    ///< Not chosen yet, getrusage, or perf counters.
  int FaultFds[3];  ///< perf: minor, major (one group), the trigger.
  int FaultTripped; ///< Set by the trigger's signal: a fault since arming.
  int FaultMustRead; ///< Read this dispatch's end even under the gate.
  unsigned FaultForkGeneration; ///< The process the counters belong to.
};

// initial-exec: the library is linked, not dlopen'ed (see docs/runtime.md),
// so the TLS block is static and no __tls_get_addr call is needed.
extern constinit thread_local ThreadState TLS
    __attribute__((tls_model("initial-exec")));

void rearm(ThreadState &S) noexcept;

/// Marks evguard's own code on this thread: interposed calls it makes pass
/// straight through and cannot recurse into the detectors.
class InternalScope {
public:
  InternalScope() noexcept { ++TLS.Internal; rearm(TLS); }
  ~InternalScope() { --TLS.Internal; rearm(TLS); }
  InternalScope(const InternalScope &) = delete;
  InternalScope &operator=(const InternalScope &) = delete;
};

int64_t monotonicNs() noexcept;

/// Brackets evguard's own work on a loop thread inside a dispatch (a
/// finding's first report: symbolization, formatting, writing). Its wall
/// time and page faults are not the handler's: they are taken out of the
/// dispatch's stall clock and fault count, and the watchdog leaves the
/// dispatch alone meanwhile.
class OwnWorkScope {
public:
  OwnWorkScope() noexcept;
  ~OwnWorkScope();
  OwnWorkScope(const OwnWorkScope &) = delete;
  OwnWorkScope &operator=(const OwnWorkScope &) = delete;

private:
  bool Active = false;
  bool FaultsKnown = false;
  int64_t T0 = 0, Minor0 = 0, Major0 = 0;
};

} // namespace evguard::debug

#endif
