//===- EvguardMain.cpp - The evguard command line -------------------------===//
//
// A thin front end: options and .evguard.json -> database -> per-TU summaries
// -> whole-program analysis -> report. Exit status 0: nothing new to fix;
// 1: findings; 2: the input or the command line is wrong (docs/cli.md).
//
//===----------------------------------------------------------------------===//

#include "evguard/Analysis.h"
#include "evguard/Baseline.h"
#include "evguard/Config.h"
#include "evguard/Database.h"
#include "evguard/Report.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/WithColor.h"
#include <mutex>

using namespace evguard;
namespace cl = llvm::cl;

namespace {

enum ExitCode { ExitClean = 0, ExitFindings = 1, ExitUsage = 2 };

/// `evguard summarize` and `evguard link` split a run into build actions:
/// one per TU (compile command -> summary file) and one for the program
/// (summary files -> report). See docs/cli.md.
enum class Mode { Whole, Summarize, Link };
Mode RunMode = Mode::Whole;

cl::OptionCategory EvguardCategory("evguard options");

cl::opt<std::string> BuildPath(
    "p", cl::desc("Build directory holding compile_commands.json"),
    cl::value_desc("BUILD_DIR"), cl::cat(EvguardCategory));
cl::list<std::string> SourceFiles(
    cl::Positional,
    cl::desc("[FILES...]  report only findings in these files (the whole "
             "program is still analyzed)"),
    cl::cat(EvguardCategory));
cl::list<std::string> OnlyFiles(
    "only",
    cl::desc("Report only findings in FILE (repeatable; what FILES... do in "
             "a whole run, for evguard link)"),
    cl::value_desc("FILE"), cl::cat(EvguardCategory));
cl::list<std::string> DbFiles(
    "db", cl::desc("Add an annotation database file (repeatable; read after "
                   "the default files and the config's)"),
    cl::value_desc("FILE"), cl::cat(EvguardCategory));
cl::opt<bool> NoDefaultDb("no-default-db",
                          cl::desc("Do not read the bundled database files"),
                          cl::cat(EvguardCategory));
cl::opt<bool> PrintDatabase(
    "print-database", cl::desc("Print the merged annotation database and exit"),
    cl::cat(EvguardCategory));
cl::opt<Format> OutputFormat(
    "format", cl::desc("Report format"), cl::init(Format::Text),
    cl::values(clEnumValN(Format::Text, "text", "clang-style diagnostics"),
               clEnumValN(Format::Json, "json", "JSON (docs/cli.md)"),
               clEnumValN(Format::Sarif, "sarif", "SARIF 2.1.0")),
    cl::cat(EvguardCategory));
cl::opt<std::string> OutputFile(
    "o", cl::desc("Write the report to FILE (atomically) instead of stdout"),
    cl::value_desc("FILE"), cl::cat(EvguardCategory));
cl::opt<unsigned> Jobs("j", cl::desc("Parse N translation units in parallel "
                                     "(default: all cores)"),
                       cl::value_desc("N"), cl::init(0), cl::Prefix,
                       cl::cat(EvguardCategory));
cl::opt<bool> Strict("strict",
                     cl::desc("Also report calls to functions evguard knows "
                              "nothing about (evguard-unknown-call)"),
                     cl::cat(EvguardCategory));
cl::opt<bool> KeepGoing(
    "keep-going",
    cl::desc("A translation unit that fails to parse does not make the exit "
             "status 2"),
    cl::cat(EvguardCategory));
cl::opt<std::string> EmitSummaries(
    "emit-summaries", cl::desc("Also write each TU's summary into DIR"),
    cl::value_desc("DIR"), cl::cat(EvguardCategory));
cl::opt<std::string> BaselinePath(
    "baseline",
    cl::desc("Report only findings not in this earlier SARIF report"),
    cl::value_desc("FILE"), cl::cat(EvguardCategory));
cl::opt<std::string> ConfigPath(
    "config", cl::desc("Read this config instead of looking for .evguard.json"),
    cl::value_desc("FILE"), cl::cat(EvguardCategory));
cl::opt<std::string> SourceRootPath(
    "source-root",
    cl::desc("Paths in JSON/SARIF reports are relative to DIR (default: the "
             "git work tree holding the build directory, else the current "
             "directory)"),
    cl::value_desc("DIR"), cl::cat(EvguardCategory));
cl::opt<unsigned> ChainLimit(
    "chain-limit", cl::desc("Show chains from at most N handlers per finding"),
    cl::value_desc("N"), cl::cat(EvguardCategory));
cl::opt<bool> NoPointerFallback(
    "no-pointer-fallback",
    cl::desc("Do not resolve unknown function-pointer calls to every "
             "address-taken function of a compatible type"),
    cl::cat(EvguardCategory));
cl::list<std::string> Categories(
    "categories", cl::desc("Report only these categories"),
    cl::value_desc("a,b,..."), cl::CommaSeparated, cl::cat(EvguardCategory));
cl::opt<bool> ShowSuppressed(
    "show-suppressed",
    cl::desc("Text format: also show suppressed and baseline findings"),
    cl::cat(EvguardCategory));
cl::opt<std::string> CacheDir(
    "cache",
    cl::desc("Keep each TU's summary in DIR and reuse it while the TU's "
             "compile command and the files it read are unchanged"),
    cl::value_desc("DIR"), cl::cat(EvguardCategory));
cl::opt<bool> Verbose("v", cl::desc("Say more: why cached summaries were not reused"),
                      cl::cat(EvguardCategory));
cl::alias VerboseLong("verbose", cl::aliasopt(Verbose), cl::desc("Alias for -v"),
                      cl::cat(EvguardCategory));
cl::opt<std::string> DepFile(
    "depfile",
    cl::desc("evguard summarize: also write a Makefile-style list of the "
             "files the TU read (for Ninja and Make)"),
    cl::value_desc("FILE"), cl::cat(EvguardCategory));
cl::opt<std::string> RelativeTo(
    "relative-to",
    cl::desc("evguard summarize: write the summary's paths under DIR relative "
             "to it (for build sandboxes); evguard link resolves relative "
             "paths against its working directory"),
    cl::value_desc("DIR"), cl::cat(EvguardCategory));
cl::list<std::string> ExtraArgs(
    "extra-arg",
    cl::desc("Additional argument to append to every compile command"),
    cl::value_desc("ARG"), cl::cat(EvguardCategory));
cl::list<std::string> ExtraArgsBefore(
    "extra-arg-before",
    cl::desc("Additional argument to prepend to every compile command"),
    cl::value_desc("ARG"), cl::cat(EvguardCategory));
cl::opt<std::string> ProgramName(
    "program",
    cl::desc("Analyze only this program: a build target's name, the name of "
             "its main file without extension, or that file (default: every "
             "program, one section each)"),
    cl::value_desc("NAME|FILE"), cl::cat(EvguardCategory));
cl::opt<bool> ExitZero(
    "exit-zero",
    cl::desc("Exit 0 even when there are findings (2 still means an error)"),
    cl::cat(EvguardCategory));

/// Prints "evguard: error: ..." and gives the usage exit status.
int fail(const llvm::Twine &Message) {
  llvm::WithColor::error(llvm::errs(), "evguard") << Message << "\n";
  return ExitUsage;
}

/// Errors that already carry their "FILE:LINE:COL: error:" prefix.
int failWith(llvm::Error E) {
  llvm::errs() << llvm::toString(std::move(E)) << "\n";
  return ExitUsage;
}

std::string absolute(llvm::StringRef Path) {
  llvm::SmallString<256> Abs(Path);
  llvm::sys::fs::make_absolute(Abs);
  llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  return std::string(Abs);
}

std::string currentDir() {
  llvm::SmallString<256> Dir;
  llvm::sys::fs::current_path(Dir);
  return std::string(Dir);
}

/// The git work tree holding Dir (a directory with a .git entry), if any.
std::optional<std::string> gitTopLevel(llvm::StringRef Dir) {
  std::string Cur = absolute(Dir);
  while (!Cur.empty()) {
    if (llvm::sys::fs::exists(Cur + "/.git"))
      return Cur;
    llvm::StringRef Parent = llvm::sys::path::parent_path(Cur);
    if (Parent.size() >= Cur.size())
      break;
    Cur = Parent.str();
  }
  return std::nullopt;
}

/// --config, else the first .evguard.json above the current directory, else
/// above the first source file. See docs/cli.md.
llvm::Expected<Config>
findConfig(llvm::ArrayRef<std::string> SourceHints) {
  if (!ConfigPath.empty())
    return loadConfig(ConfigPath);
  std::optional<std::string> Found = findConfigFile(currentDir());
  for (const std::string &Source : SourceHints) {
    if (Found)
      break;
    Found = findConfigFile(llvm::sys::path::parent_path(absolute(Source)));
  }
  if (!Found)
    return Config();
  return loadConfig(*Found);
}

llvm::Expected<AnnotationDatabase> loadDatabase(const Config &C) {
  AnnotationDatabase DB;
  std::vector<std::string> Files;
  if (!NoDefaultDb && C.DefaultDatabase.value_or(true)) {
    auto Defaults = defaultDatabaseFiles();
    if (!Defaults)
      return Defaults.takeError();
    Files = std::move(*Defaults);
  }
  llvm::append_range(Files, C.DatabaseFiles);
  llvm::append_range(Files, DbFiles);
  for (const std::string &File : Files)
    if (llvm::Error E = DB.addFile(File))
      return std::move(E);
  return std::move(DB);
}

llvm::Expected<std::vector<Category>> parseCategories() {
  std::vector<Category> Out;
  for (const std::string &Name : Categories) {
    std::optional<Category> C = parseCategory(Name);
    if (!C) {
      std::string All;
      for (Category Each : allCategories())
        All += (All.empty() ? "" : ", ") + categoryName(Each).str();
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "unknown category '" + Name +
                                         "' in --categories; use " + All);
    }
    Out.push_back(*C);
  }
  return Out;
}

