//===- Analysis.cpp - The analysis entry points ---------------------------===//

#include "Program.h"
#include "evguard/Analysis.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"

namespace evguard {

llvm::StringRef ruleId(Rule R) {
  switch (R) {
  case Rule::BlockingCall:
    return "evguard-blocking-call";
  case Rule::PageFault:
    return "evguard-page-fault";
  case Rule::NonblockingViolation:
    return "evguard-nonblocking-violation";
  case Rule::UnknownCall:
    return "evguard-unknown-call";
  }
  llvm_unreachable("unknown rule");
}

llvm::ArrayRef<Rule> allRules() {
  static const Rule Rules[] = {Rule::BlockingCall, Rule::PageFault,
                               Rule::NonblockingViolation, Rule::UnknownCall};
  return Rules;
}

llvm::StringRef summaryMainFile(const TUSummary &S) { return S.MainFile; }

std::shared_ptr<const TUSummary> rebaseSummaryPaths(const TUSummary &S,
                                                    llvm::StringRef Root,
                                                    bool ToRelative) {
  auto Out = std::make_shared<TUSummary>(S);
  auto Rebase = [&](std::string &Path) {
    if (ToRelative) {
      llvm::StringRef Rest = Path;
      if (Rest.consume_front(Root) && (Rest.empty() || llvm::sys::path::is_separator(Rest[0])))
        Path = Rest.ltrim('/').str();
      return;
    }
    if (llvm::sys::path::is_relative(Path)) {
      llvm::SmallString<256> Abs(Root);
      llvm::sys::path::append(Abs, Path);
      llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
      Path = std::string(Abs);
    }
  };
  Rebase(Out->MainFile);
  for (std::string &File : Out->Files)
    Rebase(File);
  return Out;
}

AnalysisResult
analyzeProgram(llvm::ArrayRef<std::shared_ptr<const TUSummary>> TUs,
               const AnnotationDatabase &DB, const AnalysisOptions &Opts) {
  std::unique_ptr<Program> P = linkProgram(TUs, DB, Opts);
  AnalysisResult R = findBlockingCalls(*P, Opts);
  R.TranslationUnits = TUs.size();
  return R;
}

} // namespace evguard
