// Findings of the three detectors: de-duplicated per (rule, handler, called
// function), printed to stderr at a bounded rate (the first time in full, then
// again when the count reaches 2, 4, 8, ...), and written as SARIF 2.1.0 to
// EVGUARD_REPORT at exit or on a fatal signal.
#ifndef EVGUARD_DEBUG_REPORT_H
#define EVGUARD_DEBUG_REPORT_H

#include <cstdint>
#include <string>

namespace evguard::debug {

enum class Rule { Stall, BlockingCall, PageFault };

struct Event {
  Rule R = Rule::Stall;
  const void *Code = nullptr; ///< The handler.
  const char *Label = nullptr;
  const char *Function = nullptr; ///< Blocking call: the libc function.
  std::string Title;   ///< One line: what happened.
  std::string Detail;  ///< Indented lines: measurements, state.
  std::string Advice;  ///< What to do about it.
  int64_t DurationNs = 0;
  int64_t Minor = 0, Major = 0;
  void *const *Frames = nullptr; ///< Backtrace, innermost first.
  int NFrames = 0;
  /// Frames to skip at the top of the backtrace (evguard's own).
  int SkipFrames = 0;
  /// The first frame after those is where the thread was interrupted, not a
  /// return address.
  bool FirstIsPc = false;
  /// The interposed function the backtrace was taken in (a blocking call,
  /// or the call a stalled thread was parked in): tail calls to it that
  /// left no frame are reconstructed from the debug info.
  const char *Callee = nullptr;
};

/// Records one occurrence; prints it unless rate-limited. Thread-safe.
/// With `MayFail`, gives up instead of waiting for a lock (signal paths).
void record(const Event &E, bool MayFail = false);

/// Counts `E` if it repeats a finding already recorded (printing a line
/// at counts 2, 4, 8, ...) and returns true; false for a new finding, which
/// the caller then records with its backtrace.
bool recordRepeat(const Event &E, bool MayFail = false);

/// Prints `E` in full without recording it (a stall still in progress).
void notify(const Event &E);

/// "label (symbol)" or the symbol of the handler's code.
std::string handlerName(const void *Code, const char *Label);

/// Writes the SARIF file (if EVGUARD_REPORT is set) and the exit summary.
/// Idempotent per call site: a second call rewrites the file with what has
/// been collected since.
void finalizeReports(bool FromSignal);

/// Installs the atexit and fatal-signal hooks (once, at load).
void installReportHooks();

} // namespace evguard::debug

#endif
