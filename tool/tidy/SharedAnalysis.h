//===- SharedAnalysis.h - One analysis per TU for all the checks -*- C++ -*-===//
//
// clang-tidy creates every enabled check for each TU and lets each one look
// at the AST. The evguard analysis is one computation whose findings the
// checks split by rule, so the checks of a TU share one TUAnalysis: the first
// check to ask runs it, the others read the result.
//
//===----------------------------------------------------------------------===//
#ifndef EVGUARD_TIDY_SHAREDANALYSIS_H
#define EVGUARD_TIDY_SHAREDANALYSIS_H

#include "Settings.h"
#include "evguard/Analysis.h"
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace clang {
class ASTContext;
namespace tidy {
class ClangTidyContext;
}
} // namespace clang

namespace evguard::tidy {

class TUAnalysis {
public:
  /// The TUAnalysis of the TU whose checks are being created: a check calls
  /// this from its constructor. A new one starts once every check of the
  /// previous TU has left it.
  static std::shared_ptr<TUAnalysis> join();

  /// The analysis of the TU in Ctx under S, computed on the first call for
  /// equal settings. Null when it cannot run (a database file that does not
  /// load, an unreadable SummaryDir); the problem is reported once through
  /// Tidy->configurationDiag.
  const AnalysisResult *resultFor(clang::ASTContext &Ctx, const Settings &S,
                                  clang::tidy::ClangTidyContext *Tidy);

  /// A check is done with this TU.
  void leave();

private:
  void reset(clang::ASTContext *NewCtx);

  clang::ASTContext *Ctx = nullptr;
  /// The live TU's summary per database (Settings::databaseKey).
  std::map<std::string, std::shared_ptr<const TUSummary>> Summaries;
  /// Per Settings::analysisKey; nullopt when it could not run.
  std::map<std::string, std::optional<AnalysisResult>> Results;
  unsigned Members = 0;
  unsigned Left = 0;
};

/// The absolute, dot-free path of the TU's main file, spelled as the
/// analysis spells file names.
std::string mainFilePath(clang::ASTContext &Ctx);

} // namespace evguard::tidy

#endif
