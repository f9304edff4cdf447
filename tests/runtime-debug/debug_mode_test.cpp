// Runs evguard-debug-scenario (a real program on the real loop, linked with
// libevguard-runtime-debug) in child processes with different EVGUARD_*
// settings, and checks what the debug runtime reported: stderr, exit status,
// and the SARIF file (validated with ../shared/sarif/validate-sarif --strict).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

extern char **environ;

namespace {

struct Outcome {
  bool Exited = false;
  int ExitCode = -1;
  int Signal = 0;
  std::string Err;
};

using Env = std::map<std::string, std::string>;

/// The environment of the child: ours without any EVGUARD_* variable, plus
/// `Extra`.
std::vector<std::string> childEnv(const Env &Extra) {
  std::vector<std::string> Out;
  for (char **E = environ; *E; ++E)
    if (std::strncmp(*E, "EVGUARD_", 8) != 0)
      Out.push_back(*E);
  for (const auto &[K, V] : Extra)
    Out.push_back(K + "=" + V);
  return Out;
}

Outcome runProgram(const std::vector<std::string> &Args, const Env &Extra) {
  std::vector<std::string> EnvStrings = childEnv(Extra);
  std::vector<char *> Argv, Envp;
  for (const std::string &A : Args)
    Argv.push_back(const_cast<char *>(A.c_str()));
  Argv.push_back(nullptr);
  for (std::string &E : EnvStrings)
    Envp.push_back(E.data());
  Envp.push_back(nullptr);
  int Pipe[2];
  if (pipe2(Pipe, O_CLOEXEC) != 0)
    return {};
  pid_t Pid = fork();
  if (Pid == 0) {
    dup2(Pipe[1], 2);
    int Null = open("/dev/null", O_WRONLY);
    dup2(Null, 1);
    execve(Argv[0], Argv.data(), Envp.data());
    _exit(127);
  }
  close(Pipe[1]);
  Outcome O;
  auto Deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  char Buf[4096];
  for (;;) {
    pollfd P{Pipe[0], POLLIN, 0};
    int Left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    Deadline - std::chrono::steady_clock::now())
                                    .count());
    if (Left <= 0) {
      kill(Pid, SIGKILL);
      O.Err += "\n[test driver: killed after 60 s]\n";
      break;
    }
    if (poll(&P, 1, Left) <= 0)
      continue;
    ssize_t N = read(Pipe[0], Buf, sizeof(Buf));
    if (N <= 0)
      break;
    O.Err.append(Buf, N);
  }
  close(Pipe[0]);
  int Status = 0;
  waitpid(Pid, &Status, 0);
  O.Exited = WIFEXITED(Status);
  O.ExitCode = O.Exited ? WEXITSTATUS(Status) : -1;
  O.Signal = WIFSIGNALED(Status) ? WTERMSIG(Status) : 0;
  return O;
}

Outcome scenario(const std::string &Name, Env Extra = {}) {
  return runProgram({EVGUARD_SCENARIO, Name}, Extra);
}

/// The number after "scenario: <What> at line " in the program's output.
int printedLine(const std::string &Err, const std::string &What) {
  std::string Key = "scenario: " + What + " at line ";
  size_t At = Err.find(Key);
  return At == std::string::npos ? 0 : std::atoi(Err.c_str() + At + Key.size());
}

/// The real path of this checkout, as the debug info names its files.
std::string sourceDir() {
  char Buf[4096];
  return realpath(EVGUARD_SOURCE_DIR, Buf) ? Buf : EVGUARD_SOURCE_DIR;
}

/// Reports relative to this checkout, whatever the working directory.
Env withSourceRoot(Env E) {
  E["EVGUARD_SOURCE_ROOT"] = EVGUARD_SOURCE_DIR;
  return E;
}

bool contains(const std::string &Hay, const std::string &Needle) {
  return Hay.find(Needle) != std::string::npos;
}

std::string tempPath(const std::string &Stem) {
  return std::string(::testing::TempDir()) + "evguard-" + Stem + "-" +
         std::to_string(getpid()) + ".sarif";
}

