// What the debug runtime adds where it must cost (almost) nothing:
//  - an interposed libc call made outside any handler, against the same libc
//    function called directly (resolved from libc.so.6 itself);
//  - one handler dispatch (dispatch_begin + dispatch_end) with the detectors
//    chosen by EVGUARD_DETECT, which run-debug-bench.sh varies.
#include <benchmark/benchmark.h>

#include "dispatch_hooks.h"

#include <dlfcn.h>
#include <pthread.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

namespace {

template <class F> F *libcFunction(const char *Name) {
  void *Libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
  void *P = Libc ? dlsym(Libc, Name) : nullptr;
  if (!P) {
    std::fprintf(stderr, "interpose_bench: %s not found in libc.so.6\n", Name);
    std::exit(1);
  }
  return reinterpret_cast<F *>(P);
}

pthread_mutex_t Mutex = PTHREAD_MUTEX_INITIALIZER;
pthread_spinlock_t Spin;

// Lock and unlock, uncontended, outside any handler; the lock function is
// either the program's (the debug runtime's interposer: it checks its
// thread-local flag and calls libc's through a pointer) or libc's own,
// taken from libc.so.6. Both are called through a pointer, so the two differ
// only by the interposer. The unlock functions are not interposed.
template <class T>
void BM_LockUnlock(benchmark::State &State, int (*Lock)(T *),
                   int (*Unlock)(T *), T *Obj) {
  benchmark::DoNotOptimize(Lock);
  for (auto _ : State) {
    Lock(Obj);
    Unlock(Obj);
  }
}

using MutexFn = int(pthread_mutex_t *);
using SpinFn = int(pthread_spinlock_t *);
BENCHMARK_CAPTURE(BM_LockUnlock, MutexInterposed, &pthread_mutex_lock,
                  &pthread_mutex_unlock, &Mutex);
BENCHMARK_CAPTURE(BM_LockUnlock, MutexLibcDirect,
                  libcFunction<MutexFn>("pthread_mutex_lock"),
                  &pthread_mutex_unlock, &Mutex);
// The cheapest interposed call there is: an uncontended spin lock.
BENCHMARK_CAPTURE(BM_LockUnlock, SpinInterposed, &pthread_spin_lock,
                  &pthread_spin_unlock, &Spin);
BENCHMARK_CAPTURE(BM_LockUnlock, SpinLibcDirect,
                  libcFunction<SpinFn>("pthread_spin_lock"),
                  &pthread_spin_unlock, &Spin);

void dummyHandler() {}

} // namespace

namespace evguard::debug {
// The debug runtime's own (faults.cpp): which fault counter the threads used.
const char *faultCounterName() noexcept;
} // namespace evguard::debug

namespace {

void BM_Dispatch(benchmark::State &State) {
  evguard::detail::DispatchTarget T{reinterpret_cast<const void *>(&dummyHandler),
                                    nullptr};
  for (auto _ : State) {
    evguard::detail::DispatchScope Scope(T);
    benchmark::ClobberMemory();
  }
  const char *Detect = std::getenv("EVGUARD_DETECT");
  State.SetLabel(std::string("EVGUARD_DETECT=") + (Detect ? Detect : "(all)") +
                 ", faults counted with " + evguard::debug::faultCounterName());
}
BENCHMARK(BM_Dispatch);

// A round trip through a pipe to another thread and back: this thread
// sleeps and wakes once per iteration, as a loop thread does between
// dispatches under light load. With EVGUARD_FAULT_COUNTER=perf the one
// dispatch made first leaves perf counters on this thread, which every
// context switch then carries (compare with the default, getrusage).
void BM_SleepWake(benchmark::State &State) {
  evguard::detail::DispatchTarget T{reinterpret_cast<const void *>(&dummyHandler),
                                    nullptr};
  { evguard::detail::DispatchScope Scope(T); }
  int Ping[2], Pong[2];
  if (pipe(Ping) != 0 || pipe(Pong) != 0) {
    State.SkipWithError("pipe failed");
    return;
  }
  std::thread Peer([&] {
    char C;
    while (read(Ping[0], &C, 1) == 1 && C)
      if (write(Pong[1], &C, 1) != 1)
        return;
  });
  char C = 1;
  for (auto _ : State)
    if (write(Ping[1], &C, 1) != 1 || read(Pong[0], &C, 1) != 1)
      State.SkipWithError("pipe I/O failed");
  C = 0;
  if (write(Ping[1], &C, 1) != 1)
    State.SkipWithError("pipe I/O failed");
  Peer.join();
  for (int Fd : {Ping[0], Ping[1], Pong[0], Pong[1]})
    close(Fd);
  State.SetLabel(std::string("faults counted with ") +
                 evguard::debug::faultCounterName());
}
BENCHMARK(BM_SleepWake)->UseRealTime();

} // namespace

int main(int Argc, char **Argv) {
  pthread_spin_init(&Spin, PTHREAD_PROCESS_PRIVATE);
  benchmark::Initialize(&Argc, Argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
