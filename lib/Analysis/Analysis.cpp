//===- Analysis.cpp - The analysis entry points ---------------------------===//

#include "Program.h"
#include "evguard/Analysis.h"

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

AnalysisResult
analyzeProgram(llvm::ArrayRef<std::shared_ptr<const TUSummary>> TUs,
               const AnnotationDatabase &DB, const AnalysisOptions &Opts) {
  std::unique_ptr<Program> P = linkProgram(TUs, DB, Opts);
  AnalysisResult R = findBlockingCalls(*P, Opts);
  R.TranslationUnits = TUs.size();
  return R;
}

} // namespace evguard
