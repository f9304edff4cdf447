//===- ConfigTest.cpp - .evguard.json -------------------------------------===//

#include "TestUtil.h"
#include "evguard/Config.h"
#include "evguard/Report.h"
#include "llvm/Support/FileSystem.h"
#include <gtest/gtest.h>

using namespace evguard;
using namespace evguard::test;

namespace {

/// The error message for Text, or "" if it parsed.
std::string errorFor(const TempDir &Dir, llvm::StringRef Text) {
  std::string Path = Dir.write(".evguard.json", Text);
  auto C = loadConfig(Path);
  if (C)
    return "";
  std::string Message = llvm::toString(C.takeError());
  // Messages name the file as given; strip the directory for brevity.
  return llvm::StringRef(Message).drop_front(Dir.path().size() + 1).str();
}

TEST(Config, ReadsEveryKey) {
  TempDir Dir;
  Dir.write("db/extra.json", "{}");
  llvm::sys::fs::create_directories(Dir.path() + "/src");
  std::string Path = Dir.write(".evguard.json", R"({
    "version": 1,
    "database": ["db/extra.json"],
    "default_database": false,
    "categories": ["disk-io", "sleep"],
    "levels": {"disk-io": "error", "sleep": "note", "unknown-call": "warning"},
    "exclude": ["third_party/*", "*_test.c"],
    "strict": true,
    "keep_going": true,
    "pointer_fallback": false,
    "chain_limit": 5,
    "source_root": "src",
    "sarif_category": "evguard/linux"
  })");
  auto C = loadConfig(Path);
  ASSERT_TRUE(bool(C)) << llvm::toString(C.takeError());
  EXPECT_EQ(C->Path, Path);
  ASSERT_EQ(C->DatabaseFiles.size(), 1u);
  EXPECT_EQ(C->DatabaseFiles[0], Dir.path() + "/db/extra.json");
  EXPECT_EQ(C->DefaultDatabase, false);
  EXPECT_EQ(C->Categories,
            (std::vector<Category>{Category::DiskIO, Category::Sleep}));
  EXPECT_EQ(C->Levels.at(Category::DiskIO), Level::Error);
  EXPECT_EQ(C->Levels.at(Category::Sleep), Level::Note);
  EXPECT_EQ(C->UnknownCallLevel, Level::Warning);
  EXPECT_TRUE(C->isExcluded("third_party/zlib/inflate.c"));
  EXPECT_TRUE(C->isExcluded("src/loop_test.c"));
  EXPECT_FALSE(C->isExcluded("src/loop.c"));
  EXPECT_EQ(C->Strict, true);
  EXPECT_EQ(C->KeepGoing, true);
  EXPECT_EQ(C->PointerFallback, false);
  EXPECT_EQ(C->ChainLimit, 5u);
  EXPECT_EQ(C->SourceRoot, Dir.path() + "/src");
  EXPECT_EQ(C->SarifCategory, "evguard/linux");
}

TEST(Config, EmptyObjectChangesNothing) {
  TempDir Dir;
  auto C = loadConfig(Dir.write(".evguard.json", "{}"));
  ASSERT_TRUE(bool(C));
  EXPECT_FALSE(C->Strict);
  EXPECT_FALSE(C->ChainLimit);
  EXPECT_TRUE(C->Levels.empty());
}

TEST(Config, ErrorsPointAtTheOffendingText) {
  TempDir Dir;
  EXPECT_EQ(errorFor(Dir, "{\n  \"strict\": true,\n  \"stirct\": true\n}"),
            ".evguard.json:3:3: error: unknown key 'stirct'; allowed keys: "
            "version, database, default_database, categories, levels, "
            "exclude, strict, keep_going, pointer_fallback, chain_limit, "
            "source_root, sarif_category");
  EXPECT_EQ(errorFor(Dir, "{\"strict\": \"yes\"}"),
            ".evguard.json:1:12: error: expected true or false");
  EXPECT_EQ(errorFor(Dir, "{\"chain_limit\": -1}"),
            ".evguard.json:1:17: error: expected an integer from 0 to 1000");
  EXPECT_EQ(errorFor(Dir, "{\"version\": 2}"),
            ".evguard.json:1:13: error: unsupported version; this evguard "
            "reads version 1");
  EXPECT_EQ(errorFor(Dir, "[]"),
            ".evguard.json:1:1: error: expected a JSON object, e.g. "
            "{\"version\": 1}");
}

