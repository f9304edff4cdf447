// The stall detector. The loop thread publishes each dispatch's start time
// and sequence number in its ThreadSlot; a watchdog thread scans the slots
// and, when a dispatch has run longer than EVGUARD_STALL_MS of wall time,
// records from /proc whether the thread is computing or parked in the kernel
// (and on what), then signals the thread, whose handler takes a backtrace
// into the slot's preallocated buffer. The loop thread reports the stall when
// the dispatch ends, with its full duration.
#include "config.h"
#include "dispatch.h"
#include "report.h"
#include "state.h"

#include <algorithm>

#include <execinfo.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace evguard::debug {
namespace {

std::atomic<bool> WatchdogStarted{false};

/// Takes the backtrace of stall `Seq` into the slot unless it was taken
/// already: the stall signal and the return from a parked call may both try.
/// Async-signal-safe: backtrace() was called once at start-up, so libgcc's
/// unwinder is already loaded and it allocates nothing here.
bool captureOnce(ThreadSlot &S, uint64_t Seq, bool BySignal,
                 const char *ParkedIn) {
  uint64_t Prev = S.CaptureSeq.load(std::memory_order_relaxed);
  if (Prev == Seq ||
      !S.CaptureSeq.compare_exchange_strong(Prev, Seq,
                                            std::memory_order_acq_rel))
    return false;
  S.CapturedIn = ParkedIn;
  S.CapturedBySignal = BySignal;
  S.NFrames = backtrace(S.Frames, MaxFrames);
  S.AckSeq.store(Seq, std::memory_order_release);
  return true;
}

void onStallSignal(int, siginfo_t *, void *) {
  int Saved = errno;
  ThreadSlot *S = TLS.Slot;
  if (S) {
    uint64_t Flagged = S->FlaggedSeq.load(std::memory_order_acquire);
    bool Current = Flagged == S->Seq.load(std::memory_order_relaxed);
    // A dispatch that ended meanwhile has nothing to capture; a capture the
    // thread was making itself when the signal came acknowledges itself.
    if (!Current ||
        (!captureOnce(*S, Flagged, /*BySignal=*/true,
                      S->ParkedIn.load(std::memory_order_relaxed)) &&
                     S->CaptureSeq.load(std::memory_order_acquire) != Flagged))
      S->AckSeq.store(Flagged, std::memory_order_release);
  }
  errno = Saved;
}

/// Reads a small /proc file with raw syscalls (the watchdog must not trip
/// the interposers or allocate).
int readProc(const char *Path, char *Buf, int Size) {
  int Fd = static_cast<int>(syscall(SYS_openat, AT_FDCWD, Path, O_RDONLY | O_CLOEXEC));
  if (Fd < 0)
    return 0;
  long N = syscall(SYS_read, Fd, Buf, Size - 1);
  syscall(SYS_close, Fd);
  if (N < 0)
    N = 0;
  Buf[N] = '\0';
  return static_cast<int>(N);
}

/// Time the thread has spent on a CPU and waiting in a run queue.
bool readSchedstat(pid_t Tid, int64_t &CpuNs, int64_t &WaitNs) {
  char Path[64], Buf[128];
  std::snprintf(Path, sizeof(Path), "/proc/%d/task/%d/schedstat", getpid(), Tid);
  long long Cpu, Wait;
  if (!readProc(Path, Buf, sizeof(Buf)) ||
      std::sscanf(Buf, "%lld %lld", &Cpu, &Wait) != 2)
    return false;
  CpuNs = Cpu;
  WaitNs = Wait;
  return true;
}

void sampleThreadState(ThreadSlot &S) {
  char Path[64], Buf[512];
  pid_t Pid = getpid();
  if (!readSchedstat(S.Tid, S.SchedCpuNs, S.SchedWaitNs))
    S.SchedCpuNs = S.SchedWaitNs = -1;
  std::snprintf(Path, sizeof(Path), "/proc/%d/task/%d/stat", Pid, S.Tid);
  S.State = '?';
  if (readProc(Path, Buf, sizeof(Buf))) {
    // The command name may contain spaces and parentheses: the state is the
    // field after the last ')'.
    if (const char *P = std::strrchr(Buf, ')'); P && P[1] == ' ')
      S.State = P[2];
  }
  std::snprintf(Path, sizeof(Path), "/proc/%d/task/%d/wchan", Pid, S.Tid);
  S.Wchan[0] = '\0';
  if (readProc(Path, Buf, sizeof(Buf)) && std::strcmp(Buf, "0") != 0)
    std::snprintf(S.Wchan, sizeof(S.Wchan), "%.63s", Buf);
  std::snprintf(Path, sizeof(Path), "/proc/%d/task/%d/syscall", Pid, S.Tid);
  S.Syscall = -1;
  if (readProc(Path, Buf, sizeof(Buf)) && Buf[0] >= '0' && Buf[0] <= '9')
    S.Syscall = std::strtol(Buf, nullptr, 10);
}

void noticeLongStall(ThreadSlot &S, uint64_t Seq, int64_t Running);

void checkSlot(ThreadSlot &S, int64_t Now, int64_t StallNs) {
  uint64_t Seq = S.Seq.load(std::memory_order_acquire);
  if (!(Seq & 1))
    return;
  int64_t Start = S.StartNs.load(std::memory_order_relaxed);
  if (S.FlaggedSeq.load(std::memory_order_relaxed) == Seq) {
    noticeLongStall(S, Seq, Now - Start);
    return;
  }
  if (Now - Start < StallNs || S.Seq.load(std::memory_order_acquire) != Seq)
    return;
  sampleThreadState(S);
  // Sequentially consistent with parkEnd: either the thread sees the flag
  // when its call returns, or this sees that it is no longer parked.
  S.FlaggedSeq.store(Seq, std::memory_order_seq_cst);
  if (S.ParkedIn.load(std::memory_order_seq_cst))
    return; // The thread takes its backtrace when the call returns.
  if (syscall(SYS_tgkill, getpid(), S.Tid, config().StallSignal) != 0)
    S.AckSeq.store(Seq, std::memory_order_release); // Thread gone.
}

/// A watchdog that cannot get a CPU on a loaded machine misses the stalls it
/// is there for, so it asks for a real-time priority (it sleeps almost all
/// the time), or else a better nice value; without the privilege for either
/// it runs as is.
void raiseWatchdogPriority() {
  sched_param Param{};
  Param.sched_priority = 1;
  if (pthread_setschedparam(pthread_self(), SCHED_FIFO, &Param) == 0)
    return;
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), -10);
}

