//===- Driver.cpp - Parse every TU once, in parallel ----------------------===//
//
// Each TU is parsed by its own ClangTool on a worker thread, summarized, and
// its AST dropped before the next one: memory stays at one AST per thread.
//
//===----------------------------------------------------------------------===//

#include "Summary.h"
#include "SummaryCache.h"
#include "evguard/Analysis.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/VirtualFileSystem.h"
#include <mutex>

namespace evguard {
namespace {

/// Keeps the first errors of a TU, prints nothing: the CLI reports a TU
/// that failed as one notification, not as a wall of clang output.
class ErrorCollector : public clang::DiagnosticConsumer {
public:
  void HandleDiagnostic(clang::DiagnosticsEngine::Level Level,
                        const clang::Diagnostic &Info) override {
    DiagnosticConsumer::HandleDiagnostic(Level, Info);
    if (Level < clang::DiagnosticsEngine::Error || First.valid())
      return;
    llvm::SmallString<256> Text;
    Info.FormatDiagnostic(Text);
    Message = Text.str().str();
    if (Info.hasSourceManager() && Info.getLocation().isValid()) {
      const clang::SourceManager &SM = Info.getSourceManager();
      clang::PresumedLoc P = SM.getPresumedLoc(SM.getExpansionLoc(Info.getLocation()));
      if (P.isValid())
        First = {P.getFilename(), P.getLine(), P.getColumn()};
    }
  }
  std::string Message;
  SourcePoint First;
};

/// Every file the parse read, absolute: what a cached summary depends on.
std::vector<std::string> filesRead(clang::CompilerInstance &CI) {
  std::vector<std::string> Files;
  const clang::SourceManager &SM = CI.getSourceManager();
  for (auto It = SM.fileinfo_begin(), End = SM.fileinfo_end(); It != End; ++It) {
    llvm::SmallString<256> Path(It->first.getName());
    CI.getFileManager().makeAbsolutePath(Path);
    // Not "..": textually dropping it is wrong across symlinked folders
    // (GCC's include paths are full of them).
    llvm::sys::path::remove_dots(Path, /*remove_dot_dot=*/false);
    Files.push_back(std::string(Path));
  }
  llvm::sort(Files);
  Files.erase(std::unique(Files.begin(), Files.end()), Files.end());
  return Files;
}

/// What one TU's parse produced.
struct Parsed {
  std::shared_ptr<const TUSummary> Summary;
  std::vector<std::string> FilesRead;
};

class SummarizeAction : public clang::ASTFrontendAction {
public:
  SummarizeAction(const AnnotationDatabase &DB, std::string MainFile, Parsed &Out)
      : DB(DB), MainFile(std::move(MainFile)), Out(Out) {}

