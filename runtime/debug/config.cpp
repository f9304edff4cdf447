#include "config.h"

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <climits>
#include <sys/stat.h>
#include <unistd.h>

namespace evguard::debug {
namespace {

// Constructed before initDebugRuntime (priority 102) reads the environment.
Config TheConfig __attribute__((init_priority(101)));

bool parseInt(const char *Text, int64_t Min, int64_t Max, int64_t &Out) {
  if (!Text || !*Text)
    return false;
  char *End = nullptr;
  errno = 0;
  long long V = std::strtoll(Text, &End, 10);
  if (errno != 0 || *End != '\0' || V < Min || V > Max)
    return false;
  Out = V;
  return true;
}

std::string badValue(const char *Var, const char *Value, const char *Want) {
  return std::string(Var) + "='" + Value + "' is not valid: " + Want;
}

/// Reads an optional integer variable scaled by `Scale` into `Out`; false
/// (with `Err` set) when it is present but invalid.
bool parseIntVar(const char *(*GetEnv)(const char *), const char *Var,
                 int64_t Min, int64_t Max, int64_t Scale, const char *Want,
                 int64_t &Out, std::string &Err) {
  const char *V = GetEnv(Var);
  if (!V)
    return true;
  int64_t N;
  if (!parseInt(V, Min, Max, N)) {
    Err = badValue(Var, V, Want);
    return false;
  }
  Out = N * Scale;
  return true;
}

/// Reads an optional real-time signal number (default `Default`).
bool parseSignalVar(const char *(*GetEnv)(const char *), const char *Var,
                    int Default, int &Out, std::string &Err) {
  Out = Default;
  const char *V = GetEnv(Var);
  if (!V)
    return true;
  int64_t N;
  if (!parseInt(V, SIGRTMIN, SIGRTMAX, N)) {
    Err = badValue(Var, V,
                   ("use a real-time signal number between " +
                    std::to_string(SIGRTMIN) + " and " +
                    std::to_string(SIGRTMAX) + " the program does not use")
                       .c_str());
    return false;
  }
  Out = static_cast<int>(N);
  return true;
}

std::string parseDetect(const char *Value, Config &Out) {
  Out.Stall = Out.Blocking = Out.Faults = false;
  std::string List = Value;
  size_t Pos = 0;
  while (Pos <= List.size()) {
    size_t Comma = List.find(',', Pos);
    std::string Item = List.substr(Pos, Comma == std::string::npos
                                            ? std::string::npos
                                            : Comma - Pos);
    if (Item == "stall")
      Out.Stall = true;
    else if (Item == "blocking")
      Out.Blocking = true;
    else if (Item == "faults")
      Out.Faults = true;
    else if (Item == "all")
      Out.Stall = Out.Blocking = Out.Faults = true;
    else if (Item != "none" && !Item.empty())
      return badValue("EVGUARD_DETECT", Value,
                      "use a comma-separated list of stall, blocking, faults "
                      "(or all, none), e.g. EVGUARD_DETECT=stall,blocking");
    if (Comma == std::string::npos)
      break;
    Pos = Comma + 1;
  }
  return {};
}

} // namespace

std::string parseConfig(const char *(*GetEnv)(const char *), Config &Out) {
  Out = Config();
  if (const char *V = GetEnv("EVGUARD_DETECT")) {
    std::string Err = parseDetect(V, Out);
    if (!Err.empty())
      return Err;
  }
  std::string Err;
  if (!parseIntVar(GetEnv, "EVGUARD_STALL_MS", 1, 3600 * 1000, 1000000,
                   "use a whole number of milliseconds >= 1, e.g. 20",
                   Out.StallNs, Err))
    return Err;
  if (const char *V = GetEnv("EVGUARD_BLOCK_POLICY")) {
    if (!std::strcmp(V, "did"))
      Out.Policy = BlockPolicy::Did;
    else if (!std::strcmp(V, "may"))
      Out.Policy = BlockPolicy::May;
    else
      return badValue("EVGUARD_BLOCK_POLICY", V, "use did or may");
  }
  if (const char *V = GetEnv("EVGUARD_ON_BLOCK")) {
    if (!std::strcmp(V, "report"))
      Out.OnBlockAction = OnBlock::Report;
    else if (!std::strcmp(V, "abort"))
      Out.OnBlockAction = OnBlock::Abort;
    else
      return badValue("EVGUARD_ON_BLOCK", V, "use report or abort");
  }
  if (!parseIntVar(GetEnv, "EVGUARD_WAIT_MIN_US", 0, 3600LL * 1000000, 1000,
                   "use a whole number of microseconds >= 0, e.g. 1000",
                   Out.WaitMinNs, Err) ||
      !parseIntVar(GetEnv, "EVGUARD_FAULT_MINOR", 1, INT64_MAX, 1,
                   "use a whole number of minor faults per dispatch >= 1, "
                   "e.g. 64",
                   Out.FaultMinor, Err) ||
      !parseIntVar(GetEnv, "EVGUARD_FAULT_MAJOR", 1, INT64_MAX, 1,
                   "use a whole number of major faults per dispatch >= 1, "
                   "e.g. 1",
                   Out.FaultMajor, Err) ||
      !parseIntVar(GetEnv, "EVGUARD_FAULT_GATE_US", 0, 1000000, 1000,
                   "use a whole number of microseconds >= 0, e.g. 10 (0 "
                   "reads the fault counters after every dispatch)",
                   Out.FaultGateNs, Err))
    return Err;
  if (const char *V = GetEnv("EVGUARD_FAULT_COUNTER")) {
    if (!std::strcmp(V, "rusage"))
      Out.FaultCounting = FaultCounter::Rusage;
    else if (!std::strcmp(V, "perf"))
      Out.FaultCounting = FaultCounter::Perf;
    else
      return badValue("EVGUARD_FAULT_COUNTER", V,
                      "use rusage (getrusage) or perf (perf_event_open "
                      "counters where allowed, else getrusage)");
  }
  if (const char *V = GetEnv("EVGUARD_REPORT")) {
    if (!*V)
      return badValue("EVGUARD_REPORT", V,
                      "give the path of the SARIF file to write, e.g. "
                      "EVGUARD_REPORT=evguard-runtime.sarif");
    Out.ReportPath = V;
    // Written at exit: a later chdir() must not move it.
    char Cwd[4096];
    if (V[0] != '/' && getcwd(Cwd, sizeof(Cwd)))
      Out.ReportPath = std::string(Cwd) + "/" + V;
  }
  if (const char *V = GetEnv("EVGUARD_SYMBOLIZER")) {
    if (!std::strcmp(V, "dwarf"))
      Out.Lines = true;
    else if (!std::strcmp(V, "none"))
      Out.Lines = false;
    else
      return badValue("EVGUARD_SYMBOLIZER", V,
                      "use dwarf (file:line from the program's debug info) "
                      "or none (function names only)");
  }
  if (const char *V = GetEnv("EVGUARD_SOURCE_ROOT")) {
    char Resolved[PATH_MAX];
    struct stat St;
    if (!*V || !realpath(V, Resolved) || stat(Resolved, &St) != 0 ||
        !S_ISDIR(St.st_mode))
      return badValue("EVGUARD_SOURCE_ROOT", V,
                      "give an existing directory, the root of the program's "
                      "sources (SARIF locations are relative to it)");
    Out.SourceRoot = Resolved;
  }
  if (!parseSignalVar(GetEnv, "EVGUARD_STALL_SIGNAL", SIGRTMIN + 3,
                      Out.StallSignal, Err) ||
      !parseSignalVar(GetEnv, "EVGUARD_FAULT_SIGNAL", SIGRTMIN + 4,
                      Out.FaultSignal, Err))
    return Err;
  if (Out.StallSignal == Out.FaultSignal)
    return "EVGUARD_STALL_SIGNAL and EVGUARD_FAULT_SIGNAL are both " +
           std::to_string(Out.StallSignal) + ": give them different signals";
  return {};
}

const Config &config() noexcept { return TheConfig; }

namespace {
const char *realGetEnv(const char *Name) { return std::getenv(Name); }
} // namespace

/// Runs before main (and before the program's own constructors at the
/// default priority), so every detector sees the final configuration.
void loadConfig() {
  std::string Err = parseConfig(realGetEnv, TheConfig);
  if (Err.empty())
    return;
  std::fprintf(stderr,
               "evguard: error: %s.\nevguard: the debug runtime reads its "
               "settings from the environment; see docs/runtime.md.\n",
               Err.c_str());
  _exit(2);
}

} // namespace evguard::debug