void *watchdogMain(void *) {
  ThreadState &Me = TLS;
  Me.Internal = 1; // Never a loop thread; its calls are evguard's own.
  raiseWatchdogPriority();
  const int64_t StallNs = config().StallNs;
  // Scanning at a quarter of the threshold reports a stall by 1.25x it.
  int64_t PeriodNs = std::max<int64_t>(StallNs / 4, 1000000);
  for (;;) {
    struct timespec Ts = {static_cast<time_t>(PeriodNs / 1000000000),
                          static_cast<long>(PeriodNs % 1000000000)};
    clock_nanosleep(CLOCK_MONOTONIC, 0, &Ts, nullptr);
    int64_t Now = monotonicNs();
    for (int I = 0, N = slotCount(); I < N; ++I)
      if (ThreadSlot *S = slotAt(I))
        checkSlot(*S, Now, StallNs);
  }
  return nullptr;
}

/// The child of a fork has no watchdog thread and its forking thread has a
/// new tid; the next dispatch_begin restarts the watchdog (creating a
/// thread is not allowed in an atfork child handler).
void afterForkInChild() {
  WatchdogStarted.store(false);
  if (ThreadSlot *S = TLS.Slot)
    S->Tid = static_cast<pid_t>(syscall(SYS_gettid));
}

const char *syscallName(long Nr) {
  switch (Nr) {
  case SYS_read: return "read";
  case SYS_write: return "write";
  case SYS_poll: return "poll";
  case SYS_select: return "select";
  case SYS_nanosleep: return "nanosleep";
  case SYS_clock_nanosleep: return "clock_nanosleep";
  case SYS_futex: return "futex (a lock or condition variable)";
  case SYS_fsync: return "fsync";
  case SYS_fdatasync: return "fdatasync";
  case SYS_epoll_wait: return "epoll_wait";
  case SYS_epoll_pwait: return "epoll_pwait";
  case SYS_ppoll: return "ppoll";
  case SYS_pselect6: return "pselect6";
  case SYS_accept: return "accept";
  case SYS_accept4: return "accept4";
  case SYS_connect: return "connect";
  case SYS_recvfrom: return "recvfrom";
  case SYS_sendto: return "sendto";
  case SYS_recvmsg: return "recvmsg";
  case SYS_sendmsg: return "sendmsg";
  case SYS_wait4: return "wait4";
  case SYS_openat: return "openat";
  case SYS_flock: return "flock";
  case SYS_fcntl: return "fcntl";
  default: return nullptr;
  }
}