std::string readFile(const std::string &Path) {
  std::ifstream In(Path);
  std::stringstream S;
  S << In.rdbuf();
  return S.str();
}

/// Runs the shared SARIF validator in strict mode; returns its output, or
/// "" when the file is valid.
std::string validateSarif(const std::string &Path) {
  if (access(EVGUARD_VALIDATE_SARIF, R_OK) != 0)
    return std::string("the SARIF validator is missing: ") +
           EVGUARD_VALIDATE_SARIF +
           " (../shared/sarif next to the project checkout)";
  Outcome O = runProgram({"/usr/bin/python3", EVGUARD_VALIDATE_SARIF,
                          "--strict", Path},
                         {});
  // The validator prints to stdout, which runProgram discards; rerun the
  // check for the message only when it failed.
  if (O.Exited && O.ExitCode == 0)
    return "";
  std::string Cmd = std::string("/usr/bin/python3 ") + EVGUARD_VALIDATE_SARIF +
                    " --strict " + Path + " 2>&1";
  std::string Out = "validate-sarif failed (exit " +
                    std::to_string(O.ExitCode) + "):\n";
  if (FILE *P = popen(Cmd.c_str(), "r")) {
    char Buf[512];
    while (fgets(Buf, sizeof(Buf), P))
      Out += Buf;
    pclose(P);
  }
  return Out;
}

const Env BlockingOnly = {{"EVGUARD_DETECT", "blocking"}};
const Env BlockingMay = {{"EVGUARD_DETECT", "blocking"},
                         {"EVGUARD_BLOCK_POLICY", "may"}};

/// Runs `Name` and expects a clean exit and no report at all.
void expectSilent(const std::string &Name, const Env &E) {
  Outcome O = scenario(Name, E);
  EXPECT_TRUE(O.Exited && O.ExitCode == 0)
      << Name << ": exit " << O.ExitCode << " signal " << O.Signal << "\n"
      << O.Err;
  EXPECT_FALSE(contains(O.Err, "evguard:")) << Name << "\n" << O.Err;
}

#define EXPECT_OK_EXIT(O)                                                      \
  EXPECT_TRUE((O).Exited && (O).ExitCode == 0)                                 \
      << "exit " << (O).ExitCode << " signal " << (O).Signal << "\n"           \
      << (O).Err

// --- Blocking calls in handlers are reported with the handler's name -------

/// Runs `Name` and expects a clean exit and every one of `Needles` in its
/// stderr.
void expectReport(const std::string &Name, const Env &E,
                  std::initializer_list<const char *> Needles) {
  Outcome O = scenario(Name, E);
  EXPECT_TRUE(O.Exited && O.ExitCode == 0)
      << Name << ": exit " << O.ExitCode << " signal " << O.Signal << "\n"
      << O.Err;
  for (const char *Needle : Needles)
    EXPECT_TRUE(contains(O.Err, Needle))
        << Name << ": no \"" << Needle << "\" in:\n"
        << O.Err;
}

TEST(BlockingCall, UsleepInHandler) {
  expectReport("usleep", BlockingOnly,
               {"blocking call in a handler: usleep (sleep)",
                "handler: (anonymous namespace)::usleepHandler",
                // The backtrace starts at the call site in the program.
                "#0  (anonymous namespace)::doUsleep()"});
}

TEST(BlockingCall, LambdaHandlerIsNamed) {
  expectReport("lambda", BlockingOnly,
               {"blocking call in a handler: usleep (sleep)",
                "handler: (anonymous namespace)::runLambda(evguard::Loop&)::"
                "{lambda(evguard::Handle<evguard::TimerTag>)#1}\n"});
}

TEST(BlockingCall, FsyncInHandler) {
  expectReport("fsync", BlockingOnly,
               {"blocking call in a handler: fsync (disk-io)",
                "is a regular file",
                // write(2) to the file too: the database's not_regular_file
                // condition is false for a regular file.
                "blocking call in a handler: write (disk-io)",
                "handler: (anonymous namespace)::fsyncHandler"});
}

