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

} // namespace

int main(int Argc, char **Argv) {
  pthread_spin_init(&Spin, PTHREAD_PROCESS_PRIVATE);
  benchmark::Initialize(&Argc, Argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