/// Command-line flags override the config file.
llvm::Expected<AnalysisOptions> analysisOptions(const Config &C) {
  AnalysisOptions Opts;
  if (C.ChainLimit)
    Opts.ChainLimit = *C.ChainLimit;
  if (ChainLimit.getNumOccurrences())
    Opts.ChainLimit = ChainLimit;
  Opts.PointerFallback =
      NoPointerFallback ? false : C.PointerFallback.value_or(true);
  Opts.Strict = Strict.getNumOccurrences() ? Strict.getValue()
                                           : C.Strict.value_or(false);
  if (C.Categories)
    Opts.Categories = *C.Categories;
  if (!Categories.empty()) {
    auto Cats = parseCategories();
    if (!Cats)
      return Cats.takeError();
    Opts.Categories = std::move(*Cats);
  }
  std::vector<std::string> Only(SourceFiles.begin(), SourceFiles.end());
  llvm::append_range(Only, OnlyFiles);
  for (const std::string &File : Only) {
    std::string Abs = absolute(File);
    if (!llvm::sys::fs::exists(Abs))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "no such file: '" + File + "'");
    Opts.OnlyFiles.push_back(std::move(Abs));
  }
  return Opts;
}

/// Compile flags given after `--` (as every Clang tool takes them).
std::unique_ptr<clang::tooling::CompilationDatabase> FixedCDB;