std::string describeState(const ThreadSlot &S) {
  std::string Out;
  switch (S.State) {
  case 'R':
    Out = "computing (state R: running, or runnable and waiting for a CPU)";
    break;
  case 'S':
  case 'D':
    Out = std::string("parked in the kernel (state ") + S.State +
          (S.State == 'D' ? ", uninterruptible: usually disk I/O" : "") + ")";
    if (S.Syscall >= 0) {
      const char *Name = syscallName(S.Syscall);
      Out += ", in system call " +
             (Name ? std::string(Name) : "#" + std::to_string(S.Syscall));
    }
    if (S.Wchan[0])
      Out += std::string(", waiting in ") + S.Wchan;
    break;
  default:
    Out = std::string("in state ") + S.State;
  }
  return Out;
}

} // namespace

void parkBegin(const char *Fn) noexcept {
  ThreadSlot *S = TLS.Slot;
  if (S && config().Stall)
    S->ParkedIn.store(Fn, std::memory_order_seq_cst);
}

void parkEnd() noexcept {
  ThreadSlot *S = TLS.Slot;
  if (!S || !config().Stall)
    return;
  // Sequentially consistent with checkSlot (see there).
  const char *Fn = S->ParkedIn.exchange(nullptr, std::memory_order_seq_cst);
  if (!Fn || S->FlaggedSeq.load(std::memory_order_seq_cst) != TLS.Seq)
    return;
  int Saved = errno;
  // Still inside the call's frames: the backtrace shows the call site.
  captureOnce(*S, TLS.Seq, /*BySignal=*/false, Fn);
  errno = Saved;
}

void installStallSignal() noexcept {
  // Loads libgcc's unwinder now, so the signal handler never does.
  void *Warm[2];
  backtrace(Warm, 2);
  installSignalHandler(config().StallSignal, onStallSignal);
  pthread_atfork(nullptr, nullptr, afterForkInChild);
}

bool watchdogRunning() noexcept {
  return WatchdogStarted.load(std::memory_order_relaxed);
}

void startWatchdog() noexcept {
  if (WatchdogStarted.exchange(true))
    return;
  InternalScope Guard;
  pthread_attr_t Attr;
  pthread_attr_init(&Attr);
  pthread_attr_setdetachstate(&Attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&Attr, 256 * 1024);
  // The watchdog must not take the stall signal itself.
  sigset_t All, Old;
  sigfillset(&All);
  pthread_sigmask(SIG_SETMASK, &All, &Old);
  pthread_t T;
  if (pthread_create(&T, &Attr, watchdogMain, nullptr) != 0) {
    std::fprintf(stderr, "evguard: warning: cannot start the stall watchdog "
                         "thread; the stall detector is off\n");
  } else {
    pthread_setname_np(T, "evguard-watch");
  }
  pthread_sigmask(SIG_SETMASK, &Old, nullptr);
  pthread_attr_destroy(&Attr);
}

