//===- EvguardCheck.h - The evguard clang-tidy checks -----------*- C++ -*-===//
//
// One check per evguard rule. They all do the same thing, so the base class
// does it: share the TU's analysis (SharedAnalysis.h) and emit, for its own
// rule, the diagnostics the CLI prints for each finding (diagnosticsFor).
//
//===----------------------------------------------------------------------===//
#ifndef EVGUARD_TIDY_EVGUARDCHECK_H
#define EVGUARD_TIDY_EVGUARDCHECK_H

#include "Settings.h"
#include "SharedAnalysis.h"
#include "evguard/Findings.h"
#include "evguard/Report.h"
#include "clang-tidy/ClangTidyCheck.h"

namespace evguard::tidy {

class EvguardCheck : public clang::tidy::ClangTidyCheck {
public:
  EvguardCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context,
               Rule TheRule);

  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result)
      override;
  void onEndOfTranslationUnit() override;
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;

private:
  void emit(const Finding &F, clang::SourceManager &SM);

  Rule TheRule;
  clang::tidy::ClangTidyContext *Tidy;
  WrittenOptions Written;
  Settings TheSettings;
  ReportOptions Report;
  std::shared_ptr<TUAnalysis> Shared;
};

class BlockingCallCheck : public EvguardCheck {
public:
  BlockingCallCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx)
      : EvguardCheck(Name, Ctx, Rule::BlockingCall) {}
};

class PageFaultCheck : public EvguardCheck {
public:
  PageFaultCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx)
      : EvguardCheck(Name, Ctx, Rule::PageFault) {}
};

class NonblockingViolationCheck : public EvguardCheck {
public:
  NonblockingViolationCheck(llvm::StringRef Name,
                            clang::tidy::ClangTidyContext *Ctx)
      : EvguardCheck(Name, Ctx, Rule::NonblockingViolation) {}
};

/// Opt-in: calls evguard knows nothing about. Enabling it is what the CLI's
/// --strict is; its Strict option (default true) can turn it off again when
/// a glob such as evguard-* enabled it.
class UnknownCallCheck : public EvguardCheck {
public:
  UnknownCallCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx)
      : EvguardCheck(Name, Ctx, Rule::UnknownCall) {}
};

} // namespace evguard::tidy

#endif