llvm::Expected<std::unique_ptr<clang::tooling::CompilationDatabase>>
loadCompilationDatabase() {
  if (FixedCDB && BuildPath.empty())
    return std::move(FixedCDB);
  if (BuildPath.empty())
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "no build directory; pass -p BUILD_DIR, the directory holding "
        "compile_commands.json (CMake writes it with "
        "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON)");
  llvm::SmallString<256> File(BuildPath);
  llvm::sys::path::append(File, "compile_commands.json");
  if (!llvm::sys::fs::exists(File))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "'" + File + "' does not exist; configure the build with "
                     "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON (CMake) or generate "
                     "it with bear, then pass its directory to -p");
  std::string Message;
  auto CDB = clang::tooling::JSONCompilationDatabase::loadFromFile(
      File, Message, clang::tooling::JSONCommandLineSyntax::AutoDetect);
  if (!CDB)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot read '" + File + "': " + Message);
  if (CDB->getAllFiles().empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "'" + File + "' lists no source files");
  return std::unique_ptr<clang::tooling::CompilationDatabase>(std::move(CDB));
}

/// What besides a TU's own inputs changes its summary: the merged database.
/// (Options that change parsing, like extra compiler arguments, belong here
/// too.)
std::string cacheSalt(const AnnotationDatabase &DB) {
  llvm::BLAKE3 Hash;
  Hash.update(DB.toJson());
  auto Digest = Hash.final<16>();
  return "db " + llvm::toHex(llvm::ArrayRef<uint8_t>(Digest), true);
}

