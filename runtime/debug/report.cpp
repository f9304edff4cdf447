#include "report.h"

#include "config.h"
#include "dispatch.h"
#include "debuginfo.h"
#include "faults.h"
#include "state.h"
#include "symbolize.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

namespace evguard::debug {
namespace {

/// One line of a shown backtrace: a frame of the stack, a call inlined into
/// it, or a tail call the debug info says was made but left no frame.
struct ShownFrame {
  std::string Text;  ///< "name+0x12 (module)", or the function's name.
  SourceLine Where;
  const char *Kind = nullptr; ///< nullptr, "inlined" or "tail call".
  bool Runtime = false; ///< evguard's own code (the loop, the detectors).
  bool InLibc = false;
};

struct Stored {
  Rule R;
  const void *Code;
  const char *Label;
  std::string Function;
  std::string Handler;
  std::string Title;
  std::string FirstText; ///< The first full report, for the SARIF message.
  std::vector<ShownFrame> Frames;
  uint64_t Count = 0;
  int64_t MaxNs = 0, MaxMinor = 0, MaxMajor = 0;
};

/// Findings are rare, so one lock is enough; a spin lock because the mutex
/// functions are interposed and a signal path must be able to give up.
std::atomic_flag StoreLock = ATOMIC_FLAG_INIT;
std::vector<Stored> *Store = new std::vector<Stored>(); // Never destroyed.

class StoreGuard {
public:
  explicit StoreGuard(bool MayFail = false) {
    for (int Spins = 0; StoreLock.test_and_set(std::memory_order_acquire);
         ++Spins) {
      if (MayFail && Spins > 1000000) {
        Failed = true;
        return;
      }
    }
  }
  ~StoreGuard() {
    if (!Failed)
      StoreLock.clear(std::memory_order_release);
  }
  bool Failed = false;
};

const char *ruleId(Rule R) {
  switch (R) {
  case Rule::Stall:
    return "evguard-runtime-stall";
  case Rule::BlockingCall:
    return "evguard-runtime-blocking-call";
  case Rule::PageFault:
    return "evguard-runtime-page-fault";
  }
  return "";
}

void writeAll(int Fd, const std::string &Text) {
  const char *P = Text.data();
  size_t Left = Text.size();
  while (Left > 0) {
    ssize_t N = ::write(Fd, P, Left);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return;
    P += N;
    Left -= N;
  }
}

bool isPowerOfTwo(uint64_t N) { return N && !(N & (N - 1)); }

bool inThisLibrary(const void *Addr) {
  static const void *OwnBase = [] {
    Dl_info I{};
    return dladdr(reinterpret_cast<const void *>(&isPowerOfTwo), &I)
               ? I.dli_fbase
               : nullptr;
  }();
  Dl_info I{};
  return dladdr(Addr, &I) && I.dli_fbase == OwnBase;
}

/// The frames worth showing: without evguard's own frames on top (the
/// interposer), without std::invoke plumbing, at most MaxShown. `Dropped`
/// is how many were dropped from the top.
std::vector<void *> usefulFrames(void *const *Frames, int N, int &Dropped) {
  constexpr size_t MaxShown = 24;
  std::vector<void *> Out;
  // The library also holds the runtime itself (evguard::Loop, ...), whose
  // frames are kept: only the interposer (an extern "C" libc name) and the
  // detectors (evguard::debug) on top are dropped.
  int I = 0;
  while (I < N && inThisLibrary(Frames[I])) {
    std::string F = symbolize(Frames[I]).Function;
    if (F.find("evguard::") != std::string::npos &&
        F.find("evguard::debug::") == std::string::npos)
      break;
    ++I;
  }
  Dropped = I;
  for (; I < N && Out.size() < MaxShown; ++I) {
    std::string F = symbolize(static_cast<char *>(Frames[I]) - 1).Function;
    if (F.rfind("std::__invoke", 0) == 0 || F.rfind("std::invoke", 0) == 0 ||
        F.find(" std::__invoke") != std::string::npos ||
        F.find(" std::invoke<") != std::string::npos)
      continue;
    Out.push_back(Frames[I]);
  }
  return Out;
}

/// The index just past the '>' closing the '<' at `Open`, or npos.
size_t closeAngle(const std::string &S, size_t Open) {
  int Depth = 0;
  for (size_t I = Open; I < S.size(); ++I) {
    if (S[I] == '<')
      ++Depth;
    else if (S[I] == '>' && --Depth == 0)
      return I + 1;
  }
  return std::string::npos;
}

/// The user's callable inside the runtime's type-erased invoker: for
/// "... evguard::Callable<Sig, N>::invoke_inline<main::{lambda()#1}>(...)"
/// the lambda, whatever the invoker member is called; else the whole name.
std::string unwrapInvoker(const std::string &Name) {
  const std::string Class = "evguard::Callable<";
  size_t P = Name.find(Class);
  if (P == std::string::npos)
    return Name;
  size_t End = closeAngle(Name, P + Class.size() - 1);
  if (End == std::string::npos || Name.compare(End, 2, "::") != 0)
    return Name;
  size_t Member = End + 2;
  while (Member < Name.size() &&
         (std::isalnum(static_cast<unsigned char>(Name[Member])) ||
          Name[Member] == '_'))
    ++Member;
  if (Member >= Name.size() || Name[Member] != '<')
    return Name;
  size_t ArgEnd = closeAngle(Name, Member);
  if (ArgEnd == std::string::npos)
    return Name;
  return Name.substr(Member + 1, ArgEnd - Member - 2);
}

} // namespace

std::string handlerName(const void *Code, const char *Label) {
  std::string Sym;
  if (Code) {
    Symbol S = symbolize(Code);
    Sym = S.Function.empty() ? describe(Code) : unwrapInvoker(S.Function);
  }
  if (Label && *Label)
    return Sym.empty() ? std::string(Label)
                       : std::string(Label) + " (" + Sym + ")";
  return Sym.empty() ? std::string("<unknown handler>") : Sym;
}

namespace {

/// A directory inside a git work tree: the work tree's root.
std::string gitWorkTree(const char *Dir) {
  char Buf[PATH_MAX];
  if (!Dir || !realpath(Dir, Buf))
    return {};
  std::string D = Buf;
  for (;;) {
    struct stat St;
    if (stat((D + "/.git").c_str(), &St) == 0)
      return D;
    size_t Slash = D.rfind('/');
    if (Slash == 0 || Slash == std::string::npos)
      return {};
    D.resize(Slash);
  }
}

std::string exePath() {
  char Buf[4096];
  ssize_t N = readlink("/proc/self/exe", Buf, sizeof(Buf) - 1);
  return N > 0 ? std::string(Buf, N) : std::string("/proc/self/exe");
}

/// The root the reports' paths are relative to (%SRCROOT% in SARIF), found
/// the way the static checker finds it: EVGUARD_SOURCE_ROOT, else the git
/// work tree of the working directory, else the one holding the
/// executable, else the working directory.
std::string findSourceRoot() {
  if (!config().SourceRoot.empty())
    return config().SourceRoot;
  char Cwd[PATH_MAX];
  const char *Here = getcwd(Cwd, sizeof(Cwd));
  std::string Root = gitWorkTree(Here);
  if (Root.empty()) {
    std::string Exe = exePath();
    Root = gitWorkTree(Exe.substr(0, Exe.rfind('/')).c_str());
  }
  char Buf[PATH_MAX];
  if (Root.empty() && Here && realpath(Here, Buf))
    Root = Buf;
  return Root == "/" ? std::string() : Root;
}

const std::string &sourceRoot() {
  static const std::string *Root = new std::string(findSourceRoot());
  return *Root;
}

/// `File` relative to the source root, or "" when it is outside.
std::string underSourceRoot(const std::string &File) {
  const std::string &Root = sourceRoot();
  if (Root.empty() || File.size() <= Root.size() + 1 ||
      File.compare(0, Root.size(), Root) != 0 || File[Root.size()] != '/')
    return {};
  return File.substr(Root.size() + 1);
}

std::string displayPath(const std::string &File) {
  std::string Rel = underSourceRoot(File);
  return Rel.empty() ? File : Rel;
}

void addFrame(std::vector<ShownFrame> &Out, ShownFrame F) {
  constexpr size_t MaxShown = 32;
  if (Out.size() < MaxShown)
    Out.push_back(std::move(F));
}

/// The backtrace of `E` as shown: evguard's frames on top dropped, the
/// tail calls that left no frame put back, and, with `Lines`, each frame
/// expanded into the calls inlined at it, with file:line from the debug
/// info.
std::vector<ShownFrame> shownFrames(const Event &E, bool Lines) {
  int Skip = std::min(E.SkipFrames, E.NFrames);
  int Dropped = 0;
  std::vector<void *> Raw =
      usefulFrames(E.Frames + Skip, E.NFrames - Skip, Dropped);
  std::vector<ShownFrame> Out;
  if (Lines && E.Callee && !Raw.empty()) {
    // The runtime calls handlers through a function pointer: from there the
    // way starts at the handler itself.
    const void *Return = inThisLibrary(Raw[0]) ? nullptr : Raw[0];
    for (SourceFrame &F : tailCallsTo(Return, E.Code, E.Callee))
      addFrame(Out, {F.Function.empty() ? "?" : F.Function, F.Where,
                     "tail call", false, false});
  }
  for (size_t I = 0; I < Raw.size(); ++I) {
    // Return addresses point after the call; -1 lands inside it.
    const char *A = static_cast<const char *>(Raw[I]);
    const void *Pc = I == 0 && E.FirstIsPc && Dropped == 0 ? A : A - 1;
    bool Runtime = inThisLibrary(Pc);
    std::string Module = symbolize(Pc).Module;
    bool InLibc = Module.find("libc.so") != std::string::npos;
    // A system library's lines would come from its separate debug file
    // (libc6-dbg & co.), slow to read and not where the fix goes.
    bool System = Module.rfind("/usr/", 0) == 0 || Module.rfind("/lib", 0) == 0;
    std::vector<SourceFrame> Src =
        Lines && !System ? sourceFrames(Pc) : std::vector<SourceFrame>();
    for (size_t J = 0; J + 1 < Src.size(); ++J)
      addFrame(Out, {Src[J].Function.empty() ? "?" : Src[J].Function,
                     Src[J].Where, "inlined", Runtime, InLibc});
    addFrame(Out, {describe(Pc), Src.empty() ? SourceLine{} : Src.back().Where,
                   nullptr, Runtime, InLibc});
  }
  return Out;
}

std::string framesText(const std::vector<ShownFrame> &Frames) {
  std::string Out;
  char Num[32];
  for (size_t I = 0; I < Frames.size(); ++I) {
    const ShownFrame &F = Frames[I];
    std::snprintf(Num, sizeof(Num), "    #%-2u ", static_cast<unsigned>(I));
    Out += Num + F.Text;
    if (F.Kind)
      Out += std::string(" (") + F.Kind + ")";
    if (F.Where)
      Out += " at " + displayPath(F.Where.File) + ":" +
             std::to_string(F.Where.Line);
    Out += "\n";
  }
  return Out;
}

std::string fullText(const Event &E, const std::string &Handler,
                     const std::vector<ShownFrame> &Frames) {
  std::string Text = "evguard: " + E.Title + "\n  handler: " + Handler +
                     "\n" + E.Detail;
  if (!Frames.empty())
    Text += "  backtrace:\n" + framesText(Frames);
  return Text + "  fix: " + E.Advice + "\n";
}

} // namespace

void notify(const Event &E) {
  InternalScope Guard;
  writeAll(2, fullText(E, handlerName(E.Code, E.Label),
                       shownFrames(E, /*Lines=*/true)));
}

namespace {

/// The stored finding `E` is another occurrence of; the store lock is held.
Stored *findStored(const Event &E) {
  for (Stored &X : *Store)
    if (X.R == E.R && X.Code == E.Code && X.Label == E.Label &&
        X.Function == (E.Function ? E.Function : ""))
      return &X;
  return nullptr;
}

/// Counts `E` into `S` (lock held) and returns the line to print, if any:
/// repeats are printed when their count reaches 2, 4, 8, ...
std::string countOccurrence(Stored &S, const Event &E) {
  uint64_t Count = ++S.Count;
  S.MaxNs = std::max(S.MaxNs, E.DurationNs);
  S.MaxMinor = std::max(S.MaxMinor, E.Minor);
  S.MaxMajor = std::max(S.MaxMajor, E.Major);
  if (Count == 1 || !isPowerOfTwo(Count))
    return {};
  return "evguard: again: " + E.Title + " in handler " + S.Handler + " (" +
         std::to_string(Count) + " times so far)\n";
}

} // namespace

bool recordRepeat(const Event &E, bool MayFail) {
  InternalScope Guard;
  std::string Text;
  {
    StoreGuard Lock(MayFail);
    if (Lock.Failed)
      return true;
    Stored *S = findStored(E);
    if (!S)
      return false;
    Text = countOccurrence(*S, E);
  }
  writeAll(2, Text);
  return true;
}

void record(const Event &E, bool MayFail) {
  // A repeat needs no symbolization: the common case of a hot path stays
  // cheap.
  if (recordRepeat(E, MayFail))
    return;
  InternalScope Guard;
  std::string Handler = handlerName(E.Code, E.Label);
  // On a signal path (MayFail) the debug info is not read: it allocates
  // and takes a lock.
  std::vector<ShownFrame> Useful = shownFrames(E, /*Lines=*/!MayFail);
  std::string Text;
  {
    StoreGuard Lock(MayFail);
    if (Lock.Failed)
      return;
    // Another thread may have stored it meanwhile: then this is a repeat.
    if (Stored *S = findStored(E)) {
      Text = countOccurrence(*S, E);
    } else {
      Store->push_back(Stored{E.R, E.Code, E.Label,
                              E.Function ? E.Function : "", Handler, E.Title,
                              fullText(E, Handler, Useful), Useful});
      Text = countOccurrence(Store->back(), E) + Store->back().FirstText;
    }
  }
  writeAll(2, Text);
}

// --- SARIF -------------------------------------------------------------------

namespace {

std::string json(const std::string &S) {
  std::string Out = "\"";
  for (unsigned char C : S) {
    switch (C) {
    case '"': Out += "\\\""; break;
    case '\\': Out += "\\\\"; break;
    case '\n': Out += "\\n"; break;
    case '\t': Out += "\\t"; break;
    case '\r': Out += "\\r"; break;
    default:
      if (C < 0x20) {
        char Buf[8];
        std::snprintf(Buf, sizeof(Buf), "\\u%04x", C);
        Out += Buf;
      } else {
        Out += static_cast<char>(C);
      }
    }
  }
  return Out + "\"";
}

/// A path as a URI path, percent-encoding what URIs forbid.
std::string uriPath(const std::string &Path) {
  std::string Out;
  for (unsigned char C : Path) {
    if (std::isalnum(C) || std::strchr("/-._~+", C)) {
      Out += static_cast<char>(C);
    } else {
      char Buf[4];
      std::snprintf(Buf, sizeof(Buf), "%%%02X", C);
      Out += Buf;
    }
  }
  return Out;
}

/// file:// URI of an absolute path.
std::string fileUri(const std::string &Path) { return "file://" + uriPath(Path); }

std::string fnv1a(const std::string &S) {
  uint64_t H = 1469598103934665603ULL;
  for (unsigned char C : S)
    H = (H ^ C) * 1099511628211ULL;
  char Buf[24];
  std::snprintf(Buf, sizeof(Buf), "%016llx", (unsigned long long)H);
  return Buf;
}

struct RuleText {
  Rule R;
  const char *Name, *Short, *Full, *Help, *Level;
};

const RuleText Rules[] = {
    {Rule::Stall, "RuntimeStall",
     "A handler ran longer than the stall threshold",
     "An event-loop handler ran longer than EVGUARD_STALL_MS (wall time) "
     "while the loop could serve nothing else. The report says whether the "
     "thread was computing or parked in the kernel, and shows its backtrace "
     "taken during the stall.",
     "Find the slow code in the backtrace. Move long computations or "
     "blocking work off the loop thread (Loop::offload), split the work "
     "into smaller steps scheduled with post(), or make the blocking call "
     "non-blocking.",
     "warning"},
    {Rule::BlockingCall, "RuntimeBlockingCall",
     "A handler called a function that blocks the thread",
     "An event-loop handler called a libc function that the evguard "
     "annotation database lists as blocking, and (under the default 'did' "
     "policy) the call could really block: I/O on a blocking descriptor or "
     "a regular file, a contended lock, a sleep, a wait that waited.",
     "Move the call into offloaded work (Loop::offload), use a non-blocking "
     "equivalent (O_NONBLOCK descriptors watched by the loop, a timer "
     "instead of a sleep, an asynchronous resolver), or, if the blocking is "
     "intended and bounded, wrap it in an evguard::AllowBlocking scope with "
     "the reason.",
     "error"},
    {Rule::PageFault, "RuntimePageFault",
     "A handler took many page faults in one dispatch",
     "An event-loop handler took major page faults (disk reads) or more "
     "minor page faults than EVGUARD_FAULT_MINOR in one dispatch; each "
     "fault stops the loop thread in the kernel.",
     "Touch or pre-fault memory before the loop starts (MAP_POPULATE, "
     "mlock, reusing buffers instead of allocating fresh ones), avoid "
     "mapping files that are not in the page cache on the loop thread, "
     "and keep large allocations out of handlers.",
     "warning"},
};

std::string ruleJson(const RuleText &R) {
  return std::string("{\"id\":") + json(ruleId(R.R)) +
         ",\"name\":" + json(R.Name) + ",\"shortDescription\":{\"text\":" +
         json(R.Short) + "},\"fullDescription\":{\"text\":" + json(R.Full) +
         "},\"help\":{\"text\":" + json(R.Help) +
         "},\"defaultConfiguration\":{\"level\":" + json(R.Level) +
         "},\"properties\":{\"tags\":[\"evguard\",\"runtime\"],"
         "\"precision\":\"high\",\"problem.severity\":" +
         json(std::string(R.Level) == "error" ? "error" : "warning") + "}}";
}

/// Code of the system (libc++/libstdc++ templates, libc headers) rather
/// than the program: a location there is not where the fix goes.
bool isSystemSource(const std::string &File) {
  return File.rfind("/usr/", 0) == 0;
}

/// The best source location for a finding: the first frame of its
/// backtrace (inlined calls and reconstructed tail calls included) in the
/// program's own sources (for a blocking call, the call site; for a stall,
/// the innermost program frame), else where the handler is defined, else
/// the first frame with any line.
SourceLine locate(const Stored &S, bool AllowSymbolizer) {
  if (!AllowSymbolizer)
    return {};
  const SourceLine *Fallback = nullptr;
  for (const ShownFrame &F : S.Frames) {
    if (!F.Where || F.Runtime || F.InLibc || F.Where.File[0] != '/')
      continue;
    if (!isSystemSource(F.Where.File))
      return F.Where;
    if (!Fallback)
      Fallback = &F.Where;
  }
  SourceLine Handler = definitionOf(S.Code);
  if (Handler && !isSystemSource(Handler.File))
    return Handler;
  return Fallback ? *Fallback : Handler;
}

/// An artifactLocation: relative to %SRCROOT% when under the source root.
std::string artifactJson(const std::string &File) {
  std::string Rel = underSourceRoot(File);
  if (Rel.empty())
    return "{\"uri\":" + json(fileUri(File)) + "}";
  return "{\"uri\":" + json(uriPath(Rel)) + ",\"uriBaseId\":\"%SRCROOT%\"}";
}

std::string physicalJson(const SourceLine &L) {
  return "{\"artifactLocation\":" + artifactJson(L.File) +
         ",\"region\":{\"startLine\":" + std::to_string(L.Line) + "}}";
}

std::string stackJson(const std::vector<ShownFrame> &Frames) {
  std::string Out = ",\"stacks\":[{\"message\":{\"text\":\"backtrace of "
                    "the loop thread\"},\"frames\":[";
  for (size_t I = 0; I < Frames.size(); ++I) {
    const ShownFrame &F = Frames[I];
    std::string Text = F.Kind ? F.Text + " (" + F.Kind + ")" : F.Text;
    Out += std::string(I ? "," : "") + "{\"location\":{";
    if (F.Where)
      Out += "\"physicalLocation\":" + physicalJson(F.Where) + ",";
    Out += "\"message\":{\"text\":" + json(Text) + "}}}";
  }
  return Out + "]}]";
}

std::string resultJson(const Stored &S, bool AllowSymbolizer,
                       const std::string &Exe) {
  int Index = static_cast<int>(S.R);
  std::string Message = S.Title + " in handler " + S.Handler;
  if (S.Count > 1)
    Message += " (" + std::to_string(S.Count) + " times)";
  Message += ".\n\n" + S.FirstText;
  SourceLine L = locate(S, AllowSymbolizer);
  if (!L)
    L = {Exe, 1};
  std::string Out = "{\"ruleId\":" + json(ruleId(S.R)) +
                    ",\"ruleIndex\":" + std::to_string(Index) +
                    ",\"level\":" + json(Rules[Index].Level) +
                    ",\"message\":{\"text\":" + json(Message) + "}";
  Out += ",\"locations\":[{\"physicalLocation\":" + physicalJson(L);
  if (L.File == Exe)
    Out += ",\"message\":{\"text\":\"no line information: the program was "
           "built without debug info or EVGUARD_SYMBOLIZER is none; the "
           "location is the executable\"}";
  Out += ",\"logicalLocations\":[{\"fullyQualifiedName\":" + json(S.Handler) +
         ",\"kind\":\"function\"}]}]";
  Out += ",\"partialFingerprints\":{\"primaryLocationLineHash\":" +
         json(fnv1a(std::string(ruleId(S.R)) + "|" + S.Handler + "|" +
                    S.Function) +
              ":1") +
         "}";
  if (!S.Frames.empty())
    Out += stackJson(S.Frames);
  Out += ",\"properties\":{\"handler\":" + json(S.Handler) +
         ",\"count\":" + std::to_string(S.Count) +
         ",\"maxDurationMs\":" + std::to_string(S.MaxNs / 1000000) +
         ",\"maxMinorFaults\":" + std::to_string(S.MaxMinor) +
         ",\"maxMajorFaults\":" + std::to_string(S.MaxMajor);
  if (!S.Function.empty())
    Out += ",\"function\":" + json(S.Function);
  return Out + "}}";
}

std::string directoryUri(const std::string &Dir) {
  std::string Uri = fileUri(Dir);
  return Uri.back() == '/' ? Uri : Uri + "/";
}

std::string cwdUri() {
  char Buf[4096];
  return getcwd(Buf, sizeof(Buf)) ? directoryUri(Buf) : "file:///";
}

std::string sarifText(const std::vector<Stored> &Findings,
                      bool AllowSymbolizer) {
  std::string Exe = exePath();
  std::string Out =
      "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
      "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":"
      "\"evguard-runtime\",\"informationUri\":"
      "\"https://github.com/evguard/evguard\",\"version\":\"0.1.0\","
      "\"rules\":[";
  for (size_t I = 0; I < std::size(Rules); ++I)
    Out += (I ? "," : "") + ruleJson(Rules[I]);
  Out += "]}},\"automationDetails\":{\"id\":\"evguard-runtime/\"},";
  if (!sourceRoot().empty())
    Out += "\"originalUriBaseIds\":{\"%SRCROOT%\":{\"uri\":" +
           json(directoryUri(sourceRoot())) +
           ",\"description\":{\"text\":\"The root of the program's sources "
           "(EVGUARD_SOURCE_ROOT, else the git work tree of the working "
           "directory or of the executable, else the working "
           "directory).\"}}},";
  Out += "\"invocations\":[{\"executionSuccessful\":true,"
         "\"commandLine\":" +
         json(Exe) + ",\"workingDirectory\":{\"uri\":" + json(cwdUri()) +
         "}}],\"results\":[";
  for (size_t I = 0; I < Findings.size(); ++I)
    Out += (I ? "," : "") + resultJson(Findings[I], AllowSymbolizer, Exe);
  return Out + "]}]}\n";
}

void writeSarif(const std::string &Path, const std::string &Text) {
  std::string Tmp = Path + ".tmp." + std::to_string(getpid());
  int Fd = ::open(Tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (Fd < 0) {
    writeAll(2, "evguard: error: cannot write the report " + Tmp + ": " +
                    std::strerror(errno) +
                    "; set EVGUARD_REPORT to a writable path\n");
    return;
  }
  writeAll(Fd, Text);
  close(Fd);
  if (::rename(Tmp.c_str(), Path.c_str()) != 0)
    writeAll(2, "evguard: error: cannot rename " + Tmp + " to " + Path +
                    ": " + std::strerror(errno) + "\n");
}

void printFaultSummary() {
  std::vector<HandlerTotals> Totals = collectTotals();
  std::sort(Totals.begin(), Totals.end(),
            [](const HandlerTotals &A, const HandlerTotals &B) {
              return A.Minor + 1000 * A.Major > B.Minor + 1000 * B.Major;
            });
  std::string Text = std::string("evguard: page faults per handler (totals "
                                 "over the run, busiest first; counted with ") +
                     faultCounterName() + "):\n";
  char Buf[128];
  for (size_t I = 0; I < Totals.size() && I < 10; ++I) {
    const HandlerTotals &T = Totals[I];
    std::snprintf(Buf, sizeof(Buf), "  %10llu dispatches %10llu minor %6llu major  ",
                  (unsigned long long)T.Dispatches,
                  (unsigned long long)T.Minor, (unsigned long long)T.Major);
    Text += Buf + handlerName(T.Code, T.Label) + "\n";
  }
  writeAll(2, Text);
}

std::atomic<bool> Finalizing{false};

void atExit() { finalizeReports(false); }

const int FatalSignals[] = {SIGSEGV, SIGBUS,  SIGFPE, SIGILL, SIGABRT,
                            SIGTERM, SIGINT, SIGHUP, SIGQUIT};

void onFatalSignal(int Sig) {
  // Not async-signal-safe (it formats and allocates): the process is dying
  // anyway and what was collected is worth the risk; see docs/runtime.md.
  finalizeReports(true);
  signal(Sig, SIG_DFL);
  raise(Sig);
}

} // namespace

void finalizeReports(bool FromSignal) {
  if (Finalizing.exchange(true))
    return;
  InternalScope Guard;
  if (config().Stall)
    reportRunningStalls(FromSignal);
  std::vector<Stored> Copy;
  {
    StoreGuard Lock(/*MayFail=*/FromSignal);
    if (!Lock.Failed)
      Copy = *Store;
  }
  bool AnyFault = std::any_of(Copy.begin(), Copy.end(), [](const Stored &S) {
    return S.R == Rule::PageFault;
  });
  if (AnyFault && config().Faults)
    printFaultSummary();
  if (!config().ReportPath.empty())
    writeSarif(config().ReportPath, sarifText(Copy, !FromSignal));
  Finalizing = false;
}

void installReportHooks() {
  std::atexit(atExit);
  for (int Sig : FatalSignals) {
    struct sigaction Old;
    if (sigaction(Sig, nullptr, &Old) != 0 || Old.sa_handler != SIG_DFL)
      continue;
    struct sigaction Sa {};
    Sa.sa_handler = onFatalSignal;
    sigemptyset(&Sa.sa_mask);
    Sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigaction(Sig, &Sa, nullptr);
  }
}

} // namespace evguard::debug
