//===- TestUtil.h - Helpers for the report tests ----------------*- C++ -*-===//
#ifndef EVGUARD_TESTS_REPORT_TESTUTIL_H
#define EVGUARD_TESTS_REPORT_TESTUTIL_H

#include "evguard/Findings.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include <string>

namespace evguard::test {

/// A fresh directory under the system temp dir, removed at destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  const std::string &path() const { return Path; }
  /// Writes Rel (creating parent directories) and returns its absolute path.
  std::string write(llvm::StringRef Rel, llvm::StringRef Text) const;

private:
  std::string Path;
};

std::string readFile(llvm::StringRef Path);

/// Runs ../shared/sarif/validate-sarif --strict on File; the output on
/// failure, empty on success.
std::string validateSarif(llvm::StringRef File);

/// A finding with a one-step chain from handler Root registered via
/// uv_timer_start.
Finding blockingFinding(llvm::StringRef File, unsigned Line,
                        llvm::StringRef Callee, llvm::StringRef Function,
                        llvm::StringRef Root, Category Cat);

} // namespace evguard::test

#endif