TEST(BlockingCall, GetaddrinfoInHandler) {
  expectReport("getaddrinfo", BlockingOnly,
               {"blocking call in a handler: getaddrinfo (dns)",
                "handler: (anonymous namespace)::getaddrinfoHandler"});
}

TEST(BlockingCall, ContendedMutexInHandler) {
  expectReport("mutex", BlockingOnly,
               {"blocking call in a handler: pthread_mutex_lock (lock)",
                "held by someone else",
                "handler: (anonymous namespace)::mutexHandler"});
}

TEST(BlockingCall, IoOnABlockingSocketIsReported) {
  expectReport("blocking-socket", BlockingOnly,
               {"blocking call in a handler: read (disk-io)",
                "is a socket in blocking mode",
                // The peer's write is on a blocking socket too.
                "blocking call in a handler: write (disk-io)"});
}

// The descriptor cache (a non-blocking verdict is kept until a close, dup2,
// F_SETFL or FIONBIO): what changes a descriptor after it was cached is seen.
// Each scenario prints a marker between the silent reads and the changed one.
void expectReportedOnlyAfter(const std::string &Name, const char *Marker,
                             const char *Why) {
  Outcome O = scenario(Name, BlockingOnly);
  EXPECT_OK_EXIT(O);
  size_t At = O.Err.find(Marker);
  ASSERT_NE(At, std::string::npos) << O.Err;
  EXPECT_FALSE(contains(O.Err.substr(0, At), "evguard:")) << O.Err;
  std::string After = O.Err.substr(At);
  EXPECT_TRUE(contains(After, "blocking call in a handler: read")) << O.Err;
  EXPECT_TRUE(contains(After, Why)) << O.Err;
}

TEST(BlockingCall, CachedSocketSwitchedToBlockingIsReported) {
  expectReportedOnlyAfter("fd-mode-change", "scenario: now blocking",
                          "is a socket in blocking mode");
}

TEST(BlockingCall, CachedDescriptorReusedAsBlockingPipeIsReported) {
  expectReportedOnlyAfter("fd-reuse", "scenario: now a pipe",
                          "is a pipe in blocking mode");
  expectReportedOnlyAfter("fd-dup2", "scenario: now a pipe",
                          "is a pipe in blocking mode");
}

TEST(BlockingCall, WaitsAreReportedOnlyWhenTheyWaited) {
  // Two polls with a timeout: the one on a ready pipe returns at once, the
  // one on an idle pipe waits its 100 ms: one report, not two. (A 40 ms
  // minimum wait keeps preemption on a loaded machine out of the picture.)
  Env E = BlockingOnly;
  E["EVGUARD_WAIT_MIN_US"] = "40000";
  Outcome O = scenario("poll", E);
  EXPECT_OK_EXIT(O);
  EXPECT_TRUE(contains(O.Err, "blocking call in a handler: poll (wait)"))
      << O.Err;
  EXPECT_TRUE(contains(O.Err, "it waited")) << O.Err;
  EXPECT_FALSE(contains(O.Err, "again:")) << O.Err;
}

TEST(BlockingCall, NestedLoopInAHandlerIsReported) {
  // The inner loop's epoll_wait happens in the outer handler's dispatch
  // (between the inner loop's own dispatches) and waits for its timer.
  expectReport("nested-loop", BlockingOnly,
               {"(wait)", "epoll_", "it waited",
                "handler: (anonymous namespace)::nestedLoopHandler",
                // The runtime's own frames (the inner loop) stay in the
                // backtrace; only the interposer's are dropped.
                "#0  evguard::"});
}

TEST(BlockingCall, RepeatsAreRateLimitedAndCounted) {
  std::string Sarif = tempPath("repeat");
  Env E = BlockingOnly;
  E["EVGUARD_REPORT"] = Sarif;
  Outcome O = scenario("repeat", E);
  EXPECT_OK_EXIT(O);
  // 100 calls: the full report once, then one line at 2, 4, ..., 64.
  size_t Again = 0;
  for (size_t P = O.Err.find("again:"); P != std::string::npos;
       P = O.Err.find("again:", P + 1))
    ++Again;
  EXPECT_EQ(Again, 6u) << O.Err;
  EXPECT_TRUE(contains(O.Err, "(64 times so far)")) << O.Err;
  EXPECT_TRUE(contains(readFile(Sarif), "\"count\":100")) << readFile(Sarif);
  std::remove(Sarif.c_str());
}

