//===- Settings.cpp - The evguard checks' CheckOptions --------------------===//

#include "Settings.h"
#include "clang-tidy/ClangTidyOptions.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/YAMLParser.h"
#include <algorithm>

using namespace clang::tidy;

namespace evguard::tidy {

OptionReader::OptionReader(llvm::StringRef CheckName, ClangTidyContext *Ctx)
    : CheckName(CheckName.str()), Ctx(Ctx) {}

RawOption OptionReader::get(llvm::StringRef Name,
                            llvm::StringRef Default) const {
  const ClangTidyOptions::OptionMap &Map = Ctx->getOptions().CheckOptions;
  for (llvm::StringRef Prefix : {llvm::StringRef(CheckName),
                                 llvm::StringRef(SharedOptionPrefix)}) {
    std::string Key = (Prefix + "." + Name).str();
    auto It = Map.find(Key);
    if (It != Map.end())
      return {It->second.Value, Key};
  }
  return {Default.str(), ""};
}

std::vector<std::string> splitList(llvm::StringRef Text) {
  std::string Uniform = Text.str();
  std::replace(Uniform.begin(), Uniform.end(), ',', ';');
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  llvm::StringRef(Uniform).split(Parts, ';', -1, /*KeepEmpty=*/false);
  std::vector<std::string> Out;
  for (llvm::StringRef Part : Parts)
    if (!Part.trim().empty())
      Out.push_back(Part.trim().str());
  return Out;
}

std::string Settings::databaseKey() const {
  std::string Key;
  for (const std::string &File : AnnotationFiles)
    Key += File + '\n';
  return Key;
}

std::string Settings::analysisKey() const {
  std::string Key = databaseKey() + "\x01" + SummaryDir + "\x01" +
                    std::to_string(Analysis.ChainLimit) +
                    (Analysis.Strict ? "s" : "-") +
                    (Analysis.PointerFallback ? "p" : "-");
  for (Category C : Analysis.Categories)
    Key += "," + categoryName(C).str();
  return Key;
}

WrittenOptions readWrittenOptions(const OptionReader &Reader) {
  WrittenOptions W;
  W.AnnotationFiles = Reader.get("AnnotationFiles");
  W.Categories = Reader.get("Categories");
  W.SummaryDir = Reader.get("SummaryDir");
  W.ChainLimit = Reader.get("ChainLimit", "3");
  W.PointerFallback = Reader.get("PointerFallback", "true");
  W.Strict = Reader.get("Strict", "true");
  return W;
}

static std::string workingDir() {
  llvm::SmallString<256> Dir;
  llvm::sys::fs::current_path(Dir);
  return Dir.str().str();
}

/// Whether the .clang-tidy at Path gives Key the value Value. Sets Inherits
/// when that file asks for its parent directory's configuration too.
static bool configSets(llvm::StringRef Path, llvm::StringRef Key,
                       llvm::StringRef Value, bool &Inherits) {
  Inherits = false;
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  if (!Buffer)
    return false;
  llvm::ErrorOr<ClangTidyOptions> Parsed =
      parseConfiguration((*Buffer)->getMemBufferRef());
  if (!Parsed)
    return false;
  Inherits = Parsed->InheritParentConfig.value_or(false);
  auto It = Parsed->CheckOptions.find(Key);
  return It != Parsed->CheckOptions.end() && It->second.Value == Value;
}

std::string optionBaseDir(llvm::StringRef Key, llvm::StringRef Value,
                          llvm::StringRef CurrentFile) {
  // clang-tidy merges the options before a check sees them, without saying
  // which file each came from; finding the file again the way clang-tidy
  // looks for it (the nearest .clang-tidy, and its parents while they say
  // InheritParentConfig) gives the directory the user meant.
  llvm::SmallString<256> Dir(CurrentFile.empty() ? workingDir()
                                                 : CurrentFile.str());
  llvm::sys::fs::make_absolute(Dir);
  if (!CurrentFile.empty())
    llvm::sys::path::remove_filename(Dir);
  for (llvm::StringRef Cur = Dir; !Cur.empty();
       Cur = llvm::sys::path::parent_path(Cur)) {
    llvm::SmallString<256> Config(Cur);
    llvm::sys::path::append(Config, ".clang-tidy");
    if (!llvm::sys::fs::is_regular_file(Config))
      continue;
    bool Inherits = false;
    if (configSets(Config, Key, Value, Inherits))
      return Cur.str();
    if (!Inherits)
      break;
  }
  return workingDir();
}

static std::string absoluteIn(llvm::StringRef Path, llvm::StringRef Base) {
  llvm::SmallString<256> Abs(Path);
  if (!llvm::sys::path::is_absolute(Abs)) {
    Abs = Base;
    llvm::sys::path::append(Abs, Path);
  }
  llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  return Abs.str().str();
}

/// The directory relative paths in O are relative to.
static std::string baseDirOf(const RawOption &O, ClangTidyContext *Ctx) {
  if (O.Key.empty())
    return workingDir();
  return optionBaseDir(O.Key, O.Value, Ctx->getCurrentFile());
}

static std::string categoryList() {
  std::string All;
  for (Category C : allCategories())
    All += (All.empty() ? "" : ", ") + categoryName(C).str();
  return All;
}

static void badOption(ClangTidyContext *Ctx, const RawOption &O,
                      llvm::StringRef What) {
  // Every evguard check reads the shared keys: say it once.
  static llvm::StringSet<> Reported;
  if (!Reported.insert(O.Key + "=" + O.Value).second)
    return;
  Ctx->configurationDiag("invalid configuration value '%0' for option '%1': "
                         "%2; the option is ignored",
                         clang::DiagnosticIDs::Error)
      << O.Value << O.Key << What;
}

Settings resolveSettings(const WrittenOptions &W, bool UnknownCalls,
                         ClangTidyContext *Ctx) {
  Settings S;
  S.Analysis.Strict = UnknownCalls;
  if (!W.AnnotationFiles.Value.empty()) {
    std::string Base = baseDirOf(W.AnnotationFiles, Ctx);
    for (const std::string &File : splitList(W.AnnotationFiles.Value))
      S.AnnotationFiles.push_back(absoluteIn(File, Base));
  }
  if (!W.SummaryDir.Value.empty())
    S.SummaryDir = absoluteIn(W.SummaryDir.Value, baseDirOf(W.SummaryDir, Ctx));
  for (const std::string &Name : splitList(W.Categories.Value)) {
    std::optional<Category> C = parseCategory(Name);
    if (!C) {
      badOption(Ctx, W.Categories,
                "unknown category '" + Name + "'; use " + categoryList());
      S.Analysis.Categories.clear();
      break;
    }
    S.Analysis.Categories.push_back(*C);
  }
  unsigned Limit = 0;
  if (llvm::StringRef(W.ChainLimit.Value).trim().getAsInteger(10, Limit) ||
      Limit == 0)
    badOption(Ctx, W.ChainLimit, "expected a positive integer");
  else
    S.Analysis.ChainLimit = Limit;
  if (std::optional<bool> B = llvm::yaml::parseBool(W.PointerFallback.Value))
    S.Analysis.PointerFallback = *B;
  else
    badOption(Ctx, W.PointerFallback, "expected true or false");
  return S;
}

bool unknownCallsWanted(ClangTidyContext *Ctx) {
  llvm::StringRef Check = "evguard-unknown-call";
  if (!Ctx->isCheckEnabled(Check))
    return false;
  RawOption Strict = OptionReader(Check, Ctx).get("Strict", "true");
  // A value that is not a boolean is reported by the check itself.
  return llvm::yaml::parseBool(Strict.Value).value_or(true);
}

} // namespace evguard::tidy
