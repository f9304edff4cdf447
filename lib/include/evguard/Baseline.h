//===- Baseline.h - Adopting evguard on an existing codebase ----*- C++ -*-===//
//
// A baseline is an earlier SARIF report: findings whose "evguard/v1"
// fingerprint it contains are known debt, not news. Only new findings are
// reported and fail the run (docs/ci.md explains the workflow).
//
//===----------------------------------------------------------------------===//
#ifndef EVGUARD_BASELINE_H
#define EVGUARD_BASELINE_H

#include "evguard/Report.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"
#include <string>

namespace evguard {

class Baseline {
public:
  /// Reads the fingerprints of every result of an evguard SARIF file, except
  /// those it marks "absent". Errors name the file and what is wrong.
  static llvm::Expected<Baseline> load(llvm::StringRef SarifPath);
  static llvm::Expected<Baseline> parse(llvm::StringRef Text,
                                        llvm::StringRef Path);

  bool contains(llvm::StringRef Fingerprint) const {
    return Prints.contains(Fingerprint);
  }
  size_t size() const { return Prints.size(); }
  const llvm::StringSet<> &fingerprints() const { return Prints; }
  const std::string &path() const { return Path; }

private:
  std::string Path;
  llvm::StringSet<> Prints;
};

/// Marks every finding of R New or Unchanged and counts what the baseline has
/// that R no longer does.
void applyBaseline(Report &R, const Baseline &B);

} // namespace evguard

#endif