  std::unique_ptr<clang::ASTConsumer>
  CreateASTConsumer(clang::CompilerInstance &CI, llvm::StringRef) override {
    struct Consumer : clang::ASTConsumer {
      SummarizeAction &A;
      clang::CompilerInstance &CI;
      Consumer(SummarizeAction &A, clang::CompilerInstance &CI) : A(A), CI(CI) {}
      void HandleTranslationUnit(clang::ASTContext &Ctx) override {
        A.Out.Summary = summarizeTU(Ctx, A.DB, A.MainFile);
        A.Out.FilesRead = filesRead(CI);
      }
    };
    return std::make_unique<Consumer>(*this, CI);
  }

private:
  const AnnotationDatabase &DB;
  std::string MainFile;
  Parsed &Out;
};

class SummarizeFactory : public clang::tooling::FrontendActionFactory {
public:
  SummarizeFactory(const AnnotationDatabase &DB, std::string MainFile, Parsed &Out)
      : DB(DB), MainFile(std::move(MainFile)), Out(Out) {}
  std::unique_ptr<clang::FrontendAction> create() override {
    return std::make_unique<SummarizeAction>(DB, MainFile, Out);
  }

private:
  const AnnotationDatabase &DB;
  std::string MainFile;
  Parsed &Out;
};

/// The tool may be installed anywhere; clang's own headers (stddef.h, …)
/// are where the Clang it was built with keeps them.
clang::tooling::ArgumentsAdjuster resourceDirAdjuster() {
  return [](const clang::tooling::CommandLineArguments &Args, llvm::StringRef) {
    for (const std::string &A : Args)
      if (llvm::StringRef(A).starts_with("-resource-dir"))
        return Args;
    clang::tooling::CommandLineArguments Out = Args;
    Out.insert(Out.begin() + (Out.empty() ? 0 : 1),
               "-resource-dir=" EVGUARD_CLANG_RESOURCE_DIR);
    return Out;
  };
}

} // namespace

DriverResult summarizeCompilationDatabase(
    const clang::tooling::CompilationDatabase &CDB,
    const AnnotationDatabase &DB, const DriverOptions &Opts) {
  std::vector<std::string> Files =
      Opts.Files.empty() ? CDB.getAllFiles() : Opts.Files;
  llvm::sort(Files);
  Files.erase(std::unique(Files.begin(), Files.end()), Files.end());

  DriverResult Result;
  Result.TranslationUnits = Files.size();
  std::vector<std::shared_ptr<const TUSummary>> Summaries(Files.size());
  std::vector<std::optional<Notification>> Failures(Files.size());
  std::vector<std::vector<std::string>> FilesRead(Files.size());
  std::vector<std::string> CacheNotes(Files.size());
  std::optional<SummaryCache> Cache;
  if (!Opts.CacheDir.empty())
    Cache.emplace(Opts.CacheDir, Opts.CacheVersion, Opts.CacheSalt);
  std::mutex Lock;
  unsigned Done = 0;

  llvm::ThreadPoolStrategy Strategy = llvm::hardware_concurrency(Opts.Jobs);
  llvm::DefaultThreadPool Pool(Strategy);
  for (size_t I = 0; I < Files.size(); ++I) {
    Pool.async([&, I] {
      const std::string &File = Files[I];
      auto Finish = [&] {
        std::lock_guard<std::mutex> Guard(Lock);
        ++Done;
        if (Opts.Progress)
          Opts.Progress(Done, Files.size(), File);
      };
      std::string CacheKey;
      if (Cache) {
        CacheKey = Cache->keyFor(CDB.getCompileCommands(File));
        if (auto Hit = Cache->lookup(CacheKey, CacheNotes[I])) {
          Summaries[I] = std::move(Hit);
          return Finish();
        }
      }
      // ClangTool aborts the whole process when it cannot enter a command's
      // directory: fail this TU instead.
      for (const clang::tooling::CompileCommand &Cmd : CDB.getCompileCommands(File))
        if (!llvm::sys::fs::is_directory(Cmd.Directory)) {
          Notification N;
          N.Message = "cannot analyze " + llvm::sys::path::filename(File).str() +
                      ": its compile command's directory '" + Cmd.Directory +
                      "' does not exist; regenerate compile_commands.json";
          N.Loc = SourcePoint{File, 0, 0};
          Failures[I] = std::move(N);
          return Finish();
        }
      // Each tool gets a file system with a working directory of its own:
      // the real one would chdir the whole process under the other workers.
      clang::tooling::ClangTool Tool(
          CDB, {File}, std::make_shared<clang::PCHContainerOperations>(),
          llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem>(
              llvm::vfs::createPhysicalFileSystem().release()));
      Tool.appendArgumentsAdjuster(resourceDirAdjuster());
      if (!Opts.ExtraArgsBefore.empty())
        Tool.appendArgumentsAdjuster(clang::tooling::getInsertArgumentAdjuster(
            Opts.ExtraArgsBefore, clang::tooling::ArgumentInsertPosition::BEGIN));
      if (!Opts.ExtraArgs.empty())
        Tool.appendArgumentsAdjuster(clang::tooling::getInsertArgumentAdjuster(
            Opts.ExtraArgs, clang::tooling::ArgumentInsertPosition::END));
      Tool.appendArgumentsAdjuster(clang::tooling::getInsertArgumentAdjuster(
          "-Wno-everything", clang::tooling::ArgumentInsertPosition::END));
      ErrorCollector Errors;
      Tool.setDiagnosticConsumer(&Errors);
      Tool.setPrintErrorMessage(false);
      Parsed Out;
      SummarizeFactory Factory(DB, File, Out);
      int RC = Tool.run(&Factory);
      std::shared_ptr<const TUSummary> Summary = std::move(Out.Summary);
      bool Failed = RC != 0 || Errors.getNumErrors() > 0 || !Summary;
      if (Failed) {
        Notification N;
        N.L = Notification::Level::Error;
        N.Message = "failed to parse " + llvm::sys::path::filename(File).str() +
                    (Errors.Message.empty() ? std::string()
                                            : " (first error: " + Errors.Message + ")") +
                    (Summary ? "; analyzed what parsed" : "; skipped it");
        N.Loc = Errors.First.valid() ? Errors.First : SourcePoint{File, 0, 0};
        Failures[I] = std::move(N);
      }
      if (Summary && !Opts.EmitSummariesDir.empty())
        if (llvm::Error E = writeSummary(*Summary, Opts.EmitSummariesDir)) {
          Notification N;
          N.Message = llvm::toString(std::move(E));
          N.Loc = SourcePoint{File, 0, 0};
          Failures[I] = std::move(N);
        }
      // A TU that failed is not kept: the next run must fail it again.
      if (Summary && !Failed && Cache)
        if (llvm::Error E = Cache->store(CacheKey, Out.FilesRead, *Summary))
          CacheNotes[I] = llvm::toString(std::move(E));
      Summaries[I] = std::move(Summary);
      FilesRead[I] = std::move(Out.FilesRead);
      Finish();
    });
  }
  Pool.wait();
  for (size_t I = 0; I < Files.size(); ++I) {
    if (!CacheNotes[I].empty())
      Result.CacheNotes.push_back(
          {Notification::Level::Note, "cache: " + CacheNotes[I], SourcePoint{Files[I], 0, 0}});
    if (Cache && !FilesRead[I].empty())
      ++Result.Summarized;
    if (Opts.KeepFilesRead && Summaries[I])
      Result.FilesRead[Files[I]] = std::move(FilesRead[I]);
    if (Summaries[I])
      Result.Summaries.push_back(std::move(Summaries[I]));
    if (Failures[I])
      Result.Failures.push_back(std::move(*Failures[I]));
  }
  return Result;
}

} // namespace evguard
