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

// The direct calls go through a pointer taken from libc.so.6 itself, the
// interposed ones through the PLT to the debug runtime's wrapper, which checks
// its thread-local flag and calls the same libc function through a pointer.
//
// pthread_mutex_lock is interposed (it is in the database), unlock is not:
// the pair costs a few ns, so the interposer's share is visible.
void BM_MutexLockUnlock_Interposed(benchmark::State &State) {
  for (auto _ : State) {
    pthread_mutex_lock(&Mutex);
    pthread_mutex_unlock(&Mutex);
  }
}
BENCHMARK(BM_MutexLockUnlock_Interposed);

void BM_MutexLockUnlock_LibcDirect(benchmark::State &State) {
  auto *Lock = libcFunction<int(pthread_mutex_t *)>("pthread_mutex_lock");
  benchmark::DoNotOptimize(Lock);
  for (auto _ : State) {
    Lock(&Mutex);
    pthread_mutex_unlock(&Mutex);
  }
}
BENCHMARK(BM_MutexLockUnlock_LibcDirect);

pthread_spinlock_t Spin;

// The cheapest interposed call there is: an uncontended spin lock.
void BM_SpinLockUnlock_Interposed(benchmark::State &State) {
  pthread_spin_init(&Spin, PTHREAD_PROCESS_PRIVATE);
  for (auto _ : State) {
    pthread_spin_lock(&Spin);
    pthread_spin_unlock(&Spin);
  }
}
BENCHMARK(BM_SpinLockUnlock_Interposed);

void BM_SpinLockUnlock_LibcDirect(benchmark::State &State) {
  pthread_spin_init(&Spin, PTHREAD_PROCESS_PRIVATE);
  auto *Lock = libcFunction<int(pthread_spinlock_t *)>("pthread_spin_lock");
  benchmark::DoNotOptimize(Lock);
  for (auto _ : State) {
    Lock(&Spin);
    pthread_spin_unlock(&Spin);
  }
}
BENCHMARK(BM_SpinLockUnlock_LibcDirect);

void dummyHandler() {}

void BM_Dispatch(benchmark::State &State) {
  evguard::detail::DispatchTarget T{reinterpret_cast<const void *>(&dummyHandler),
                                    nullptr};
  for (auto _ : State) {
    evguard::detail::DispatchScope Scope(T);
    benchmark::ClobberMemory();
  }
  const char *Detect = std::getenv("EVGUARD_DETECT");
  State.SetLabel(std::string("EVGUARD_DETECT=") + (Detect ? Detect : "(all)"));
}
BENCHMARK(BM_Dispatch);

} // namespace

BENCHMARK_MAIN();
