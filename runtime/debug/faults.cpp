// The page-fault detector: the faults of each handler dispatch, counted one
// of two ways, chosen per thread at its first dispatch (docs/runtime.md):
//
//  - getrusage(RUSAGE_THREAD) (the default): one system call per read, saved
//    by chaining and the gate (below).
//  - perf (EVGUARD_FAULT_COUNTER=perf, when perf_event_open allows it):
//    software counters of the thread's minor and major faults, plus a
//    trigger, a third counter that sends the thread one signal at its next
//    fault and then disarms itself. A dispatch that did not trip the trigger
//    took no fault: it costs no system call. One that did re-arms the
//    trigger and reads the counters (two system calls). Exact per dispatch,
//    but every context switch of a thread with perf events costs more (about
//    1 us per sleep and wake-up measured here), which a loop that sleeps
//    between dispatches pays more often than it would pay getrusage.
#include "config.h"
#include "dispatch.h"
#include "faults.h"
#include "report.h"
#include "state.h"

#include <fcntl.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>

namespace evguard::debug {
namespace {

enum FaultMode : int { Unchosen = 0, Rusage = 1, Perf = 2 };
/// ThreadState::FaultFds, valid while FaultMode is Perf.
enum : int { MinorFd = 0, MajorFd = 1, TriggerFd = 2 };

/// Which counters the threads used, for the exit summary.
std::atomic<int> ModesUsed{0};
/// Bumped in a forked child: the counters it inherited count the parent.
std::atomic<unsigned> ForkGeneration{0};

void onFaultSignal(int, siginfo_t *, void *) {
  __atomic_store_n(&TLS.FaultTripped, 1, __ATOMIC_RELAXED);
}

bool tripped(ThreadState &S) {
  return __atomic_load_n(&S.FaultTripped, __ATOMIC_RELAXED) != 0;
}

void afterForkInChild() { ForkGeneration.fetch_add(1); }

// --- getrusage ---------------------------------------------------------------

void readRusage(int64_t &Minor, int64_t &Major) {
  struct rusage Ru;
  getrusage(RUSAGE_THREAD, &Ru);
  Minor = Ru.ru_minflt;
  Major = Ru.ru_majflt;
}

// getrusage is one system call (~400 ns), so with this counter:
//  - chaining: the counters last read (at a dispatch's end, or at a start)
//    serve as the next dispatch's start when they are recent, so
//    back-to-back dispatches need no read at their start;
//  - the gate (EVGUARD_FAULT_GATE_US, default 10 us): a dispatch shorter
//    than that cannot hold a threshold's worth of faults (64 minor faults
//    or one major fault take longer), so its end is not read either; its
//    faults are counted with the next dispatch that is read.
// With the gate at 0 every dispatch is read at its end and chaining only
// spans 50 us; with the gate on it spans up to 200 us, so a reported
// dispatch may carry the faults of the short dispatches just before it.
int64_t chainNs() { return config().FaultGateNs ? 200000 : 50000; }

// --- perf_event_open -----------------------------------------------------------

int perfOpen(perf_event_attr &A, int Group) {
  A.size = sizeof(A);
  A.type = PERF_TYPE_SOFTWARE;
  // Faults taken in system calls (the kernel touching a fresh user buffer)
  // are the thread's faults too; counting them needs
  // perf_event_paranoid <= 1 or CAP_PERFMON, else the fallback is used.
  A.exclude_kernel = 0;
  return static_cast<int>(syscall(SYS_perf_event_open, &A, 0, -1, Group,
                                  PERF_FLAG_FD_CLOEXEC));
}

void closeFds(const int *Fds, int N) {
  for (int I = 0; I < N; ++I)
    if (Fds[I] >= 0)
      syscall(SYS_close, Fds[I]);
}

void closePerf(ThreadState &S) {
  if (S.FaultMode != Perf)
    return;
  closeFds(S.FaultFds, 3);
  S.FaultMode = Rusage;
  S.LastReadNs = 0;
}

/// Clears the trip flag, then arms the trigger for one more fault: a fault
/// between the two trips it, so none is missed.
bool arm(ThreadState &S) {
  __atomic_store_n(&S.FaultTripped, 0, __ATOMIC_RELAXED);
  return syscall(SYS_ioctl, S.FaultFds[TriggerFd], PERF_EVENT_IOC_REFRESH, 1) ==
         0;
}

bool readPerf(ThreadState &S, int64_t &Minor, int64_t &Major) {
  struct {
    uint64_t Nr;
    uint64_t Values[2];
  } Buf;
  if (syscall(SYS_read, S.FaultFds[MinorFd], &Buf, sizeof(Buf)) !=
          static_cast<long>(sizeof(Buf)) ||
      Buf.Nr != 2)
    return false;
  Minor = static_cast<int64_t>(Buf.Values[0]);
  Major = static_cast<int64_t>(Buf.Values[1]);
  return true;
}

/// Re-arms the trigger and reads the counters into Last*; on failure (a
/// descriptor closed by the program, say) the thread falls back to
/// getrusage and false is returned.
bool rearmAndRead(ThreadState &S, int64_t Now) {
  int64_t Minor, Major;
  if (!arm(S) || !readPerf(S, Minor, Major)) {
    closePerf(S);
    return false;
  }
  S.LastMinFlt = Minor;
  S.LastMajFlt = Major;
  S.LastReadNs = Now;
  return true;
}

/// Opens this thread's counters (in S.FaultFds) and checks, with one fresh
/// page, that the trigger's signal really arrives.
bool openPerf(ThreadState &S) {
  const int Sig = config().FaultSignal;
  sigset_t Blocked;
  if (pthread_sigmask(SIG_BLOCK, nullptr, &Blocked) != 0 ||
      sigismember(&Blocked, Sig))
    return false;
  int *Fds = S.FaultFds;
  perf_event_attr A{};
  A.config = PERF_COUNT_SW_PAGE_FAULTS_MIN;
  A.read_format = PERF_FORMAT_GROUP; // One read() gives both counts.
  Fds[MinorFd] = perfOpen(A, -1);
  A = {};
  A.config = PERF_COUNT_SW_PAGE_FAULTS_MAJ;
  Fds[MajorFd] = Fds[MinorFd] >= 0 ? perfOpen(A, Fds[MinorFd]) : -1;
  A = {};
  A.config = PERF_COUNT_SW_PAGE_FAULTS;
  A.sample_period = 1;
  A.disabled = 1; // Enabled for one fault at a time by arm().
  Fds[TriggerFd] = perfOpen(A, -1);
  f_owner_ex Owner{F_OWNER_TID, static_cast<pid_t>(syscall(SYS_gettid))};
  int T = Fds[TriggerFd];
  bool Ok = Fds[MinorFd] >= 0 && Fds[MajorFd] >= 0 && T >= 0 &&
            syscall(SYS_fcntl, T, F_SETFL, O_ASYNC) == 0 &&
            syscall(SYS_fcntl, T, F_SETSIG, Sig) == 0 &&
            syscall(SYS_fcntl, T, F_SETOWN_EX, &Owner) == 0 && arm(S);
  if (Ok) {
    void *P = mmap(nullptr, 4096, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (P != MAP_FAILED) {
      static_cast<volatile char *>(P)[0] = 1;
      munmap(P, 4096);
    }
    Ok = P != MAP_FAILED && tripped(S);
  }
  if (!Ok)
    closeFds(Fds, 3);
  return Ok;
}

void warnNoPerf() {
  static std::atomic<bool> Warned{false};
  if (Warned.exchange(true))
    return;
  InternalScope Guard;
  std::fprintf(stderr,
               "evguard: warning: EVGUARD_FAULT_COUNTER=perf: perf_event_open "
               "counters of this thread's page faults are not available "
               "(they need perf_event_paranoid <= 1 or CAP_PERFMON, the "
               "system call allowed, and signal %d unblocked); counting "
               "with getrusage\n",
               config().FaultSignal);
}

pthread_key_t ExitKey;
pthread_once_t ExitKeyOnce = PTHREAD_ONCE_INIT;

/// Runs when a thread with perf counters exits (its TLS is still there).
void closeAtThreadExit(void *) { closePerf(TLS); }

void closePerfAtThreadExit() {
  pthread_once(&ExitKeyOnce,
               [] { pthread_key_create(&ExitKey, closeAtThreadExit); });
  pthread_setspecific(ExitKey, &ExitKey); // Any non-null value.
}

void chooseCounter(ThreadState &S, int64_t Now) {
  InternalScope Guard; // openPerf maps a page to test the trigger.
  if (S.FaultMode == Perf)
    closePerf(S); // In a forked child: those count the parent's thread.
  S.FaultForkGeneration = ForkGeneration.load();
  S.FaultMode = Rusage;
  S.LastReadNs = 0;
  if (config().FaultCounting == FaultCounter::Perf) {
    if (openPerf(S)) {
      S.FaultMode = Perf;
      closePerfAtThreadExit();
      rearmAndRead(S, Now); // Falls back to getrusage itself on failure.
    } else {
      warnNoPerf();
    }
  }
  ModesUsed.fetch_or(S.FaultMode);
}

} // namespace

void installFaultSignal() noexcept {
  if (config().FaultCounting != FaultCounter::Perf)
    return;
  // At most one signal per dispatch that faults; SA_RESTART keeps most
  // interrupted system calls transparent (docs/runtime.md lists the rest).
  installSignalHandler(config().FaultSignal, onFaultSignal);
  pthread_atfork(nullptr, nullptr, afterForkInChild);
}

const char *faultCounterName() noexcept {
  switch (ModesUsed.load()) {
  case Perf: return "perf_event_open software counters";
  case Rusage: return "getrusage";
  case Perf | Rusage: return "perf_event_open or getrusage, per thread";
  default: return "none";
  }
}

bool faultsNow(ThreadState &S, int64_t &Minor, int64_t &Major) noexcept {
  if (S.FaultMode == Perf)
    return readPerf(S, Minor, Major);
  if (S.FaultMode != Rusage)
    return false;
  readRusage(Minor, Major);
  return true;
}

void faultsExclude(ThreadState &S, int64_t Minor, int64_t Major) noexcept {
  S.MinFlt0 += Minor;
  S.MajFlt0 += Major;
  // Under the gate the end would not be read and the excluded faults would
  // reach the next measured dispatch through the chained start.
  S.FaultMustRead = 1;
}

void faultsBegin(ThreadState &S, int64_t Now) noexcept {
  S.FaultMustRead = 0;
  if (__builtin_expect(S.FaultMode == Unchosen ||
                           S.FaultForkGeneration != ForkGeneration.load(
                                                        std::memory_order_relaxed),
                       0))
    chooseCounter(S, Now);
  if (S.FaultMode == Perf) {
    // Faults since the last read were taken outside any dispatch (the loop's
    // own code): not a handler's.
    if (!tripped(S) || rearmAndRead(S, Now)) {
      S.MinFlt0 = S.LastMinFlt;
      S.MajFlt0 = S.LastMajFlt;
      return;
    }
  }
  if (!S.LastReadNs || Now - S.LastReadNs > chainNs()) {
    readRusage(S.LastMinFlt, S.LastMajFlt);
    S.LastReadNs = Now;
  }
  S.MinFlt0 = S.LastMinFlt;
  S.MajFlt0 = S.LastMajFlt;
}

void faultsEnd(ThreadState &S, HandlerTotals *T, int64_t Now) noexcept {
  if (T)
    ++T->Dispatches;
  if (S.FaultMode == Perf) {
    if (!tripped(S))
      return; // Not one fault in this dispatch.
    if (!rearmAndRead(S, Now))
      return; // Now on getrusage; this dispatch's count is lost.
  } else {
    if (Now - S.StartNs < config().FaultGateNs && !S.FaultMustRead)
      return;
    readRusage(S.LastMinFlt, S.LastMajFlt);
    S.LastReadNs = Now;
  }
  int64_t Minor = S.LastMinFlt - S.MinFlt0;
  int64_t Major = S.LastMajFlt - S.MajFlt0;
  if (T) {
    T->Minor += Minor;
    T->Major += Major;
  }
  const Config &C = config();
  if (Minor < C.FaultMinor && Major < C.FaultMajor)
    return;
  Event E;
  E.R = Rule::PageFault;
  E.Code = S.Code;
  E.Label = S.Label;
  E.Title = "page faults in a handler: " + std::to_string(Major) +
            " major, " + std::to_string(Minor) + " minor in one dispatch";
  E.Detail = "  thresholds: " + std::to_string(C.FaultMajor) +
             " major or " + std::to_string(C.FaultMinor) +
             " minor per dispatch (EVGUARD_FAULT_MAJOR, "
             "EVGUARD_FAULT_MINOR); each fault stops the loop thread in "
             "the kernel";
  if (Major)
    E.Detail += "; major faults wait for the disk";
  E.Detail += "\n";
  E.Advice = "pre-fault or reuse memory before the loop runs (MAP_POPULATE, "
             "mlock, buffer pools), and keep large fresh allocations and "
             "file mappings out of handlers";
  E.Minor = Minor;
  E.Major = Major;
  record(E);
}

} // namespace evguard::debug
