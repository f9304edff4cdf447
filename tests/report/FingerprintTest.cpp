//===- FingerprintTest.cpp - Identities that survive edits ----------------===//

#include "TestUtil.h"
#include "evguard/Baseline.h"
#include "evguard/Report.h"
#include <gtest/gtest.h>

using namespace evguard;
using namespace evguard::test;

namespace {

const char *Server = "void save(int fd) {\n"
                     "  fsync(fd);\n"
                     "  fsync(fd);\n"
                     "  sleep(1);\n"
                     "}\n";

std::vector<Fingerprints> printsOf(const TempDir &Dir,
                                   llvm::ArrayRef<unsigned> Lines,
                                   llvm::ArrayRef<const char *> Callees) {
  std::vector<Finding> Fs;
  for (size_t I = 0; I < Lines.size(); ++I)
    Fs.push_back(blockingFinding(Dir.path() + "/server.c", Lines[I],
                                 Callees[I], "save", "on_read",
                                 Category::DiskIO));
  return computeFingerprints(Fs, Dir.path());
}

TEST(Fingerprint, SurvivesLinesInsertedAbove) {
  TempDir Dir;
  Dir.write("server.c", Server);
  auto Before = printsOf(Dir, {2, 3, 4}, {"fsync", "fsync", "sleep"});
  Dir.write("server.c", std::string("#include <unistd.h>\n\n// a comment\n") +
                            Server);
  auto After = printsOf(Dir, {5, 6, 7}, {"fsync", "fsync", "sleep"});
  for (size_t I = 0; I < 3; ++I) {
    EXPECT_EQ(Before[I].Stable, After[I].Stable) << I;
    EXPECT_EQ(Before[I].LineHash, After[I].LineHash) << I;
  }
}

TEST(Fingerprint, SurvivesReindenting) {
  TempDir Dir;
  Dir.write("server.c", Server);
  auto Before = printsOf(Dir, {4}, {"sleep"});
  Dir.write("server.c", "void save(int fd) {\n  fsync(fd);\n  fsync(fd);\n"
                        "      sleep( 1 );\n}\n");
  EXPECT_EQ(Before[0].Stable, printsOf(Dir, {4}, {"sleep"})[0].Stable);
}

TEST(Fingerprint, DiffersBetweenFindings) {
  TempDir Dir;
  Dir.write("server.c", Server);
  // Identical lines in one function are told apart by their occurrence.
  auto P = printsOf(Dir, {2, 3, 4}, {"fsync", "fsync", "sleep"});
  EXPECT_NE(P[0].Stable, P[1].Stable);
  EXPECT_NE(P[0].Stable, P[2].Stable);
  EXPECT_NE(P[1].Stable, P[2].Stable);
  EXPECT_NE(P[0].LineHash, P[1].LineHash);
  EXPECT_NE(P[0].LineHash, P[2].LineHash);
}

TEST(Fingerprint, DoesNotDependOnFindingOrder) {
  TempDir Dir;
  Dir.write("server.c", Server);
  auto Forward = printsOf(Dir, {2, 3}, {"fsync", "fsync"});
  auto Backward = printsOf(Dir, {3, 2}, {"fsync", "fsync"});
  EXPECT_EQ(Forward[0].Stable, Backward[1].Stable);
  EXPECT_EQ(Forward[1].Stable, Backward[0].Stable);
}

TEST(Fingerprint, DependsOnThePathRelativeToTheSourceRoot) {
  TempDir A, B;
  A.write("server.c", Server);
  B.write("server.c", Server);
  // Two checkouts in different places agree.
  EXPECT_EQ(printsOf(A, {4}, {"sleep"})[0].Stable,
            printsOf(B, {4}, {"sleep"})[0].Stable);
  // A different file does not.
  B.write("sub/server.c", Server);
  std::vector<Finding> Fs = {blockingFinding(B.path() + "/sub/server.c", 4,
                                             "sleep", "save", "on_read",
                                             Category::DiskIO)};
  EXPECT_NE(computeFingerprints(Fs, B.path())[0].Stable,
            printsOf(B, {4}, {"sleep"})[0].Stable);
}

} // namespace
