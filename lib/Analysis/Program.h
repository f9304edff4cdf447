//===- Program.h - The linked whole program ---------------------*- C++ -*-===//
//
// All TU summaries merged: one node per function (by USR), every call site
// resolved to its possible targets (direct, class hierarchy for virtual
// calls, points-to over callables for fields and pointers), and the handler
// roots with where they were registered.
//
//===----------------------------------------------------------------------===//
#ifndef EVGUARD_ANALYSIS_PROGRAM_H
#define EVGUARD_ANALYSIS_PROGRAM_H

#include "Summary.h"
#include "evguard/Analysis.h"
#include "llvm/ADT/StringMap.h"
#include <memory>
#include <vector>

namespace evguard {

/// A location in the linked program: an index into Program::Files.
using GlobalLoc = Loc;

struct ResolvedCall {
  const CallSite *Site = nullptr;
  GlobalLoc At;
  std::vector<uint32_t> Targets; ///< function ids, sorted
  /// Functions passed as callables to a function we cannot look into (no
  /// body, no entry about that parameter): assumed to be called right away.
  std::vector<uint32_t> CalledBack;
  /// The call's descriptor argument may be a regular file's, or a
  /// descriptor created in blocking mode and never switched (see
  /// CallSite::DescriptorCheck).
  bool OnBlockingDescriptor = false;
  /// Runs only in a forked child: not on the loop thread.
  bool InChild = false;
};

struct Function {
  std::string Usr;
  std::string Name;
  GlobalLoc At;
  bool HasBody = false;
  bool StandardLibrary = false;
  bool System = false;
  bool AddressTaken = false;
  bool Forks = false;
  std::vector<std::string> ReturnsResultOf;
  bool Handler = false;
  bool Nonblocking = false;
  std::optional<std::string> AllowBlocking;
  std::optional<BlockingInfo> Blocking;
  std::optional<FaultInfo> MayFault;
  std::vector<uint32_t> RegistersParams;
  std::vector<uint32_t> OffloadsParams;
  /// Parameters it switches to non-blocking mode, itself or through others.
  std::vector<uint32_t> SetsNonblockingParams;
  std::string FnType;
  std::vector<uint32_t> Overriders; ///< direct overriders
  std::vector<ResolvedCall> Calls;
  /// The bodies: one, or several when different files define the same
  /// external name (a `main` per program of a multi-program build). Copies
  /// of one definition (an inline function of a header) count once.
  struct Body {
    const TUSummary *From = nullptr;
    const FunctionRecord *Record = nullptr;
    GlobalLoc At;
  };
  std::vector<Body> Bodies;
};

struct Registration {
  uint32_t Handler = 0;
  std::optional<GlobalLoc> At; ///< none for EVGUARD_HANDLER
  std::string Via;
};

struct Program {
  std::vector<std::string> Files;
  std::vector<Function> Functions;
  llvm::StringMap<uint32_t> ByUsr;
  /// One per handler, the best registration site; sorted by handler name.
  std::vector<Registration> Roots;

  SourcePoint point(const GlobalLoc &L) const {
    if (L.Line == 0 || L.File >= Files.size())
      return {};
    return {Files[L.File], L.Line, L.Col};
  }
};

/// Merges the summaries (sorted by main file, so any order gives the same
/// program) and resolves calls and handlers.
std::unique_ptr<Program>
linkProgram(llvm::ArrayRef<std::shared_ptr<const TUSummary>> TUs,
            const AnnotationDatabase &DB, const AnalysisOptions &Opts);

/// Walks from the roots and builds the findings.
AnalysisResult findBlockingCalls(const Program &P, const AnalysisOptions &Opts);

} // namespace evguard

#endif
