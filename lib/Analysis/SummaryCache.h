//===- SummaryCache.h - TU summaries kept between runs ----------*- C++ -*-===//
//
// evguard --cache DIR: a TU's summary depends only on its compile command,
// the contents of every file the parse read, and what evguard itself brings
// (its version, the database, options). An entry is keyed by the command and
// lists the files with their content hashes; a later run reuses it only if
// every one still hashes the same and evguard's side is unchanged.
//
//===----------------------------------------------------------------------===//
#ifndef EVGUARD_ANALYSIS_SUMMARYCACHE_H
#define EVGUARD_ANALYSIS_SUMMARYCACHE_H

#include "Summary.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace evguard {

class SummaryCache {
public:
  /// Version: evguard's own version and summary format. Salt: everything
  /// else outside the TU that changes summaries (database, options).
  SummaryCache(std::string Dir, std::string Version, std::string Salt);

  std::string keyFor(llvm::ArrayRef<clang::tooling::CompileCommand> Commands) const;

  /// The stored summary when every input is unchanged. When an entry exists
  /// but cannot be used, Why says why (for -v).
  std::shared_ptr<const TUSummary> lookup(llvm::StringRef Key, std::string &Why);

  /// Deps: every file the parse read (absolute paths), main file included.
  llvm::Error store(llvm::StringRef Key, llvm::ArrayRef<std::string> Deps,
                    const TUSummary &S);

private:
  std::string entryPath(llvm::StringRef Key) const;
  /// The content hash of Path, computed once per run; nullopt if unreadable.
  std::optional<std::string> contentHash(llvm::StringRef Path);

  std::string Dir, Version, Salt;
  std::mutex Lock;
  llvm::StringMap<std::optional<std::string>> Hashes;
};

} // namespace evguard

#endif
