//===- Analysis.h - Summaries, linking and reachability ---------*- C++ -*-===//
//
// The analysis in three steps, so that each front end can drive it:
//   1. summarizeTU: one walk over a parsed TU's AST -> a compact TUSummary
//      (functions, call sites, registrations, stores of callables).
//   2. analyzeProgram: merge the summaries of the whole program, resolve
//      indirect calls and handler registrations, and walk from every handler
//      (and every function promising not to block) to blocking calls.
//   3. the front end prints the AnalysisResult (text, JSON, SARIF, or
//      clang-tidy diagnostics).
// No AST outlives step 1.
//
//===----------------------------------------------------------------------===//
#ifndef EVGUARD_ANALYSIS_H
#define EVGUARD_ANALYSIS_H

#include "evguard/Database.h"
#include "evguard/Findings.h"
#include "llvm/Support/Error.h"
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
namespace tooling {
class CompilationDatabase;
}
} // namespace clang

namespace evguard {

struct TUSummary; // Summary.h

struct AnalysisOptions {
  /// Chains shown per finding (each from a different root).
  unsigned ChainLimit = 3;
  /// Resolve calls through plain function pointers to every address-taken
  /// function of a compatible type when value flow finds nothing.
  bool PointerFallback = true;
  /// Also report calls to functions with no body and no database entry.
  bool Strict = false;
  /// Trust that descriptors not known to be regular files are non-blocking
  /// (see Condition::Kind::NotRegularFile); off: read/write/accept on any
  /// descriptor may block.
  bool AssumeNonblockingDescriptors = true;
  /// Report only these categories (empty: all).
  std::vector<Category> Categories;
  /// Report only findings located in these files (absolute; empty: all).
  std::vector<std::string> OnlyFiles;
};

/// Summarizes the TU in Ctx. MainFile names the TU in messages and is the key
/// under which a stored summary is replaced by a live one.
std::shared_ptr<const TUSummary> summarizeTU(clang::ASTContext &Ctx,
                                             const AnnotationDatabase &DB,
                                             llvm::StringRef MainFile);

/// Summaries on disk (evguard --emit-summaries DIR; clang-tidy SummaryDir).
llvm::Error writeSummary(const TUSummary &S, llvm::StringRef Dir);
llvm::Expected<std::shared_ptr<const TUSummary>>
readSummaryFile(llvm::StringRef Path);
/// Every summary in Dir, skipping the ones whose MainFile is in Skip.
llvm::Expected<std::vector<std::shared_ptr<const TUSummary>>>
readSummaryDir(llvm::StringRef Dir, llvm::ArrayRef<std::string> Skip = {});
llvm::StringRef summaryMainFile(const TUSummary &S);
/// S with its file paths under Root made relative to it (ToRelative), or its
/// relative paths made absolute under Root: summaries made in one place
/// (a build sandbox) and linked in another.
std::shared_ptr<const TUSummary> rebaseSummaryPaths(const TUSummary &S,
                                                    llvm::StringRef Root,
                                                    bool ToRelative);
/// One summary file, written atomically (evguard summarize -o FILE).
llvm::Error writeSummaryFile(const TUSummary &S, llvm::StringRef Path);
/// The version of the summary files this evguard writes and reads.
int summaryFormat();

/// Links the summaries into one program and finds what blocks. The result
/// does not depend on the order of TUs.
AnalysisResult
analyzeProgram(llvm::ArrayRef<std::shared_ptr<const TUSummary>> TUs,
               const AnnotationDatabase &DB, const AnalysisOptions &Opts);

/// What the build system says goes into one executable (CMake's file API,
/// readCMakeTargets): its own sources, always linked, and the sources of the
/// libraries it links, which contribute the TUs it needs.
struct BuildTarget {
  std::string Name;
  std::vector<std::string> Sources;        ///< absolute paths
  std::vector<std::string> LibrarySources; ///< absolute paths
};

/// The executables of the build in BuildDir, from the replies of CMake's
/// file API (BUILD/.cmake/api/v1/reply, written when
/// BUILD/.cmake/api/v1/query/codemodel-v2 exists at configure time). None
/// when there is no reply; an error when a reply is unreadable.
llvm::Expected<std::vector<BuildTarget>>
readCMakeTargets(llvm::StringRef BuildDir);

/// One program of the build: the TUs a linker would put into it.
struct ProgramUnits {
  /// The executable (build target, or the main file's name without its
  /// extension); empty when no TU defines `main` (a library, a single TU
  /// under clang-tidy): then it is every TU, linked together as before.
  std::string Name;
  std::string MainFile; ///< the TU that defines main, if any
  std::vector<std::shared_ptr<const TUSummary>> TUs;
};

/// Splits the TUs into programs the way a linker builds them: from each TU
/// that defines `main` (or each build target's own sources), adding the TUs
/// that define what the program still needs, transitively. TUs that no
/// program needs form one more program of their own, named "(library)".
/// Sorted by name; independent of the order of TUs.
std::vector<ProgramUnits>
splitPrograms(llvm::ArrayRef<std::shared_ptr<const TUSummary>> TUs,
              llvm::ArrayRef<BuildTarget> Targets = {});

/// analyzeProgram for each program; findings name their program (when
/// there is more than one, or it has a name) and come grouped by program.
AnalysisResult analyzePrograms(llvm::ArrayRef<ProgramUnits> Programs,
                               const AnnotationDatabase &DB,
                               const AnalysisOptions &Opts);

struct DriverOptions {
  unsigned Jobs = 0;            ///< 0: all cores
  std::string EmitSummariesDir; ///< also write each TU's summary there
  /// Compiler arguments added to every command, like every Clang tool's
  /// --extra-arg-before (after the compiler) and --extra-arg (at the end).
  std::vector<std::string> ExtraArgsBefore;
  std::vector<std::string> ExtraArgs;
  /// Called after each TU with (done, total, file); from worker threads,
  /// serialized.
  std::function<void(unsigned, unsigned, llvm::StringRef)> Progress;
  /// Only these files of the compilation database (empty: all of them).
  std::vector<std::string> Files;
  /// Reuse and keep summaries in this folder (evguard --cache DIR).
  std::string CacheDir;
  /// evguard's version, and everything else outside a TU that changes its
  /// summary (the database, options): a cache entry made under other
  /// values is not used.
  std::string CacheVersion;
  std::string CacheSalt;
  /// Fill DriverResult::FilesRead (evguard summarize --depfile).
  bool KeepFilesRead = false;
};

/// Parses every TU of the compilation database once, in parallel, and
/// summarizes it. TUs that fail to parse become Notifications (in Failed).
struct DriverResult {
  std::vector<std::shared_ptr<const TUSummary>> Summaries;
  std::vector<Notification> Failures;
  unsigned TranslationUnits = 0;
  /// With a cache: how many TUs were parsed (the rest came from the cache),
  /// and why entries that existed could not be used.
  unsigned Summarized = 0;
  std::vector<Notification> CacheNotes;
  /// With KeepFilesRead: every file each TU's parse read, by TU.
  std::map<std::string, std::vector<std::string>> FilesRead;
};
DriverResult summarizeCompilationDatabase(
    const clang::tooling::CompilationDatabase &CDB,
    const AnnotationDatabase &DB, const DriverOptions &Opts);

} // namespace evguard

#endif