TEST(Config, CategoryAndLevelErrors) {
  TempDir Dir;
  std::string E = errorFor(Dir, "{\"categories\": [\"sleep\", \"disk\"]}");
  EXPECT_TRUE(llvm::StringRef(E).starts_with(
      ".evguard.json:1:26: error: unknown category 'disk'; use one of sleep, "
      "lock,"))
      << E;
  E = errorFor(Dir, "{\"levels\": {\n  \"disk-io\": \"fatal\"}}");
  EXPECT_EQ(E, ".evguard.json:2:14: error: expected \"error\", \"warning\" or "
               "\"note\"");
  E = errorFor(Dir, "{\"levels\": {\n  \"dsk-io\": \"error\"}}");
  EXPECT_TRUE(llvm::StringRef(E).starts_with(
      ".evguard.json:2:3: error: unknown category 'dsk-io'"))
      << E;
}

TEST(Config, PathAndGlobErrors) {
  TempDir Dir;
  std::string E = errorFor(Dir, "{\"database\": [\"missing.json\"]}");
  EXPECT_TRUE(llvm::StringRef(E).starts_with(".evguard.json:1:15: error: "
                                             "database file '"))
      << E;
  EXPECT_NE(E.find("missing.json' does not exist"), std::string::npos);
  E = errorFor(Dir, "{\"exclude\": [\"ok/*\", \"bad[\"]}");
  EXPECT_TRUE(
      llvm::StringRef(E).starts_with(".evguard.json:1:22: error: invalid glob"))
      << E;
  E = errorFor(Dir, "{\"source_root\": \"nowhere\"}");
  EXPECT_TRUE(
      llvm::StringRef(E).starts_with(".evguard.json:1:17: error: source root"))
      << E;
}

TEST(Config, MalformedJsonHasAPosition) {
  TempDir Dir;
  std::string E = errorFor(Dir, "{\n  \"strict\": true,\n}");
  EXPECT_TRUE(llvm::StringRef(E).starts_with(".evguard.json:3:1: error: "
                                             "malformed JSON"))
      << E;
}

TEST(Config, FoundByWalkingUp) {
  TempDir Dir;
  std::string Path = Dir.write(".evguard.json", "{}");
  llvm::sys::fs::create_directories(Dir.path() + "/a/b/c");
  EXPECT_EQ(findConfigFile(Dir.path() + "/a/b/c"), Path);
  std::string Nearer = Dir.write("a/.evguard.json", "{}");
  EXPECT_EQ(findConfigFile(Dir.path() + "/a/b/c"), Nearer);
}

TEST(Config, LevelNames) {
  EXPECT_EQ(parseLevel("error"), Level::Error);
  EXPECT_EQ(parseLevel("warning"), Level::Warning);
  EXPECT_EQ(parseLevel("note"), Level::Note);
  EXPECT_EQ(parseLevel("fatal"), std::nullopt);
}

TEST(AtomicWrite, ReplacesTheWholeFile) {
  TempDir Dir;
  std::string Path = Dir.write("out.txt", "old contents that are longer");
  ASSERT_FALSE(writeFileAtomically(
      Path, [](llvm::raw_ostream &OS) { OS << "new"; }));
  EXPECT_EQ(readFile(Path), "new");
  // No temporary file is left next to it.
  std::error_code EC;
  unsigned Entries = 0;
  for (llvm::sys::fs::directory_iterator It(Dir.path(), EC), End;
       !EC && It != End; It.increment(EC))
    ++Entries;
  EXPECT_EQ(Entries, 1u);
}

TEST(AtomicWrite, MissingDirectoryIsAClearErrorAndLeavesNothing) {
  TempDir Dir;
  std::string Path = Dir.path() + "/no/such/dir/report.sarif";
  llvm::Error E =
      writeFileAtomically(Path, [](llvm::raw_ostream &OS) { OS << "x"; });
  ASSERT_TRUE(bool(E));
  std::string Message = llvm::toString(std::move(E));
  EXPECT_NE(Message.find("cannot write '" + Path + "'"), std::string::npos);
  EXPECT_NE(Message.find("does not exist"), std::string::npos) << Message;
  EXPECT_FALSE(llvm::sys::fs::exists(Dir.path() + "/no"));
}

} // namespace
