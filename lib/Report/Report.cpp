//===- Report.cpp - Annotating a result for the printers ------------------===//

#include "evguard/Report.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA1.h"
#include <numeric>

using namespace evguard;

llvm::StringRef evguard::toolVersion() { return EVGUARD_VERSION; }

llvm::StringRef evguard::baselineStateName(BaselineState S) {
  switch (S) {
  case BaselineState::None:
    return "";
  case BaselineState::New:
    return "new";
  case BaselineState::Unchanged:
    return "unchanged";
  }
  llvm_unreachable("unknown baseline state");
}

std::optional<Format> evguard::parseFormat(llvm::StringRef Name) {
  if (Name == "text")
    return Format::Text;
  if (Name == "json")
    return Format::Json;
  if (Name == "sarif")
    return Format::Sarif;
  return std::nullopt;
}

bool ReportedFinding::fails() const {
  return !F->Suppressed && Baseline != BaselineState::Unchanged &&
         L != Level::Note;
}

unsigned Report::failing() const {
  return llvm::count_if(Findings,
                        [](const ReportedFinding &RF) { return RF.fails(); });
}

namespace {
/// Source lines by file, each file read once.
class LineReader {
public:
  llvm::StringRef line(llvm::StringRef File, unsigned Line) {
    auto &Buf = Files[File];
    if (!Buf) {
      auto Read = llvm::MemoryBuffer::getFile(File, /*IsText=*/true);
      if (!Read)
        return "";
      Buf = std::move(*Read);
    }
    llvm::StringRef Rest = Buf->getBuffer();
    for (unsigned I = 1; I < Line && !Rest.empty(); ++I)
      Rest = Rest.split('\n').second;
    return Rest.split('\n').first;
  }

private:
  llvm::StringMap<std::unique_ptr<llvm::MemoryBuffer>> Files;
};
} // namespace

/// Whitespace carries no meaning in C: re-indenting a line keeps its identity.
static std::string withoutSpace(llvm::StringRef Text) {
  std::string Out;
  for (char C : Text)
    if (!llvm::isSpace(C))
      Out += C;
  return Out;
}

static std::string hashHex(llvm::StringRef Data, size_t Bytes) {
  std::array<uint8_t, 20> Hash =
      llvm::SHA1::hash(llvm::arrayRefFromStringRef(Data));
  return llvm::toHex(llvm::ArrayRef(Hash).take_front(Bytes),
                     /*LowerCase=*/true);
}

std::vector<Fingerprints>
evguard::computeFingerprints(llvm::ArrayRef<Finding> Findings,
                             llvm::StringRef SourceRoot) {
  LineReader Lines;
  std::vector<std::string> Keys, LineKeys;
  // The same call in a library linked into two programs is two findings;
  // the program tells them apart only when there are several, so that a
  // single-program build keeps the identities it always had.
  bool SeveralPrograms = llvm::any_of(Findings, [&](const Finding &F) {
    return F.Program != Findings.front().Program;
  });
  for (const Finding &F : Findings) {
    std::string Text = withoutSpace(Lines.line(F.Loc.File, F.Loc.Line));
    std::string Head = (ruleId(F.TheRule) + llvm::Twine('\0') + F.Callee +
                        llvm::Twine('\0'))
                           .str();
    if (SeveralPrograms)
      Head += F.Program + '\0';
    LineKeys.push_back(Head + Text);
    Keys.push_back(Head + F.EnclosingFunction + '\0' +
                   displayPath(F.Loc.File, SourceRoot) + '\0' + Text);
  }
  // Occurrences count in source order, whatever order the findings came in.
  std::vector<size_t> Order(Findings.size());
  std::iota(Order.begin(), Order.end(), 0);
  llvm::stable_sort(Order, [&](size_t A, size_t B) {
    return Findings[A].Loc < Findings[B].Loc;
  });
  llvm::StringMap<unsigned> Seen, SeenLines;
  std::vector<Fingerprints> Out(Findings.size());
  for (size_t I : Order) {
    unsigned Occurrence = Seen[Keys[I]]++;
    Out[I].Stable = hashHex(Keys[I] + '\0' + std::to_string(Occurrence), 16);
    // Scoped per file, like code scanning's own line hash.
    std::string FileKey = Findings[I].Loc.File + '\0' + LineKeys[I];
    unsigned LineOccurrence = ++SeenLines[FileKey];
    Out[I].LineHash =
        hashHex(LineKeys[I], 8) + ":" + std::to_string(LineOccurrence);
  }
  return Out;
}