TEST(BlockingCall, UncontendedMutexIsSilentUnderDidReportedUnderMay) {
  Outcome Did = scenario("uncontended", BlockingOnly);
  EXPECT_OK_EXIT(Did);
  EXPECT_FALSE(contains(Did.Err, "evguard:")) << Did.Err;
  Outcome M = scenario("uncontended", BlockingMay);
  EXPECT_OK_EXIT(M);
  EXPECT_TRUE(contains(
      M.Err, "blocking call in a handler: pthread_mutex_lock (lock)"))
      << M.Err;
  EXPECT_TRUE(contains(M.Err, "policy may")) << M.Err;
}

// --- The same calls elsewhere are not reported ------------------------------

// usleep, fsync, getaddrinfo and a contended pthread_mutex_lock, made in
// offloaded work, in a plain thread, and before run(): never reported, even
// under `may`.
TEST(BlockingCall, OffloadedWorkIsSilent) {
  expectSilent("offloaded", BlockingOnly);
  expectSilent("offloaded", BlockingMay);
}

TEST(BlockingCall, OtherThreadsAreSilent) { expectSilent("thread", BlockingMay); }

TEST(BlockingCall, BeforeRunIsSilent) { expectSilent("before-run", BlockingMay); }

TEST(BlockingCall, DatabaseConditionsHoldAtRunTime) {
  // poll with timeout 0 and recv with MSG_DONTWAIT, even under `may`.
  expectSilent("conditions", BlockingMay);
}

TEST(BlockingCall, AllowBlockingScopeSilences) {
  expectSilent("allowed", BlockingMay);
}

// Stalls are wall time, which includes time preempted on a loaded machine
// (CI shares two cores between many jobs): assertions of silence use a stall
// threshold far above any plausible preemption.
const Env QuietStalls = {{"EVGUARD_STALL_MS", "2000"}};

TEST(BlockingCall, HealthyEchoIsSilentWithAllDetectors) {
  expectSilent("healthy", QuietStalls);
}

TEST(BlockingCall, DetectorsCanBeTurnedOff) {
  Outcome O = scenario("usleep", {{"EVGUARD_DETECT", "stall,faults"}});
  EXPECT_OK_EXIT(O);
  EXPECT_FALSE(contains(O.Err, "blocking call")) << O.Err;
}

TEST(BlockingCall, AbortModeAbortsAndStillWritesTheReport) {
  std::string Sarif = tempPath("abort");
  std::remove(Sarif.c_str());
  Env E = BlockingOnly;
  E["EVGUARD_ON_BLOCK"] = "abort";
  E["EVGUARD_REPORT"] = Sarif;
  Outcome O = scenario("usleep", E);
  EXPECT_EQ(O.Signal, SIGABRT) << O.Err;
  EXPECT_TRUE(contains(O.Err, "blocking call in a handler: usleep")) << O.Err;
  EXPECT_TRUE(contains(O.Err, "aborting (EVGUARD_ON_BLOCK=abort)")) << O.Err;
  std::string Text = readFile(Sarif);
  EXPECT_TRUE(contains(Text, "evguard-runtime-blocking-call")) << Text;
  EXPECT_EQ(validateSarif(Sarif), "");
  std::remove(Sarif.c_str());
}

// --- Page faults ----------------------------------------------------------------