/// "\r[12/150] file.c" on a terminal, so a long run shows it is alive.
DriverOptions driverOptions(const AnnotationDatabase &DB) {
  DriverOptions Opts;
  Opts.Jobs = Jobs;
  Opts.EmitSummariesDir = EmitSummaries;
  if (!CacheDir.empty()) {
    Opts.CacheDir = absolute(CacheDir);
    Opts.CacheVersion = (toolVersion() + " summary format " +
                         llvm::Twine(summaryFormat())).str();
    Opts.CacheSalt = cacheSalt(DB);
  }
  Opts.ExtraArgs.assign(ExtraArgs.begin(), ExtraArgs.end());
  Opts.ExtraArgsBefore.assign(ExtraArgsBefore.begin(), ExtraArgsBefore.end());
  // The cache keys on the database's commands: what is added to them must
  // change the key too.
  if (!Opts.CacheDir.empty())
    for (const std::string &A : ExtraArgsBefore)
      Opts.CacheSalt += "\n--extra-arg-before=" + A;
  if (!Opts.CacheDir.empty())
    for (const std::string &A : ExtraArgs)
      Opts.CacheSalt += "\n--extra-arg=" + A;
  if (!llvm::sys::Process::StandardErrIsDisplayed())
    return Opts;
  Opts.Progress = [](unsigned Done, unsigned Total, llvm::StringRef File) {
    llvm::errs() << "\r\x1b[K[" << Done << "/" << Total << "] "
                 << llvm::sys::path::filename(File);
    if (Done == Total)
      llvm::errs() << "\r\x1b[K";
    llvm::errs().flush();
  };
  return Opts;
}

/// Drops findings in files the config excludes (globs on paths relative to
/// the source root).
void applyExcludes(AnalysisResult &R, const Config &C,
                   llvm::StringRef SourceRoot) {
  if (C.Excludes.empty())
    return;
  llvm::erase_if(R.Findings, [&](const Finding &F) {
    return C.isExcluded(displayPath(F.Loc.File, SourceRoot));
  });
}

ReportOptions reportOptions(const Config &C, std::string SourceRoot,
                            int Argc, const char **Argv) {
  ReportOptions Opts;
  Opts.WorkingDirectory = currentDir();
  Opts.DisplayDir = Opts.WorkingDirectory;
  Opts.SourceRoot = std::move(SourceRoot);
  Opts.Levels = C.Levels;
  if (C.UnknownCallLevel)
    Opts.UnknownCallLevel = *C.UnknownCallLevel;
  Opts.ShowSuppressed = ShowSuppressed;
  if (C.SarifCategory)
    Opts.SarifCategory = *C.SarifCategory;
  Opts.Arguments.assign(Argv, Argv + Argc);
  return Opts;
}

/// The programs of the build (docs/analysis.md, "One program at a time"),
/// narrowed to --program's.
llvm::Expected<std::vector<ProgramUnits>>
selectPrograms(llvm::ArrayRef<std::shared_ptr<const TUSummary>> Summaries,
               llvm::ArrayRef<BuildTarget> Targets) {
  std::vector<ProgramUnits> All = splitPrograms(Summaries, Targets);
  if (ProgramName.empty())
    return All;
  std::string File = absolute(ProgramName);
  std::vector<ProgramUnits> Picked;
  std::string Known;
  for (ProgramUnits &P : All) {
    if (P.Name.empty())
      continue;
    Known += (Known.empty() ? "" : ", ") + P.Name;
    if (P.Name == ProgramName || (!P.MainFile.empty() && P.MainFile == File))
      Picked.push_back(std::move(P));
  }
  if (!Picked.empty())
    return Picked;
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      "--program '" + ProgramName + "' matches no program; " +
          (Known.empty() ? std::string("no translation unit defines main")
                         : "the programs are " + Known));
}

