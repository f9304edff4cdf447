//===- SharedAnalysis.cpp - One analysis per TU for all the checks --------===//

#include "SharedAnalysis.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdlib>

namespace evguard::tidy {

namespace {

/// A load that may have failed; kept either way, so that a clang-tidy run
/// over many files reads each database and summary directory once.
template <typename T> struct Loaded {
  T Value;
  std::string Error;
};

// clang-tidy runs one TU after the other on one thread; these caches live
// for the process (one clang-tidy invocation).
llvm::StringMap<Loaded<std::shared_ptr<const AnnotationDatabase>>> Databases;
llvm::StringMap<Loaded<std::vector<std::shared_ptr<const TUSummary>>>>
    SummaryDirs;
std::weak_ptr<TUAnalysis> Current;
/// Joined by the checks of a TU whose analysis every member has left.
bool CurrentClosed = false;

const Loaded<std::shared_ptr<const AnnotationDatabase>> &
database(const Settings &S) {
  auto [It, Inserted] = Databases.try_emplace(S.databaseKey());
  if (!Inserted)
    return It->second;
  auto DB = std::make_shared<AnnotationDatabase>();
  auto Defaults = defaultDatabaseFiles();
  if (!Defaults) {
    It->second.Error = llvm::toString(Defaults.takeError());
    return It->second;
  }
  std::vector<std::string> Files = std::move(*Defaults);
  llvm::append_range(Files, S.AnnotationFiles);
  for (const std::string &File : Files) {
    if (!llvm::sys::fs::exists(File)) {
      It->second.Error = "annotation database file '" + File +
                         "' does not exist (option AnnotationFiles; relative "
                         "paths are relative to the .clang-tidy naming them)";
      return It->second;
    }
    if (llvm::Error E = DB->addFile(File)) {
      It->second.Error = llvm::toString(std::move(E));
      return It->second;
    }
  }
  It->second.Value = std::move(DB);
  return It->second;
}

const Loaded<std::vector<std::shared_ptr<const TUSummary>>> &
summaryDir(llvm::StringRef Dir) {
  auto [It, Inserted] = SummaryDirs.try_emplace(Dir);
  if (!Inserted)
    return It->second;
  if (!llvm::sys::fs::is_directory(Dir)) {
    It->second.Error = "SummaryDir '" + Dir.str() +
                       "' is not a directory; write the summaries first with "
                       "'evguard -p BUILD --emit-summaries " +
                       Dir.str() + "'";
    return It->second;
  }
  auto Read = readSummaryDir(Dir);
  if (!Read)
    It->second.Error = llvm::toString(Read.takeError());
  else
    It->second.Value = std::move(*Read);
  return It->second;
}

/// Paths as the summaries spell them may differ from ours by symlinks.
bool samePath(llvm::StringRef A, llvm::StringRef B) {
  if (A == B)
    return true;
  llvm::SmallString<256> RealA, RealB;
  return !llvm::sys::fs::real_path(A, RealA) &&
         !llvm::sys::fs::real_path(B, RealB) && RealA == RealB;
}

void reportOnce(clang::tidy::ClangTidyContext *Tidy, llvm::StringRef Message) {
  // A broken database would otherwise be reported by every check and TU.
  static llvm::StringSet<> Reported;
  if (!Reported.insert(Message).second)
    return;
  Tidy->configurationDiag("evguard: %0", clang::DiagnosticIDs::Error)
      << Message;
}

} // namespace

std::string mainFilePath(clang::ASTContext &Ctx) {
  const clang::SourceManager &SM = Ctx.getSourceManager();
  clang::OptionalFileEntryRef Main = SM.getFileEntryRefForID(SM.getMainFileID());
  if (!Main)
    return "";
  llvm::SmallString<256> Path(Main->getName());
  SM.getFileManager().makeAbsolutePath(Path);
  llvm::sys::path::remove_dots(Path, /*remove_dot_dot=*/true);
  return Path.str().str();
}

std::shared_ptr<TUAnalysis> TUAnalysis::join() {
  std::shared_ptr<TUAnalysis> Shared = Current.lock();
  if (!Shared || CurrentClosed) {
    Shared = std::make_shared<TUAnalysis>();
    Current = Shared;
    CurrentClosed = false;
  }
  ++Shared->Members;
  return Shared;
}

void TUAnalysis::leave() {
  if (++Left < Members)
    return;
  // Every check of this TU is done: the next check constructed belongs to
  // another TU, even if this object is still alive.
  if (Current.lock().get() == this)
    CurrentClosed = true;
}

void TUAnalysis::reset(clang::ASTContext *NewCtx) {
  Ctx = NewCtx;
  Summaries.clear();
  Results.clear();
}

const AnalysisResult *
TUAnalysis::resultFor(clang::ASTContext &AST, const Settings &S,
                      clang::tidy::ClangTidyContext *Tidy) {
  if (Ctx != &AST)
    reset(&AST);
  auto [Slot, Inserted] = Results.try_emplace(S.analysisKey());
  if (!Inserted)
    return Slot->second ? &*Slot->second : nullptr;

  const auto &DB = database(S);
  if (!DB.Value) {
    reportOnce(Tidy, DB.Error);
    return nullptr;
  }
  std::string MainFile = mainFilePath(AST);
  std::shared_ptr<const TUSummary> &Live = Summaries[S.databaseKey()];
  if (!Live)
    Live = summarizeTU(AST, *DB.Value, MainFile);

  std::vector<std::shared_ptr<const TUSummary>> TUs{Live};
  if (!S.SummaryDir.empty()) {
    const auto &Stored = summaryDir(S.SummaryDir);
    if (!Stored.Error.empty()) {
      reportOnce(Tidy, Stored.Error);
      return nullptr;
    }
    // The live AST wins over what was stored for this file.
    for (const auto &TU : Stored.Value)
      if (!samePath(summaryMainFile(*TU), MainFile))
        TUs.push_back(TU);
  }
  // One program at a time, as the evguard CLI does (docs/analysis.md).
  Slot->second = analyzePrograms(splitPrograms(TUs), *DB.Value, S.Analysis);
  // Lets the tests see that the checks of a TU shared one analysis.
  if (std::getenv("EVGUARD_TIDY_TRACE"))
    llvm::errs() << "evguard-tidy: analyzed " << MainFile << " ("
                 << TUs.size() << " TUs linked, "
                 << Slot->second->Findings.size() << " findings)\n";
  return &*Slot->second;
}

} // namespace evguard::tidy