TEST(PageFaults, FreshAnonymousMemoryIsReported) {
  // With getrusage at the default gate and with every dispatch read (gate
  // 0), and with perf counters where the system allows them (else getrusage
  // again, with a warning).
  const Env Settings[] = {
      {{"EVGUARD_DETECT", "faults"}},
      {{"EVGUARD_DETECT", "faults"}, {"EVGUARD_FAULT_GATE_US", "0"}},
      {{"EVGUARD_DETECT", "faults"}, {"EVGUARD_FAULT_COUNTER", "perf"}},
  };
  for (const Env &E : Settings) {
    Outcome O = scenario("faults", E);
    EXPECT_OK_EXIT(O);
    EXPECT_TRUE(contains(O.Err, "page faults in a handler")) << O.Err;
    EXPECT_TRUE(
        contains(O.Err, "handler: (anonymous namespace)::faultHandler"))
        << O.Err;
    // 64 MiB of 4 KiB pages (no huge pages), each touched once: at least
    // 16384 first-touch faults.
    size_t At = O.Err.find(" major, ");
    ASSERT_NE(At, std::string::npos) << O.Err;
    EXPECT_GE(std::atol(O.Err.c_str() + At + 8), 16384) << O.Err;
    // The per-handler totals at exit, and how they were counted.
    EXPECT_TRUE(contains(O.Err, "page faults per handler")) << O.Err;
    bool Perf = E.count("EVGUARD_FAULT_COUNTER");
    bool Warned = contains(O.Err, "counting with getrusage");
    EXPECT_TRUE(contains(O.Err, Perf && !Warned
                                    ? "counted with perf_event_open"
                                    : "counted with getrusage"))
        << O.Err;
  }
}

TEST(PageFaults, PerfCountersAreClosedWhenAThreadExits) {
  // Meaningful where perf counters are allowed (else getrusage opens
  // nothing and the check holds trivially).
  for (const char *Counter : {"perf", "rusage"}) {
    Outcome O = scenario("loop-threads", {{"EVGUARD_DETECT", "all"},
                                          {"EVGUARD_FAULT_COUNTER", Counter}});
    EXPECT_OK_EXIT(O);
    EXPECT_TRUE(contains(O.Err, "scenario: 0 descriptors opened and not closed"))
        << Counter << "\n"
        << O.Err;
  }
}

TEST(PageFaults, ThresholdIsConfigurable) {
  Outcome O = scenario("faults", {{"EVGUARD_DETECT", "faults"},
                                  {"EVGUARD_FAULT_MINOR", "100000000"}});
  EXPECT_OK_EXIT(O);
  EXPECT_FALSE(contains(O.Err, "page faults in a handler")) << O.Err;
}

// --- Stalls ------------------------------------------------------------------------

TEST(Stall, BusyLoopIsReportedWithItsBacktrace) {
  // A 10 ms threshold leaves the watchdog 40 ms of the 50 ms busy loop to
  // notice it even on a loaded machine.
  Outcome O = scenario("busy", {{"EVGUARD_DETECT", "stall"},
                                {"EVGUARD_STALL_MS", "10"}});
  EXPECT_OK_EXIT(O);
  EXPECT_TRUE(contains(O.Err, "stall: a handler ran for")) << O.Err;
  EXPECT_TRUE(contains(O.Err, "handler: (anonymous namespace)::busyHandler"))
      << O.Err;
  EXPECT_TRUE(contains(O.Err, "computing")) << O.Err;
  EXPECT_TRUE(contains(O.Err, "on a CPU")) << O.Err;
  size_t Trace = O.Err.find("backtrace:");
  ASSERT_NE(Trace, std::string::npos) << O.Err;
  EXPECT_NE(O.Err.find("busyComputeFor50ms", Trace), std::string::npos)
      << O.Err;
}

TEST(Stall, SleepingHandlerIsParkedInTheKernel) {
  Outcome O = scenario("sleepy", {{"EVGUARD_DETECT", "stall"},
                                  {"EVGUARD_STALL_MS", "10"}});
  EXPECT_OK_EXIT(O);
  EXPECT_TRUE(contains(O.Err, "stall: a handler ran for")) << O.Err;
  EXPECT_TRUE(contains(O.Err, "parked in the kernel")) << O.Err;
  EXPECT_TRUE(contains(O.Err, "nanosleep")) << O.Err;
  EXPECT_TRUE(contains(O.Err, "handler: (anonymous namespace)::sleepyHandler"))
      << O.Err;
}

