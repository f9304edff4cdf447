// The loop-thread side of the detectors: what dispatch_begin/dispatch_end
// record, shared with the stall watchdog and the reports.
#ifndef EVGUARD_DEBUG_DISPATCH_H
#define EVGUARD_DEBUG_DISPATCH_H

#include <atomic>
#include <csignal>
#include <cstdint>
#include <sys/types.h>
#include <vector>

namespace evguard::debug {

struct HandlerTotals {
  const void *Code = nullptr;
  const char *Label = nullptr;
  uint64_t Dispatches = 0;
  uint64_t Minor = 0;
  uint64_t Major = 0;
};

constexpr int MaxFrames = 64;
constexpr int TotalsSlots = 512;

/// One per thread that has dispatched a handler. Never freed: the watchdog
/// and the exit summary may read it at any time.
struct ThreadSlot {
  /// Odd while a dispatch runs; bumped at its start and at its end.
  std::atomic<uint64_t> Seq{0};
  std::atomic<int64_t> StartNs{0};
  std::atomic<const void *> Code{nullptr};
  std::atomic<const char *> Label{nullptr};
  pid_t Tid = 0;

  // Stall capture. The watchdog fills State..Syscall, then publishes
  // FlaggedSeq and signals; the signal handler fills Frames and publishes
  // AckSeq. The loop thread reads them after the dispatch.
  std::atomic<uint64_t> FlaggedSeq{0};
  std::atomic<uint64_t> AckSeq{0};
  std::atomic<uint64_t> LongNoticeSeq{0};
  /// The interposed call the thread is in, while it runs one in a handler:
  /// the watchdog then does not signal (a signal would cut a sleep or a
  /// poll short with EINTR); the thread takes its backtrace itself when the
  /// call returns. CaptureSeq says who took it (signal or call return).
  std::atomic<const char *> ParkedIn{nullptr};
  std::atomic<uint64_t> CaptureSeq{0};
  const char *CapturedIn = nullptr; ///< ParkedIn when the trace was taken.
  bool CapturedBySignal = false;
  char State = '?';
  char Wchan[64] = {};
  long Syscall = -1;
  int64_t SchedCpuNs = -1;  ///< /proc schedstat when the stall was caught:
  int64_t SchedWaitNs = -1; ///< time on a CPU, time waiting for one.
  int NFrames = 0;
  void *Frames[MaxFrames] = {};

  /// Per-handler fault totals, open addressing on the code address; only
  /// this slot's thread writes it.
  HandlerTotals Totals[TotalsSlots];
  uint64_t UntrackedHandlers = 0;
};

/// Every slot registered so far (for the watchdog and the summary).
int slotCount() noexcept;
ThreadSlot *slotAt(int I) noexcept;

std::vector<HandlerTotals> collectTotals();

/// Installs `Handler` for `Sig` with SA_SIGINFO | SA_RESTART (the stall and
/// fault signals: a system call they interrupt is restarted where it can be).
void installSignalHandler(int Sig,
                          void (*Handler)(int, siginfo_t *, void *)) noexcept;

// watchdog.cpp
void startWatchdog() noexcept;
bool watchdogRunning() noexcept;
void installStallSignal() noexcept;
/// Builds and records the stall report of the dispatch that just ended.
void reportStall(ThreadSlot &S, uint64_t Seq, int64_t DurationNs,
                 bool MayFail = false);
/// Records a dispatch that ran past the threshold but ended before the
/// watchdog's next scan caught it: no backtrace, no thread state.
void reportUncaughtStall(ThreadSlot &S, int64_t DurationNs);
/// Records the stalls still running (called when the process ends).
void reportRunningStalls(bool FromSignal);

} // namespace evguard::debug

#endif