namespace {

/// How the stall was seen: sampled by the watchdog while it ran (with the
/// thread's state, and a backtrace when one was taken), or only measured
/// when the dispatch ended, between two scans.
enum class Seen { Sampled, Ended };

Event stallEvent(ThreadSlot &S, int64_t DurationNs, bool HaveTrace,
                 bool InProgress, Seen How = Seen::Sampled) {
  Event E;
  E.R = Rule::Stall;
  E.Code = S.Code.load(std::memory_order_relaxed);
  E.Label = S.Label.load(std::memory_order_relaxed);
  char Buf[64];
  std::snprintf(Buf, sizeof(Buf), "%.1f ms", DurationNs / 1e6);
  E.Title = std::string(InProgress ? "stall in progress: a handler has been "
                                     "running for "
                                   : "stall: a handler ran for ") +
            Buf + " (threshold " +
            std::to_string(config().StallNs / 1000000) + " ms, wall time)";
  E.DurationNs = DurationNs;
  if (How == Seen::Ended) {
    E.Detail = "  it ended before the watchdog's next scan (every " +
               std::to_string(std::max<int64_t>(config().StallNs / 4,
                                                1000000) /
                              1000000) +
               " ms) caught it: no backtrace or thread state\n";
    E.Advice = "find what the handler does that takes this long (the "
               "blocking-call detector names the blocking calls); move it "
               "off the loop (Loop::offload) or split it into steps "
               "scheduled with post()";
    return E;
  }
  E.Detail = "  when sampled, the loop thread was " + describeState(S) + "\n";
  // Wall time counts preemption too: say how much of the stall (from its
  // detection on) the thread spent waiting for a CPU on a busy machine.
  int64_t Cpu, Wait;
  if (S.SchedCpuNs >= 0 && readSchedstat(S.Tid, Cpu, Wait)) {
    std::snprintf(Buf, sizeof(Buf), "%.1f ms on a CPU, %.1f ms waiting",
                  (Cpu - S.SchedCpuNs) / 1e6, (Wait - S.SchedWaitNs) / 1e6);
    E.Detail += std::string("  since it was caught: ") + Buf +
                " for a CPU (run queue)\n";
  }
  const char *Parked = S.ParkedIn.load(std::memory_order_relaxed);
  if (!HaveTrace && InProgress && Parked)
    E.Detail += std::string("  it is inside ") + Parked +
                "; the backtrace is taken when that call returns\n";
  else if (!HaveTrace)
    E.Detail += "  (no backtrace: the handler returned before the watchdog's "
                "signal arrived)\n";
  E.Advice = S.State == 'R'
                 ? "find the hot code in the backtrace; move long "
                   "computations off the loop (Loop::offload) or split them "
                   "into steps scheduled with post()"
                 : "the thread waited in the kernel: find the blocking call "
                   "in the backtrace and move it into offloaded work "
                   "(Loop::offload) or make it non-blocking";
  if (!HaveTrace)
    return E;
  E.Frames = S.Frames;
  E.NFrames = S.NFrames;
  if (S.CapturedBySignal) {
    // Frame 0 is the signal handler, frame 1 the kernel's signal
    // trampoline; frame 2 is where the thread was interrupted.
    E.SkipFrames = 2;
    E.FirstIsPc = true;
  }
  // Taken in (or on the return from) an interposed call: the call whose
  // caller a tail call may have hidden.
  E.Callee = S.CapturedIn;
  return E;
}

/// A stall that lasts (a deadlock, an endless loop) is announced while it
/// runs, once, after max(1 s, 10 x threshold): with the backtrace taken when
/// it was caught, or, for a thread parked in an interposed call, with the
/// call's name (its backtrace comes when the call returns).
void noticeLongStall(ThreadSlot &S, uint64_t Seq, int64_t Running) {
  int64_t LongNs = std::max<int64_t>(1000000000LL, 10 * config().StallNs);
  bool Traced = S.AckSeq.load(std::memory_order_acquire) == Seq;
  if (Running < LongNs ||
      (!Traced && !S.ParkedIn.load(std::memory_order_acquire)) ||
      S.LongNoticeSeq.load(std::memory_order_relaxed) == Seq)
    return;
  S.LongNoticeSeq.store(Seq, std::memory_order_relaxed);
  notify(stallEvent(S, Running, Traced && S.NFrames > 0, /*InProgress=*/true));
}

} // namespace

void reportStall(ThreadSlot &S, uint64_t Seq, int64_t DurationNs,
                 bool MayFail) {
  // The signal was sent right after the flag; wait (bounded) for the
  // handler, which runs as soon as this thread enters the kernel.
  for (int I = 0; I < 2000 &&
                  S.AckSeq.load(std::memory_order_acquire) != Seq;
       ++I)
    sched_yield();
  bool HaveTrace = S.AckSeq.load(std::memory_order_acquire) == Seq &&
                   S.CaptureSeq.load(std::memory_order_acquire) == Seq &&
                   S.NFrames > 0;
  record(stallEvent(S, DurationNs, HaveTrace, /*InProgress=*/false), MayFail);
}

void reportUncaughtStall(ThreadSlot &S, int64_t DurationNs) {
  record(stallEvent(S, DurationNs, false, false, Seen::Ended));
}

void reportRunningStalls(bool FromSignal) {
  int64_t Now = monotonicNs();
  for (int I = 0, N = slotCount(); I < N; ++I) {
    ThreadSlot *S = slotAt(I);
    if (!S)
      continue;
    uint64_t Seq = S->Seq.load(std::memory_order_acquire);
    if ((Seq & 1) && S->FlaggedSeq.load(std::memory_order_acquire) == Seq &&
        (S->AckSeq.load(std::memory_order_acquire) == Seq ||
         S->ParkedIn.load(std::memory_order_acquire)))
      reportStall(*S, Seq, Now - S->StartNs.load(std::memory_order_relaxed),
                  FromSignal);
  }
}

} // namespace evguard::debug
