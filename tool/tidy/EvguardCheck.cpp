//===- EvguardCheck.cpp - The evguard clang-tidy checks -------------------===//

#include "EvguardCheck.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/YAMLParser.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace evguard::tidy {

namespace {

/// Where P is in this TU, or invalid when its file is not part of the TU
/// (then another TU reports it).
SourceLocation locationInTU(const SourcePoint &P, SourceManager &SM) {
  if (!P.valid())
    return {};
  OptionalFileEntryRef File = SM.getFileManager().getOptionalFileRef(P.File);
  if (!File)
    return {};
  return SM.translateFileLineCol(&File->getFileEntry(), P.Line,
                                 std::max(P.Column, 1u));
}

/// Notes may point into other TUs (a chain through SummaryDir); their files
/// are loaded so that the note still shows where the step is.
SourceLocation noteLocation(const SourcePoint &P, SourceManager &SM) {
  SourceLocation Loc = locationInTU(P, SM);
  if (Loc.isValid() || !P.valid())
    return Loc;
  OptionalFileEntryRef File = SM.getFileManager().getOptionalFileRef(P.File);
  if (!File)
    return {};
  FileID FID = SM.getOrCreateFileID(*File, SrcMgr::C_User);
  return SM.translateLineCol(FID, P.Line, std::max(P.Column, 1u));
}

std::string workingDir() {
  llvm::SmallString<256> Dir;
  llvm::sys::fs::current_path(Dir);
  return Dir.str().str();
}

} // namespace

EvguardCheck::EvguardCheck(StringRef Name, clang::tidy::ClangTidyContext *Context,
                           Rule TheRule)
    : ClangTidyCheck(Name, Context), TheRule(TheRule), Tidy(Context),
      Written(readWrittenOptions(OptionReader(Name, Context))),
      TheSettings(resolveSettings(Written, unknownCallsWanted(Context),
                                  Context)),
      Shared(TUAnalysis::join()) {
  // Paths inside messages ("registered at FILE:LINE") print as the CLI
  // prints them when run from the same directory.
  Report.DisplayDir = workingDir();
  if (TheRule == Rule::UnknownCall &&
      !llvm::yaml::parseBool(Written.Strict.Value))
    configurationDiag("invalid configuration value '%0' for option '%1': "
                      "expected true or false",
                      DiagnosticIDs::Error)
        << Written.Strict.Value << Written.Strict.Key;
}

void EvguardCheck::registerMatchers(MatchFinder *Finder) {
  // The analysis looks at the whole TU at once.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void EvguardCheck::check(const MatchFinder::MatchResult &Result) {
  const AnalysisResult *R =
      Shared->resultFor(*Result.Context, TheSettings, Tidy);
  if (!R)
    return;
  for (const Finding &F : R->Findings) {
    if (F.TheRule != TheRule)
      continue;
    // EVGUARD_ALLOW_BLOCKING is evguard's own decision; NOLINT is left to
    // clang-tidy, so that its counts, --quiet and NOLINTBEGIN behave as for
    // every check.
    if (F.Suppressed && F.Suppressed->K == Suppression::Kind::AllowBlocking)
      continue;
    emit(F, *Result.SourceManager);
  }
}

void EvguardCheck::emit(const Finding &F, SourceManager &SM) {
  SourceLocation Loc = locationInTU(F.Loc, SM);
  if (Loc.isInvalid())
    return;
  std::vector<Diagnostic> Diags;
  if (F.Suppressed) {
    Finding Unsuppressed = F;
    Unsuppressed.Suppressed.reset();
    Diags = diagnosticsFor(Unsuppressed, Report);
  } else {
    Diags = diagnosticsFor(F, Report);
  }
  // "%0": messages are text, not format strings.
  diag(Loc, "%0") << Diags.front().Message;
  for (const Diagnostic &D : llvm::drop_begin(Diags))
    diag(noteLocation(D.Loc, SM), "%0", DiagnosticIDs::Note) << D.Message;
}

void EvguardCheck::onEndOfTranslationUnit() { Shared->leave(); }

void EvguardCheck::storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "AnnotationFiles", Written.AnnotationFiles.Value);
  Options.store(Opts, "Categories", Written.Categories.Value);
  Options.store(Opts, "SummaryDir", Written.SummaryDir.Value);
  Options.store(Opts, "ChainLimit", Written.ChainLimit.Value);
  Options.store(Opts, "PointerFallback", Written.PointerFallback.Value);
  if (TheRule == Rule::UnknownCall)
    Options.store(Opts, "Strict", Written.Strict.Value);
}

} // namespace evguard::tidy