std::string sourceRoot(const Config &C) {
  if (!SourceRootPath.empty())
    return absolute(SourceRootPath);
  if (C.SourceRoot)
    return *C.SourceRoot;
  if (auto Top = gitTopLevel(BuildPath.empty() ? "." : BuildPath.getValue()))
    return *Top;
  return currentDir();
}

/// The one TU a summarize action is for, named as the compilation database
/// names it (so its summary is the one a whole run would make).
llvm::Expected<std::string>
summarizeTarget(const clang::tooling::CompilationDatabase &CDB) {
  if (SourceFiles.size() != 1)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "evguard summarize takes exactly one source file, not " +
            llvm::Twine(SourceFiles.size()));
  if (OutputFile.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "evguard summarize needs -o FILE, the summary to write");
  std::string Wanted = absolute(SourceFiles.front());
  for (const std::string &File : CDB.getAllFiles())
    if (absolute(File) == Wanted)
      return File;
  if (!CDB.getCompileCommands(Wanted).empty())
    return Wanted; // flags given after `--`
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "'" + SourceFiles.front() +
                                     "' is not in the compilation database; give "
                                     "its flags after `--` or pass -p BUILD_DIR");
}

/// "FILE:LINE:COL: error: message", as clang prints it.
std::string formatNotification(const Notification &N) {
  std::string Out = N.Loc.File.empty() ? std::string("evguard") : N.Loc.File;
  if (N.Loc.Line)
    Out += ":" + std::to_string(N.Loc.Line) + ":" + std::to_string(N.Loc.Column);
  return Out + ": " + notificationLevelName(N.L).str() + ": " + N.Message;
}

/// Make's syntax: `target: dep dep ...`, spaces escaped.
std::string depFileText(llvm::StringRef Target, llvm::ArrayRef<std::string> Deps) {
  auto Escape = [](llvm::StringRef Path) {
    std::string Out;
    for (char C : Path) {
      if (C == ' ' || C == '#')
        Out += '\\';
      if (C == '$')
        Out += '$';
      Out += C;
    }
    return Out;
  };
  std::string Text = Escape(Target) + ":";
  for (const std::string &Dep : Deps)
    Text += " \\\n  " + Escape(Dep);
  return Text + "\n";
}

int runSummarize(const clang::tooling::CompilationDatabase &CDB,
                 const AnnotationDatabase &DB) {
  auto Target = summarizeTarget(CDB);
  if (!Target)
    return fail(llvm::toString(Target.takeError()));
  DriverOptions Opts = driverOptions(DB);
  Opts.Files = {*Target};
  Opts.KeepFilesRead = !DepFile.empty();
  Opts.Progress = nullptr;
  DriverResult Driven = summarizeCompilationDatabase(CDB, DB, Opts);
  for (const Notification &N : Driven.Failures)
    llvm::errs() << formatNotification(N) << "\n";
  if (!Driven.Failures.empty() || Driven.Summaries.size() != 1)
    return ExitUsage;
  std::shared_ptr<const TUSummary> Summary = Driven.Summaries.front();
  if (!RelativeTo.empty())
    Summary = rebaseSummaryPaths(*Summary, absolute(RelativeTo), /*ToRelative=*/true);
  if (llvm::Error E = writeSummaryFile(*Summary, OutputFile))
    return fail(llvm::toString(std::move(E)));
  if (!DepFile.empty()) {
    std::string Text = depFileText(OutputFile, Driven.FilesRead[*Target]);
    if (llvm::Error E = writeFileAtomically(DepFile, [&](llvm::raw_ostream &OS) { OS << Text; }))
      return fail(llvm::toString(std::move(E)));
  }
  return ExitClean;
}

