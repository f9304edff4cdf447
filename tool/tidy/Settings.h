//===- Settings.h - The evguard checks' CheckOptions ------------*- C++ -*-===//
//
// Every evguard check reads the same options, each from its own key
// (evguard-blocking-call.ChainLimit) or else from the key all of them share
// (evguard.ChainLimit), so that one line in .clang-tidy configures them all
// and they can share one analysis of the TU.
//
//===----------------------------------------------------------------------===//
#ifndef EVGUARD_TIDY_SETTINGS_H
#define EVGUARD_TIDY_SETTINGS_H

#include "evguard/Analysis.h"
#include "clang-tidy/ClangTidyCheck.h"
#include <optional>
#include <string>
#include <vector>

namespace evguard::tidy {

/// The prefix of the option keys every evguard check falls back to.
inline constexpr llvm::StringLiteral SharedOptionPrefix = "evguard";

/// One option as the user wrote it, and the key it was found under.
struct RawOption {
  std::string Value;
  std::string Key; ///< empty: not set anywhere, Value is the default
};

/// Looks Name up under the check's own prefix, then the shared one.
class OptionReader {
public:
  OptionReader(llvm::StringRef CheckName, clang::tidy::ClangTidyContext *Ctx);
  RawOption get(llvm::StringRef Name, llvm::StringRef Default = "") const;

private:
  std::string CheckName;
  clang::tidy::ClangTidyContext *Ctx;
};

/// Everything the analysis of a TU depends on. Checks with equal settings
/// share one analysis.
struct Settings {
  /// AnnotationFiles, absolute, in the order given.
  std::vector<std::string> AnnotationFiles;
  /// SummaryDir, absolute, or empty for "this TU only".
  std::string SummaryDir;
  AnalysisOptions Analysis;

  /// The identity of the database (default files + AnnotationFiles).
  std::string databaseKey() const;
  /// The identity of the whole analysis.
  std::string analysisKey() const;
};

/// The options as written, for storeOptions (--dump-config).
struct WrittenOptions {
  RawOption AnnotationFiles, Categories, SummaryDir, ChainLimit,
      PointerFallback, Strict;
};

WrittenOptions readWrittenOptions(const OptionReader &Reader);

/// Turns the written options into Settings. Problems (an unknown category, a
/// bad number) are reported through Ctx->configurationDiag and the option is
/// ignored, as clang-tidy does for its own options. UnknownCalls: whether the
/// analysis looks for evguard-unknown-call findings.
Settings resolveSettings(const WrittenOptions &W, bool UnknownCalls,
                         clang::tidy::ClangTidyContext *Ctx);

/// Whether evguard-unknown-call is enabled and its Strict is not false: the
/// same answer for every check of a TU, so they agree on the analysis.
bool unknownCallsWanted(clang::tidy::ClangTidyContext *Ctx);

/// The directory a relative path in option Key (with value Value) is
/// relative to: the directory of the nearest .clang-tidy, from the current
/// file's directory upwards, whose CheckOptions give Key that value; else the
/// working directory (--config, --config-file, or no .clang-tidy).
std::string optionBaseDir(llvm::StringRef Key, llvm::StringRef Value,
                          llvm::StringRef CurrentFile);

/// Splits a list written with ';' or ',' between items, trimming blanks.
std::vector<std::string> splitList(llvm::StringRef Text);

} // namespace evguard::tidy

#endif
