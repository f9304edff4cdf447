//===- Config.h - The .evguard.json project configuration -------*- C++ -*-===//
//
// A project states once what every run of evguard should assume: extra
// database files, the categories it cares about, how loud each one is, which
// paths are not its code. Command-line flags override the file
// (docs/cli.md documents the format and the lookup rule).
//
//===----------------------------------------------------------------------===//
#ifndef EVGUARD_CONFIG_H
#define EVGUARD_CONFIG_H

#include "evguard/Database.h"
#include "evguard/Findings.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace evguard {

/// How loud a finding is, as in clang's diagnostics. Notes never fail a run.
enum class Level { Note, Warning, Error };
llvm::StringRef levelName(Level L);
std::optional<Level> parseLevel(llvm::StringRef Name);

/// A glob over paths relative to the source root; '*' also matches '/'.
class PathPattern {
public:
  static llvm::Expected<std::unique_ptr<PathPattern>> create(llvm::StringRef Glob);
  ~PathPattern();
  bool matches(llvm::StringRef RelativePath) const;
  llvm::StringRef text() const { return Text; }

private:
  PathPattern() = default;
  struct Impl;
  std::string Text;
  std::unique_ptr<Impl> Compiled;
};

/// Everything is optional: an absent key leaves the built-in default (or the
/// command line's choice) alone.
struct Config {
  std::string Path; ///< the file it was read from; empty for none

  /// Extra database files, absolute (the file names them relative to itself).
  std::vector<std::string> DatabaseFiles;
  std::optional<bool> DefaultDatabase;
  std::optional<std::vector<Category>> Categories;
  std::map<Category, Level> Levels;
  std::optional<Level> UnknownCallLevel;
  std::vector<std::unique_ptr<PathPattern>> Excludes;
  std::optional<bool> Strict;
  std::optional<bool> KeepGoing;
  std::optional<bool> PointerFallback;
  std::optional<unsigned> ChainLimit;
  std::optional<std::string> SourceRoot; ///< absolute
  std::optional<std::string> SarifCategory;

  /// True if RelativePath (to the source root) matches an exclude glob.
  bool isExcluded(llvm::StringRef RelativePath) const;
};

/// The name looked for when walking up directories.
inline constexpr llvm::StringLiteral ConfigFileName = ".evguard.json";

/// Parses a config; errors read "FILE:LINE:COL: error: what; what to do".
llvm::Expected<Config> parseConfig(llvm::StringRef Text, llvm::StringRef Path);
llvm::Expected<Config> loadConfig(llvm::StringRef Path);

/// The first .evguard.json in StartDir or one of its ancestors, if any.
std::optional<std::string> findConfigFile(llvm::StringRef StartDir);

} // namespace evguard

#endif