TEST(Stall, LongStallIsAnnouncedWhileItRuns) {
  Outcome O = scenario("stuck", {{"EVGUARD_DETECT", "stall"},
                                 {"EVGUARD_STALL_MS", "50"}});
  EXPECT_OK_EXIT(O);
  size_t Notice = O.Err.find("stall in progress: a handler has been running");
  size_t Final = O.Err.find("stall: a handler ran for");
  ASSERT_NE(Notice, std::string::npos) << O.Err;
  ASSERT_NE(Final, std::string::npos) << O.Err;
  EXPECT_LT(Notice, Final) << O.Err;
  EXPECT_TRUE(contains(O.Err, "stuckHandler")) << O.Err;
}

TEST(Stall, ShortHandlersAreSilent) {
  Env E = QuietStalls;
  E["EVGUARD_DETECT"] = "stall";
  expectSilent("healthy", E);
}

// --- SARIF -------------------------------------------------------------------------

TEST(Sarif, AllThreeRulesValidateStrictly) {
  struct Case {
    const char *Scenario, *Rule;
    Env E;
  };
  const Case Cases[] = {
      {"fsync", "evguard-runtime-blocking-call", {}},
      {"busy", "evguard-runtime-stall", {{"EVGUARD_STALL_MS", "10"}}},
      {"faults", "evguard-runtime-page-fault", {}},
  };
  for (const Case &C : Cases) {
    std::string Sarif = tempPath(C.Scenario);
    std::remove(Sarif.c_str());
    Env E = C.E;
    E["EVGUARD_REPORT"] = Sarif;
    Outcome O = scenario(C.Scenario, E);
    EXPECT_OK_EXIT(O);
    std::string Text = readFile(Sarif);
    EXPECT_TRUE(contains(Text, std::string("\"ruleId\":\"") + C.Rule + "\""))
        << C.Scenario << ": " << Text;
    // Symbolized with the debug info: the program's source file.
    EXPECT_TRUE(contains(Text, "tests/runtime-debug/scenario.cpp"))
        << C.Scenario << ": " << Text;
    EXPECT_EQ(validateSarif(Sarif), "") << C.Scenario;
    std::remove(Sarif.c_str());
  }
}

TEST(Sarif, WrittenOnFatalSignal) {
  std::string Sarif = tempPath("term");
  std::remove(Sarif.c_str());
  Outcome O = scenario("usleep-then-term", {{"EVGUARD_DETECT", "blocking"},
                                            {"EVGUARD_REPORT", Sarif}});
  EXPECT_EQ(O.Signal, SIGTERM) << O.Err;
  std::string Text = readFile(Sarif);
  EXPECT_TRUE(contains(Text, "evguard-runtime-blocking-call")) << Text;
  EXPECT_EQ(validateSarif(Sarif), "");
  std::remove(Sarif.c_str());
}


// --- Reports a user can act on ----------------------------------------------

/// The line of stderr that contains `Needle`, or "".
std::string lineWith(const std::string &Text, const std::string &Needle) {
  size_t At = Text.find(Needle);
  if (At == std::string::npos)
    return "";
  size_t Begin = Text.rfind('\n', At);
  size_t End = Text.find('\n', At);
  Begin = Begin == std::string::npos ? 0 : Begin + 1;
  return Text.substr(Begin, End == std::string::npos ? End : End - Begin);
}

/// The first SARIF result's primary location: "uri|uriBaseId|line".
std::string primaryLocation(const std::string &Sarif, const std::string &Rule) {
  size_t R = Sarif.find("\"ruleId\":\"" + Rule + "\",\"ruleIndex\"");
  if (R == std::string::npos)
    return "no " + Rule + " result";
  size_t Loc = Sarif.find("\"artifactLocation\":", R);
  size_t Uri = Sarif.find("\"uri\":\"", Loc) + 7;
  std::string Out = Sarif.substr(Uri, Sarif.find('"', Uri) - Uri) + "|";
  size_t Region = Sarif.find("\"region\":", Loc);
  size_t Base = Sarif.find("\"uriBaseId\":\"", Loc);
  if (Base < Region)
    Out += Sarif.substr(Base + 13, Sarif.find('"', Base + 13) - Base - 13);
  size_t Line = Sarif.find("\"startLine\":", Region) + 12;
  return Out + "|" + std::to_string(std::atoi(Sarif.c_str() + Line));
}

