// dispatch_begin/dispatch_end (declared by runtime/src/dispatch_hooks.h) and
// the AllowBlocking entry points of runtime/include/evguard/debug.h.
#include "dispatch.h"

#include "config.h"
#include "faults.h"
#include "report.h"
#include "state.h"

#include "dispatch_hooks.h"

#include <dlfcn.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <mutex>

namespace evguard::debug {

constinit thread_local ThreadState TLS
    __attribute__((tls_model("initial-exec"))) = {};

namespace {

constexpr int MaxSlots = 1024;
std::atomic<ThreadSlot *> Slots[MaxSlots];
std::atomic<int> NumSlots{0};

/// Outer dispatches saved while a nested one (a handler running the loop)
/// is current, so blocking calls are attributed to the innermost handler.
constexpr int MaxNested = 8;
struct Saved {
  const void *Code;
  const char *Label;
};
constinit thread_local Saved NestedStack[MaxNested]
    __attribute__((tls_model("initial-exec"))) = {};

ThreadSlot *registerThread() noexcept {
  int I = NumSlots.fetch_add(1);
  if (I >= MaxSlots) {
    NumSlots.store(MaxSlots);
    return nullptr;
  }
  InternalScope Guard;
  auto *S = new ThreadSlot();
  S->Tid = static_cast<pid_t>(syscall(SYS_gettid));
  Slots[I].store(S, std::memory_order_release);
  if (config().Stall)
    startWatchdog();
  return S;
}

HandlerTotals *totalsFor(ThreadSlot &S, const void *Code,
                         const char *Label) noexcept {
  const void *Key = Code ? Code : Label;
  uintptr_t H = reinterpret_cast<uintptr_t>(Key);
  H = (H >> 4) ^ (H >> 13);
  for (int Probe = 0; Probe < 16; ++Probe) {
    HandlerTotals &T = S.Totals[(H + Probe) % TotalsSlots];
    if (T.Code == Code && T.Label == Label && T.Dispatches)
      return &T;
    if (!T.Dispatches) {
      T.Code = Code;
      T.Label = Label;
      return &T;
    }
  }
  ++S.UntrackedHandlers;
  return nullptr;
}

} // namespace

void rearm(ThreadState &S) noexcept {
  const Config &C = config();
  S.Armed = S.Depth > 0 && S.Internal == 0 &&
            ((S.AllowDepth == 0 && C.Blocking) || C.Stall);
}

bool reportsBlocking() noexcept {
  const ThreadState &S = TLS;
  return S.AllowDepth == 0 && config().Blocking;
}

/// The watchdog skips a dispatch whose start is in the future.
constexpr int64_t PausedStart = INT64_MAX;

OwnWorkScope::OwnWorkScope() noexcept {
  ThreadState &S = TLS;
  Active = S.OwnWork++ == 0 && S.Depth > 0 && S.Slot;
  if (!Active)
    return;
  T0 = monotonicNs();
  S.Slot->StartNs.store(PausedStart, std::memory_order_relaxed);
  if (config().Faults)
    FaultsKnown = faultsNow(S, Minor0, Major0);
}

OwnWorkScope::~OwnWorkScope() {
  ThreadState &S = TLS;
  --S.OwnWork;
  if (!Active)
    return;
  int64_t Minor, Major;
  if (FaultsKnown && faultsNow(S, Minor, Major))
    faultsExclude(S, Minor - Minor0, Major - Major0);
  S.StartNs += monotonicNs() - T0;
  S.Slot->StartNs.store(S.StartNs, std::memory_order_relaxed);
}

int64_t monotonicNs() noexcept {
  struct timespec T;
  clock_gettime(CLOCK_MONOTONIC, &T);
  return T.tv_sec * 1000000000LL + T.tv_nsec;
}

int slotCount() noexcept {
  return std::min(NumSlots.load(std::memory_order_acquire), MaxSlots);
}

ThreadSlot *slotAt(int I) noexcept {
  return Slots[I].load(std::memory_order_acquire);
}

std::vector<HandlerTotals> collectTotals() {
  std::vector<HandlerTotals> Out;
  for (int I = 0, N = slotCount(); I < N; ++I) {
    ThreadSlot *S = slotAt(I);
    if (!S)
      continue;
    for (const HandlerTotals &T : S->Totals) {
      if (!T.Dispatches)
        continue;
      auto It = std::find_if(Out.begin(), Out.end(), [&](auto &O) {
        return O.Code == T.Code && O.Label == T.Label;
      });
      if (It == Out.end()) {
        Out.push_back(T);
        continue;
      }
      It->Dispatches += T.Dispatches;
      It->Minor += T.Minor;
      It->Major += T.Major;
    }
  }
  return Out;
}

void installSignalHandler(int Sig,
                          void (*Handler)(int, siginfo_t *, void *)) noexcept {
  struct sigaction Sa {};
  Sa.sa_sigaction = Handler;
  sigemptyset(&Sa.sa_mask);
  Sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(Sig, &Sa, nullptr);
}

void *resolveNext(const char *Name) noexcept {
  void *P = dlsym(RTLD_NEXT, Name);
  if (P)
    return P;
  // Only reachable if libc stopped exporting a function the generator saw
  // in it when the library was built.
  char Msg[256];
  int N = std::snprintf(Msg, sizeof(Msg),
                        "evguard: fatal: cannot find the real %s in the "
                        "libraries loaded after the debug runtime; rebuild "
                        "evguard against this system's libc\n",
                        Name);
  ssize_t Ignored = ::syscall(SYS_write, 2, Msg, N > 0 ? N : 0);
  (void)Ignored;
  abort();
}

} // namespace evguard::debug

