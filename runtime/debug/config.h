// Run-time configuration, read once from the environment when the library is
// loaded. Invalid values stop the process with a message saying what to set.
#ifndef EVGUARD_DEBUG_CONFIG_H
#define EVGUARD_DEBUG_CONFIG_H

#include <cstdint>
#include <string>

namespace evguard::debug {

enum class BlockPolicy { Did, May };
enum class OnBlock { Report, Abort };
/// How page faults are counted: getrusage, or perf counters when the system
/// allows them (else getrusage).
enum class FaultCounter { Rusage, Perf };

struct Config {
  bool Stall = true;
  bool Blocking = true;
  bool Faults = true;
  int64_t StallNs = 20 * 1000000LL;
  BlockPolicy Policy = BlockPolicy::Did;
  OnBlock OnBlockAction = OnBlock::Report;
  int64_t WaitMinNs = 1000000LL;
  int64_t FaultMinor = 64;
  int64_t FaultMajor = 1;
  int64_t FaultGateNs = 10000; ///< getrusage: shorter dispatches not read.
  FaultCounter FaultCounting = FaultCounter::Rusage;
  std::string ReportPath; ///< EVGUARD_REPORT; empty: stderr only.
  /// EVGUARD_SOURCE_ROOT, resolved; empty: found when the report is written.
  std::string SourceRoot;
  /// File:line from the program's DWARF (libdw, in-process); off with
  /// EVGUARD_SYMBOLIZER=none.
  bool Lines = true;
  int StallSignal = 0; ///< Real-time signal used to take stall backtraces.
  int FaultSignal = 0; ///< Real-time signal of the perf fault trigger.
};

/// Reads the environment into the process-wide configuration; exits with
/// status 2 and a message on an invalid value.
void loadConfig();

/// The process-wide configuration (valid after library load).
const Config &config() noexcept;

/// Parses `Env`-style lookups into a Config. Returns an empty string on
/// success or the error to print. Split out so tests can drive it.
std::string parseConfig(const char *(*GetEnv)(const char *), Config &Out);

} // namespace evguard::debug

#endif