TEST(Reports, BacktraceFramesHaveFileAndLine) {
  Outcome O = scenario("reported-line", withSourceRoot(BlockingOnly));
  EXPECT_OK_EXIT(O);
  int Line = printedLine(O.Err, "usleep");
  ASSERT_GT(Line, 0) << O.Err;
  // The handler's frame, wherever it sits in the backtrace (sanitizers add
  // frames of their own), names the call's file and line.
  std::string Frame = lineWith(
      O.Err, "reportedLineHandler(evguard::Handle<evguard::TimerTag>)+");
  EXPECT_TRUE(contains(Frame, " at tests/runtime-debug/scenario.cpp:" +
                                  std::to_string(Line)))
      << O.Err;
}

struct SarifRun {
  Outcome O;
  std::string Text;
};

/// Runs `Args` with `E` relative to this checkout's source root, writing a
/// SARIF file; returns what it printed and wrote (checked to validate).
SarifRun runWithSarif(const std::vector<std::string> &Args, Env E) {
  std::string Sarif = tempPath(Args.back());
  std::remove(Sarif.c_str());
  E = withSourceRoot(E);
  E["EVGUARD_REPORT"] = Sarif;
  SarifRun R{runProgram(Args, E), ""};
  EXPECT_OK_EXIT(R.O);
  R.Text = readFile(Sarif);
  EXPECT_EQ(validateSarif(Sarif), "") << Args.back();
  std::remove(Sarif.c_str());
  return R;
}

/// primaryLocation()'s form of a line of this checkout.
std::string checkoutLine(const std::string &File, int Line) {
  return File + "|%SRCROOT%|" + std::to_string(Line);
}

TEST(Reports, SarifLocationsAreRelativeToTheSourceRoot) {
  SarifRun R = runWithSarif({EVGUARD_SCENARIO, "reported-line"}, BlockingOnly);
  EXPECT_EQ(primaryLocation(R.Text, "evguard-runtime-blocking-call"),
            checkoutLine("tests/runtime-debug/scenario.cpp",
                         printedLine(R.O.Err, "usleep")))
      << R.Text;
  EXPECT_TRUE(contains(R.Text, "\"originalUriBaseIds\":{\"%SRCROOT%\":{\"uri\":"
                               "\"file://" + sourceDir() + "/\""))
      << R.Text;
  Outcome Bad = scenario("usleep", {{"EVGUARD_SOURCE_ROOT", "/no/such/dir"}});
  EXPECT_TRUE(Bad.Exited && Bad.ExitCode == 2) << Bad.Err;
  EXPECT_TRUE(contains(Bad.Err, "EVGUARD_SOURCE_ROOT='/no/such/dir' is not "
                                "valid: give an existing directory"))
      << Bad.Err;
}

TEST(Reports, PageFaultsOfALambdaPointAtTheLambda) {
  SarifRun R = runWithSarif({EVGUARD_SCENARIO, "lambda-faults"},
                            {{"EVGUARD_DETECT", "faults"}});
  // Not the runtime's invoker in callable.h: the user's lambda.
  EXPECT_EQ(primaryLocation(R.Text, "evguard-runtime-page-fault"),
            checkoutLine("tests/runtime-debug/scenario.cpp",
                         printedLine(R.O.Err, "handler")))
      << R.Text;
}

TEST(Reports, TailCalledBlockingCallIsLocatedAtTheCall) {
  // Built -O2: tailHandler and sleepALittle end in jumps, so no frame of
  // theirs is on the stack when usleep runs.
  SarifRun R = runWithSarif({EVGUARD_TAIL_CALLS, "tail-calls"}, BlockingOnly);
  int Line = printedLine(R.O.Err, "usleep");
  ASSERT_GT(Line, 0) << R.O.Err;
  EXPECT_TRUE(contains(lineWith(R.O.Err, "sleepALittle"),
                       "(tail call) at tests/runtime-debug/tail_calls.cpp:" +
                           std::to_string(Line)))
      << R.O.Err;
  EXPECT_TRUE(contains(lineWith(R.O.Err, "tailHandler (tail call)"),
                       "tests/runtime-debug/tail_calls.cpp:"))
      << R.O.Err;
  EXPECT_EQ(primaryLocation(R.Text, "evguard-runtime-blocking-call"),
            checkoutLine("tests/runtime-debug/tail_calls.cpp", Line))
      << R.Text;
}