/// `evguard link` inputs: summary files and folders of them.
llvm::Expected<std::vector<std::shared_ptr<const TUSummary>>> readLinkInputs() {
  if (SourceFiles.empty())
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "evguard link needs summary files or folders (written by evguard "
        "summarize or --emit-summaries)");
  std::vector<std::shared_ptr<const TUSummary>> All;
  for (const std::string &Input : SourceFiles) {
    if (llvm::sys::fs::is_directory(Input)) {
      auto Dir = readSummaryDir(Input);
      if (!Dir)
        return Dir.takeError();
      llvm::append_range(All, *Dir);
      continue;
    }
    auto One = readSummaryFile(Input);
    if (!One)
      return One.takeError();
    All.push_back(std::move(*One));
  }
  std::string Here = currentDir();
  for (std::shared_ptr<const TUSummary> &S : All)
    S = rebaseSummaryPaths(*S, Here, /*ToRelative=*/false);
  // The same TU given twice (a file and the folder holding it) counts once,
  // and the order of inputs does not matter.
  llvm::sort(All, [](const auto &A, const auto &B) {
    return summaryMainFile(*A) < summaryMainFile(*B);
  });
  All.erase(std::unique(All.begin(), All.end(),
                        [](const auto &A, const auto &B) {
                          return summaryMainFile(*A) == summaryMainFile(*B);
                        }),
            All.end());
  return All;
}

