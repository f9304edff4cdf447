//===- Report.h - Printing an AnalysisResult --------------------*- C++ -*-===//
//
// One AnalysisResult, three formats: clang-style text for people and editors,
// JSON for scripts (schema in docs/cli.md), SARIF 2.1.0 for code-scanning
// dashboards (docs/sarif.md). The clang-tidy plugin reuses diagnosticsFor()
// so that both front ends say exactly the same thing.
//
//===----------------------------------------------------------------------===//
#ifndef EVGUARD_REPORT_H
#define EVGUARD_REPORT_H

#include "evguard/Config.h"
#include "evguard/Findings.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace evguard {

/// evguard's version ("0.1.0").
llvm::StringRef toolVersion();

struct ReportOptions {
  /// Paths under this directory print relative to it (the current directory);
  /// others print absolute. Empty: always absolute.
  std::string DisplayDir;
  /// SARIF URIs (%SRCROOT%), JSON "file" and fingerprints are relative to it.
  std::string SourceRoot;
  /// Level per category; a category not listed is a warning.
  std::map<Category, Level> Levels;
  Level UnknownCallLevel = Level::Note;
  /// Text only: also print suppressed and baseline findings (marked).
  bool ShowSuppressed = false;
  /// SARIF automationDetails.id is SarifCategory + "/".
  std::string SarifCategory = "evguard";
  /// SARIF invocations: the command line and working directory.
  std::vector<std::string> Arguments;
  std::string WorkingDirectory;

  Level levelFor(const Finding &F) const;
};

/// One line of clang-style output: the finding itself, or a note.
struct Diagnostic {
  SourcePoint Loc;
  Level L = Level::Warning;
  std::string Message; ///< without the trailing " [rule-id]"
};

/// The finding's diagnostic, then per chain a note for its root and one per
/// step, then a note for the suppression if any. Message locations inside a
/// text (a registration site) are printed like the diagnostics' own paths.
std::vector<Diagnostic> diagnosticsFor(const Finding &F,
                                       const ReportOptions &Opts);

/// The notes for one chain of F: its root, then each step.
std::vector<Diagnostic> chainNotes(const Finding &F, const Chain &C,
                                   const ReportOptions &Opts);

/// The message for a finding whose analysis left Finding::Message empty.
std::string defaultMessage(const Finding &F);

/// Whether a finding was in the baseline given with --baseline.
enum class BaselineState { None, New, Unchanged };
llvm::StringRef baselineStateName(BaselineState S);

/// Identities of a finding that survive unrelated edits (docs/sarif.md).
struct Fingerprints {
  /// "evguard/v1": rule, callee, enclosing function, path, the call's line
  /// text without whitespace, and the occurrence among equal keys.
  std::string Stable;
  /// "primaryLocationLineHash": the line text's hash and occurrence, in the
  /// "HASH:N" form code scanning computes itself.
  std::string LineHash;
};
/// One entry per finding, in order. Reads the findings' source files.
std::vector<Fingerprints> computeFingerprints(llvm::ArrayRef<Finding> Findings,
                                              llvm::StringRef SourceRoot);

struct ReportedFinding {
  const Finding *F = nullptr;
  Level L = Level::Warning;
  Fingerprints Prints;
  BaselineState Baseline = BaselineState::None;
  /// Counts toward exit status 1: not suppressed, not in the baseline, and
  /// not a note.
  bool fails() const;
};

/// The result annotated with everything the printers need beyond it.
struct Report {
  const AnalysisResult *Result = nullptr;
  std::vector<ReportedFinding> Findings;
  std::string BaselineFile; ///< empty: no baseline was given
  unsigned BaselineAbsent = 0; ///< baseline entries no longer found
  unsigned failing() const;
};

/// Levels and fingerprints for every finding of R, which must outlive it.
Report makeReport(const AnalysisResult &R, const ReportOptions &Opts);

enum class Format { Text, Json, Sarif };
std::optional<Format> parseFormat(llvm::StringRef Name);

/// Relative to Dir when File is under it, else File unchanged.
std::string displayPath(llvm::StringRef File, llvm::StringRef Dir);

void writeText(llvm::raw_ostream &OS, const Report &R,
               const ReportOptions &Opts);
/// "error", "warning" or "note", as clang prints them.
llvm::StringRef notificationLevelName(Notification::Level L);
/// "N findings (x blocking-call, ...) in M handlers; K TUs analyzed".
std::string summaryLine(const Report &R);
void writeJson(llvm::raw_ostream &OS, const Report &R,
               const ReportOptions &Opts);
void writeSarif(llvm::raw_ostream &OS, const Report &R,
                const ReportOptions &Opts);
void writeReport(llvm::raw_ostream &OS, Format F, const Report &R,
                 const ReportOptions &Opts);

/// Writes Path through a temporary file in the same directory renamed over
/// it at the end, so readers see the old file or the whole new one; on error
/// nothing is left behind. "-" is standard output.
llvm::Error writeFileAtomically(llvm::StringRef Path,
                                llvm::function_ref<void(llvm::raw_ostream &)> Write);

} // namespace evguard

#endif