using namespace evguard::debug;

namespace evguard::detail {

void dispatch_begin(const DispatchTarget &Target) noexcept {
  ThreadState &S = TLS;
  if (S.Depth > 0) {
    if (S.Depth <= MaxNested)
      NestedStack[S.Depth - 1] = {S.Code, S.Label};
    ++S.Depth;
    S.Code = Target.code;
    S.Label = Target.label;
    return;
  }
  S.Depth = 1;
  S.Code = Target.code;
  S.Label = Target.label;
  const Config &C = config();
  if (C.Stall || C.Faults) {
    if (!S.Slot)
      S.Slot = registerThread();
    else if (__builtin_expect(C.Stall && !watchdogRunning(), 0))
      startWatchdog(); // In the child of a fork.
    int64_t Now = monotonicNs();
    S.StartNs = Now;
    if (ThreadSlot *Slot = S.Slot) {
      Slot->Code.store(Target.code, std::memory_order_relaxed);
      Slot->Label.store(Target.label, std::memory_order_relaxed);
      Slot->StartNs.store(Now, std::memory_order_relaxed);
      S.Seq = Slot->Seq.load(std::memory_order_relaxed) + 1;
      Slot->Seq.store(S.Seq, std::memory_order_release);
    }
    if (C.Faults)
      faultsBegin(S, Now);
  }
  rearm(S);
}

void dispatch_end() noexcept {
  ThreadState &S = TLS;
  if (S.Depth <= 0)
    return;
  if (--S.Depth > 0) {
    if (S.Depth <= MaxNested) {
      S.Code = NestedStack[S.Depth - 1].Code;
      S.Label = NestedStack[S.Depth - 1].Label;
    }
    return;
  }
  S.Armed = 0;
  const Config &C = config();
  ThreadSlot *Slot = S.Slot;
  if (Slot && (C.Stall || C.Faults))
    Slot->Seq.store(S.Seq + 1, std::memory_order_release);
  int Saved = errno;
  int64_t Now = C.Faults || C.Stall ? monotonicNs() : 0;
  if (C.Faults)
    faultsEnd(S, Slot ? totalsFor(*Slot, S.Code, S.Label) : nullptr, Now);
  if (C.Stall && Slot) {
    int64_t Ran = Now - S.StartNs;
    if (Slot->FlaggedSeq.load(std::memory_order_acquire) == S.Seq)
      reportStall(*Slot, S.Seq, Ran);
    else if (Ran >= C.StallNs)
      reportUncaughtStall(*Slot, Ran); // Ended between two scans.
  }
  errno = Saved;
  S.Code = nullptr;
  S.Label = nullptr;
}

} // namespace evguard::detail

// The run-time twin of EVGUARD_ALLOW_BLOCKING (see evguard/debug.h).
extern "C" void evguard_debug_allow_blocking_begin(const char *Reason) {
  ThreadState &S = TLS;
  if (S.AllowDepth++ == 0)
    S.AllowReason = Reason;
  rearm(S);
}

extern "C" void evguard_debug_allow_blocking_end() {
  ThreadState &S = TLS;
  if (S.AllowDepth > 0 && --S.AllowDepth == 0)
    S.AllowReason = nullptr;
  rearm(S);
}

namespace {
/// Library load: read the environment, hook exit and fatal signals, and
/// warm up what the signal handler and interposers need.
__attribute__((constructor(102))) void initDebugRuntime() {
  evguard::debug::loadConfig();
  installReportHooks();
  if (config().Stall)
    installStallSignal();
  if (config().Faults)
    installFaultSignal();
}
} // namespace
