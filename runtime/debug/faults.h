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
/// How the threads counted their faults, for the exit summary.
const char *faultCounterName() noexcept;

} // namespace evguard::debug

#endif