int run(int Argc, const char **Argv) {
  cl::HideUnrelatedOptions(EvguardCategory);
  cl::SetVersionPrinter([](llvm::raw_ostream &OS) {
    OS << "evguard " << toolVersion() << " (LLVM/Clang " << LLVM_VERSION_STRING
       << ")\n";
  });
  std::vector<const char *> Args(Argv, Argv + Argc);
  if (Args.size() > 1 && llvm::StringRef(Args[1]) == "summarize")
    RunMode = Mode::Summarize;
  else if (Args.size() > 1 && llvm::StringRef(Args[1]) == "link")
    RunMode = Mode::Link;
  if (RunMode != Mode::Whole)
    Args.erase(Args.begin() + 1);
  int ArgCount = Args.size();
  std::string FixedError;
  FixedCDB = clang::tooling::FixedCompilationDatabase::loadFromCommandLine(
      ArgCount, Args.data(), FixedError);
  if (!FixedError.empty()) {
    llvm::StringRef Message = llvm::StringRef(FixedError).trim();
    Message.consume_front("error: ");
    return fail(Message);
  }
  if (!cl::ParseCommandLineOptions(
          ArgCount, Args.data(),
          "evguard: finds code that can stall an event loop\n\n"
          "  evguard -p BUILD_DIR [FILES...]\n"
          "  evguard summarize (-p BUILD_DIR | -- FLAGS...) FILE -o SUMMARY [--depfile D]\n"
          "  evguard link SUMMARY_FILES_OR_DIRS... [report options]\n\n"
          "Exit status: 0 no findings, 1 findings, 2 usage or input errors.\n",
          &llvm::errs()))
    return ExitUsage;

  if (!SourceRootPath.empty() && !llvm::sys::fs::is_directory(SourceRootPath))
    return fail("--source-root '" + SourceRootPath + "' is not a directory");
  if (!BuildPath.empty() && !llvm::sys::fs::is_directory(BuildPath))
    return fail("build directory '" + BuildPath + "' does not exist");

  // The config may name database files, so it comes first; the compilation
  // database is only needed for a real run.
  std::unique_ptr<clang::tooling::CompilationDatabase> CDB;
  std::vector<std::shared_ptr<const TUSummary>> Linked;
  std::vector<std::string> SourceHints;
  if (RunMode != Mode::Link)
    SourceHints.assign(SourceFiles.begin(), SourceFiles.end());
  if (RunMode == Mode::Link && !PrintDatabase) {
    auto Read = readLinkInputs();
    if (!Read)
      return failWith(Read.takeError());
    Linked = std::move(*Read);
    if (!Linked.empty())
      SourceHints.push_back(summaryMainFile(*Linked.front()).str());
  } else if (!PrintDatabase) {
    auto Loaded = loadCompilationDatabase();
    if (!Loaded)
      return fail(llvm::toString(Loaded.takeError()));
    CDB = std::move(*Loaded);
    std::vector<std::string> All = CDB->getAllFiles();
    llvm::sort(All);
    if (!All.empty())
      SourceHints.push_back(All.front());
  }
  auto Conf = findConfig(SourceHints);
  if (!Conf)
    return failWith(Conf.takeError());
  auto DB = loadDatabase(*Conf);
  if (!DB)
    return failWith(DB.takeError());
  if (PrintDatabase) {
    llvm::outs() << DB->toJson() << "\n";
    return ExitClean;
  }
  if (RunMode == Mode::Summarize)
    return runSummarize(*CDB, *DB);
  if (RunMode == Mode::Link)
    SourceFiles.clear(); // they named summaries, not files to report on
  auto AOpts = analysisOptions(*Conf);
  if (!AOpts)
    return fail(llvm::toString(AOpts.takeError()));
  std::optional<Baseline> Base;
  if (!BaselinePath.empty()) {
    auto Loaded = Baseline::load(BaselinePath);
    if (!Loaded)
      return failWith(Loaded.takeError());
    Base = std::move(*Loaded);
  }

  // Link information from the build, when it has some (docs/analysis.md).
  std::vector<BuildTarget> Targets;
  if (!BuildPath.empty()) {
    auto Read = readCMakeTargets(BuildPath);
    if (!Read)
      return failWith(Read.takeError());
    Targets = std::move(*Read);
  }

  DriverResult Driven;
  if (RunMode == Mode::Link) {
    Driven.Summaries = std::move(Linked);
    Driven.TranslationUnits = Driven.Summaries.size();
  } else {
    Driven = summarizeCompilationDatabase(*CDB, *DB, driverOptions(*DB));
  }
  if (!CacheDir.empty() && Verbose) {
    for (const Notification &N : Driven.CacheNotes)
      llvm::errs() << formatNotification(N) << "\n";
    llvm::errs() << "evguard: cache: " << Driven.Summarized << " of "
                 << Driven.TranslationUnits << " TUs parsed, "
                 << Driven.TranslationUnits - Driven.Summarized -
                        Driven.Failures.size()
                 << " summaries reused from " << CacheDir << "\n";
  }
  auto Programs = selectPrograms(Driven.Summaries, Targets);
  if (!Programs)
    return fail(llvm::toString(Programs.takeError()));
  AnalysisResult Result = analyzePrograms(*Programs, *DB, *AOpts);
  Result.TranslationUnits = Driven.TranslationUnits;
  Result.FailedTranslationUnits = Driven.Failures.size();
  llvm::append_range(Result.Notifications, Driven.Failures);

  std::string Root = sourceRoot(*Conf);
  applyExcludes(Result, *Conf, Root);
  ReportOptions ROpts = reportOptions(*Conf, Root, Argc, Argv);
  Report Rep = makeReport(Result, ROpts);
  if (Base)
    applyBaseline(Rep, *Base);

  if (OutputFile.empty()) {
    writeReport(llvm::outs(), OutputFormat, Rep, ROpts);
    llvm::outs().flush();
    // Exit 1 would read as "findings": a lost report is an error.
    if (std::error_code EC = llvm::outs().error()) {
      llvm::outs().clear_error();
      return fail("cannot write the report to standard output: " + EC.message());
    }
  } else if (llvm::Error E = writeFileAtomically(
                 OutputFile, [&](llvm::raw_ostream &OS) {
                   writeReport(OS, OutputFormat, Rep, ROpts);
                 })) {
    return fail(llvm::toString(std::move(E)));
  }
  // CI logs show the outcome even when the report went to a file.
  if (OutputFormat != Format::Text || !OutputFile.empty())
    llvm::errs() << "evguard: " << summaryLine(Rep) << "\n";

  bool KeepGoingOn = KeepGoing.getNumOccurrences()
                         ? KeepGoing.getValue()
                         : Conf->KeepGoing.value_or(false);
  if (Result.FailedTranslationUnits && !KeepGoingOn)
    return ExitUsage;
  if (Rep.failing() && !ExitZero)
    return ExitFindings;
  return ExitClean;
}

} // namespace

int main(int Argc, const char **Argv) {
  llvm::InitLLVM X(Argc, Argv);
  return run(Argc, Argv);
}
