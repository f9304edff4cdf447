//===- Findings.h - What the analysis reports -------------------*- C++ -*-===//
//
// The analysis result, independent of how it is printed (text, JSON, SARIF)
// or where (the CLI, the clang-tidy plugin).
//
//===----------------------------------------------------------------------===//
#ifndef EVGUARD_FINDINGS_H
#define EVGUARD_FINDINGS_H

#include "evguard/Database.h"
#include <optional>
#include <string>
#include <vector>

namespace evguard {

enum class Rule {
  BlockingCall,         ///< evguard-blocking-call
  PageFault,            ///< evguard-page-fault
  NonblockingViolation, ///< evguard-nonblocking-violation
  UnknownCall,          ///< evguard-unknown-call (--strict)
};
llvm::StringRef ruleId(Rule R);
llvm::ArrayRef<Rule> allRules();

/// A place in a source file. File is absolute and normalized; Line and Column
/// are 1-based (Column counts bytes, as clang's diagnostics do).
struct SourcePoint {
  std::string File;
  unsigned Line = 0;
  unsigned Column = 0;
  bool valid() const { return !File.empty() && Line != 0; }
  friend auto operator<=>(const SourcePoint &, const SourcePoint &) = default;
};

/// One call on a chain: inside Caller, at Loc, a call to Callee.
struct ChainStep {
  std::string Caller; ///< qualified name of the function making the call
  std::string Callee; ///< qualified name of the function called
  SourcePoint Loc;
  /// How the call was resolved: "direct", "virtual", "field", "pointer",
  /// "callable" (a callable passed to a function we do not look into).
  std::string Via;
};

/// From one root (a handler, or a function marked nonblocking) to the call
/// site of the finding.
struct Chain {
  std::string Root;    ///< qualified name
  SourcePoint RootLoc; ///< the root's definition
  /// Where the root was registered as a handler (empty for an annotated
  /// EVGUARD_HANDLER or a nonblocking root), and through what.
  std::optional<SourcePoint> RegisteredAt;
  std::string RegisteredVia; ///< e.g. "uv_read_start", "field ngx_event_s::handler"
  std::vector<ChainStep> Steps; ///< the last step is the finding's call
};

struct Suppression {
  enum class Kind { NoLint, AllowBlocking };
  Kind K = Kind::NoLint;
  std::string Justification; ///< the reason given, or the NOLINT comment
  SourcePoint Loc;           ///< the comment, or the allowing function
};

struct Finding {
  Rule TheRule = Rule::BlockingCall;
  SourcePoint Loc;               ///< the call site
  std::string Callee;            ///< the blocking function, qualified
  std::string EnclosingFunction; ///< the function containing the call
  std::optional<Category> Cat;   ///< absent for unknown-call
  std::string Reason;            ///< why the callee blocks/faults
  std::string Message;           ///< one line, ready to print
  /// Every root reaching the call, qualified names, sorted.
  std::vector<std::string> Roots;
  /// Shortest chain per root, for up to the chain limit of them, shortest
  /// first.
  std::vector<Chain> Chains;
  std::optional<Suppression> Suppressed;
  /// The program (executable) whose call graph holds the chains; empty when
  /// the compile database has no `main` (docs/analysis.md).
  std::string Program;
};

/// A problem with the input that is not a finding (a TU that did not parse).
struct Notification {
  enum class Level { Error, Warning, Note };
  Level L = Level::Error;
  std::string Message;
  SourcePoint Loc; ///< may be invalid (then File may still name the TU)
};

/// One program analyzed (see splitPrograms).
struct ProgramSummary {
  std::string Name;
  std::string MainFile;
  unsigned TranslationUnits = 0;
  unsigned Handlers = 0;
};

struct AnalysisResult {
  /// Grouped by program (in Programs' order), then sorted by location,
  /// rule, callee.
  std::vector<Finding> Findings;
  std::vector<ProgramSummary> Programs;
  std::vector<Notification> Notifications;
  unsigned TranslationUnits = 0;
  unsigned FailedTranslationUnits = 0;
  unsigned Functions = 0;
  unsigned Handlers = 0;
};

} // namespace evguard

#endif
