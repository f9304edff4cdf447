// The page-fault detector's side of a dispatch (faults.cpp).
#ifndef EVGUARD_DEBUG_FAULTS_H
#define EVGUARD_DEBUG_FAULTS_H

#include "dispatch.h"
#include "state.h"

namespace evguard::debug {

/// Installs the perf trigger's signal handler (library load).
void installFaultSignal() noexcept;
/// At the start of a depth-0 dispatch (S.StartNs == Now).
void faultsBegin(ThreadState &S, int64_t Now) noexcept;
/// At its end: adds it to `T` (may be null) and reports it above the
/// thresholds.
void faultsEnd(ThreadState &S, HandlerTotals *T, int64_t Now) noexcept;
/// This thread's fault counters now, with the counter its dispatches use;
/// false before its first dispatch or when they cannot be read.
bool faultsNow(ThreadState &S, int64_t &Minor, int64_t &Major) noexcept;
/// Takes faults evguard itself took out of the running dispatch's count.
void faultsExclude(ThreadState &S, int64_t Minor, int64_t Major) noexcept;
/// How the threads counted their faults, for the exit summary.
const char *faultCounterName() noexcept;

} // namespace evguard::debug

#endif