Report evguard::makeReport(const AnalysisResult &R, const ReportOptions &Opts) {
  Report Rep;
  Rep.Result = &R;
  std::vector<Fingerprints> Prints =
      computeFingerprints(R.Findings, Opts.SourceRoot);
  for (size_t I = 0; I < R.Findings.size(); ++I) {
    ReportedFinding RF;
    RF.F = &R.Findings[I];
    RF.L = Opts.levelFor(R.Findings[I]);
    RF.Prints = std::move(Prints[I]);
    Rep.Findings.push_back(std::move(RF));
  }
  return Rep;
}

void evguard::writeReport(llvm::raw_ostream &OS, Format F, const Report &R,
                          const ReportOptions &Opts) {
  switch (F) {
  case Format::Text:
    return writeText(OS, R, Opts);
  case Format::Json:
    return writeJson(OS, R, Opts);
  case Format::Sarif:
    return writeSarif(OS, R, Opts);
  }
}

static llvm::Error writeError(llvm::StringRef Path, const llvm::Twine &Why) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "cannot write '" + Path + "': " + Why);
}

llvm::Error evguard::writeFileAtomically(
    llvm::StringRef Path, llvm::function_ref<void(llvm::raw_ostream &)> Write) {
  if (Path == "-") {
    Write(llvm::outs());
    llvm::outs().flush();
    return llvm::Error::success();
  }
  // A device or a pipe (-o /dev/null, -o /dev/stdout) is written in place:
  // renaming a file over it would replace it for the whole machine.
  llvm::sys::fs::file_status Status;
  if (!llvm::sys::fs::status(Path, Status) && llvm::sys::fs::exists(Status) &&
      !llvm::sys::fs::is_regular_file(Status)) {
    if (llvm::sys::fs::is_directory(Status))
      return writeError(Path, "it is a directory; name a file");
    std::error_code EC;
    llvm::raw_fd_ostream OS(Path, EC, llvm::sys::fs::OF_None);
    if (EC)
      return writeError(Path, EC.message());
    Write(OS);
    OS.flush();
    EC = OS.error();
    OS.clear_error();
    return EC ? writeError(Path, EC.message()) : llvm::Error::success();
  }
  llvm::SmallString<256> Dir(Path);
  llvm::sys::path::remove_filename(Dir);
  if (Dir.empty())
    Dir = ".";
  if (!llvm::sys::fs::is_directory(Dir))
    return writeError(Path, "directory '" + Dir +
                                "' does not exist; create it first");
  auto Temp = llvm::sys::fs::TempFile::create(
      Path + ".tmp-%%%%%%",
      llvm::sys::fs::all_read | llvm::sys::fs::all_write);
  if (!Temp)
    return writeError(Path, llvm::toString(Temp.takeError()));
  std::error_code EC;
  {
    llvm::raw_fd_ostream OS(Temp->FD, /*shouldClose=*/false);
    Write(OS);
    OS.flush();
    EC = OS.error();
    // A stream still in error would abort the process when destroyed.
    OS.clear_error();
  }
  if (EC) {
    llvm::consumeError(Temp->discard());
    return writeError(Path, EC.message());
  }
  if (llvm::Error E = Temp->keep(Path)) {
    return writeError(Path, llvm::toString(std::move(E)));
  }
  return llvm::Error::success();
}