TEST(Reports, EvguardsOwnReportingIsNotAPageFaultFinding) {
  // The first report of a blocking call reads the program's debug info in
  // the handler's dispatch: those faults are evguard's, not the handler's.
  // The handler itself (a usleep) takes next to none, so a low threshold
  // shows any of evguard's that were counted.
  for (const char *Counter : {"rusage", "perf"}) {
    Outcome O = scenario("usleep", {{"EVGUARD_FAULT_COUNTER", Counter},
                                    {"EVGUARD_FAULT_MINOR", "8"},
                                    {"EVGUARD_STALL_MS", "2000"}});
    EXPECT_OK_EXIT(O);
    EXPECT_TRUE(contains(O.Err, "blocking call in a handler: usleep")) << O.Err;
    EXPECT_FALSE(contains(O.Err, "page faults in a handler")) << Counter << "\n"
                                                              << O.Err;
  }
}

/// The duration in "stall: a handler ran for N ms", or -1.
double stallMs(const std::string &Err) {
  const std::string Key = "stall: a handler ran for ";
  size_t At = Err.find(Key);
  return At == std::string::npos ? -1 : std::atof(Err.c_str() + At + Key.size());
}

TEST(Stall, SleepAsLongAsTheThresholdIsAStall) {
  // The default threshold, 20 ms: the sleep lasts at least that, however
  // the watchdog's scans fall.
  for (int Run = 0; Run < 3; ++Run) {
    Outcome O = scenario("sleep-20ms", {{"EVGUARD_DETECT", "stall"}});
    EXPECT_OK_EXIT(O);
    EXPECT_GE(stallMs(O.Err), 20.0) << O.Err;
  }
}

TEST(Stall, TheStallIsAsLongAsTheSleep) {
  // Caught at 10-12.5 ms while usleep sleeps: taking the backtrace must
  // not cut the sleep short (a signal would end it with EINTR).
  Outcome O = scenario("sleep-50ms", {{"EVGUARD_DETECT", "stall"},
                                      {"EVGUARD_STALL_MS", "10"}});
  EXPECT_OK_EXIT(O);
  EXPECT_GE(stallMs(O.Err), 50.0) << O.Err;
  EXPECT_TRUE(contains(O.Err, "parked in the kernel")) << O.Err;
  EXPECT_TRUE(contains(
      lineWith(O.Err, "sleep50Handler(evguard::Handle<evguard::TimerTag>)+"),
      "#"))
      << O.Err;
}

// --- Configuration errors ----------------------------------------------------------

TEST(Config, InvalidValuesStopWithAClearMessage) {
  const Env Bad[] = {{{"EVGUARD_STALL_MS", "soon"}},
                     {{"EVGUARD_DETECT", "stall,typo"}},
                     {{"EVGUARD_BLOCK_POLICY", "maybe"}},
                     {{"EVGUARD_ON_BLOCK", "explode"}},
                     {{"EVGUARD_FAULT_MINOR", "-1"}},
                     {{"EVGUARD_FAULT_COUNTER", "perfect"}},
                     {{"EVGUARD_FAULT_SIGNAL", "9"}},
                     {{"EVGUARD_SYMBOLIZER", "addr2line"}}};
  for (const Env &E : Bad) {
    Outcome O = scenario("usleep", E);
    EXPECT_TRUE(O.Exited && O.ExitCode == 2) << O.Err;
    EXPECT_TRUE(contains(O.Err, "evguard: error: " + E.begin()->first + "='" +
                                    E.begin()->second + "' is not valid"))
        << O.Err;
  }
}

} // namespace
