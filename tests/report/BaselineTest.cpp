//===- BaselineTest.cpp - Known findings are not news ---------------------===//

#include "TestUtil.h"
#include "evguard/Baseline.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace evguard;
using namespace evguard::test;

namespace {

class BaselineTest : public ::testing::Test {
protected:
  void SetUp() override {
    Src = Dir.write("server.c", "void save(int fd) {\n  fsync(fd);\n"
                                "  sleep(1);\n  unlink(p);\n}\n");
    Opts.SourceRoot = Dir.path();
  }
  Finding at(unsigned Line, const char *Callee) {
    return blockingFinding(Src, Line, Callee, "save", "on_read",
                           Category::DiskIO);
  }
  std::string sarif(const AnalysisResult &R) {
    std::string Out;
    llvm::raw_string_ostream OS(Out);
    writeSarif(OS, makeReport(R, Opts), Opts);
    return Out;
  }

  TempDir Dir;
  std::string Src;
  ReportOptions Opts;
};

TEST_F(BaselineTest, OnlyNewFindingsFail) {
  AnalysisResult Old;
  Old.Findings = {at(2, "fsync"), at(4, "unlink")};
  auto B = Baseline::parse(sarif(Old), "old.sarif");
  ASSERT_TRUE(bool(B)) << llvm::toString(B.takeError());
  EXPECT_EQ(B->size(), 2u);

  AnalysisResult Now;
  Now.Findings = {at(2, "fsync"), at(3, "sleep")};
  Report R = makeReport(Now, Opts);
  applyBaseline(R, *B);
  EXPECT_EQ(R.Findings[0].Baseline, BaselineState::Unchanged);
  EXPECT_EQ(R.Findings[1].Baseline, BaselineState::New);
  EXPECT_EQ(R.BaselineAbsent, 1u); // the unlink was fixed
  EXPECT_EQ(R.failing(), 1u);
  EXPECT_NE(summaryLine(R).find("1 finding (1 blocking-call)"),
            std::string::npos)
      << summaryLine(R);
  EXPECT_NE(summaryLine(R).find("1 in baseline, 1 fixed since"),
            std::string::npos);

  // Every result says where it stands; known debt is closed, not dropped.
  std::string Path = Dir.path() + "/with-baseline.sarif";
  ASSERT_FALSE(writeFileAtomically(
      Path, [&](llvm::raw_ostream &OS) { writeSarif(OS, R, Opts); }));
  EXPECT_EQ(validateSarif(Path), "");
  auto Doc = nlohmann::json::parse(readFile(Path));
  const auto &Results = Doc["runs"][0]["results"];
  EXPECT_EQ(Results[0]["baselineState"], "unchanged");
  EXPECT_EQ(Results[0]["suppressions"][0]["kind"], "external");
  EXPECT_EQ(Results[1]["baselineState"], "new");
  EXPECT_FALSE(Results[1].contains("suppressions"));
  EXPECT_EQ(Doc["runs"][0]["properties"]["baseline"]["absent"], 1);

  // A report written with a baseline is itself a complete baseline.
  auto Again = Baseline::parse(readFile(Path), Path);
  ASSERT_TRUE(bool(Again));
  EXPECT_EQ(Again->size(), 2u);
}

TEST_F(BaselineTest, RejectsWhatIsNotAnEvguardReport) {
  auto NotJson = Baseline::parse("{", "b.sarif");
  ASSERT_FALSE(bool(NotJson));
  // Where parsing stopped: past the "{".
  EXPECT_NE(llvm::toString(NotJson.takeError()).find("b.sarif:1:2: error: not a "
                                                     "JSON file"),
            std::string::npos);

  auto NoRuns = Baseline::parse("{\"version\": \"2.1.0\"}", "b.sarif");
  ASSERT_FALSE(bool(NoRuns));
  EXPECT_NE(llvm::toString(NoRuns.takeError()).find("no \"runs\" array"),
            std::string::npos);

  auto Other = Baseline::parse(
      R"({"runs": [{"tool": {"driver": {"name": "clang-tidy"}}, "results": []}]})",
      "b.sarif");
  ASSERT_FALSE(bool(Other));
  EXPECT_NE(llvm::toString(Other.takeError()).find("no run of evguard"),
            std::string::npos);

  auto NoPrint = Baseline::parse(
      R"({"runs": [{"tool": {"driver": {"name": "evguard"}},
                    "results": [{"ruleId": "evguard-blocking-call"}]}]})",
      "b.sarif");
  ASSERT_FALSE(bool(NoPrint));
  EXPECT_NE(llvm::toString(NoPrint.takeError()).find("evguard/v1"),
            std::string::npos);

  auto Missing = Baseline::load(Dir.path() + "/nope.sarif");
  ASSERT_FALSE(bool(Missing));
  EXPECT_NE(llvm::toString(Missing.takeError()).find("cannot read"),
            std::string::npos);
}

TEST_F(BaselineTest, AbsentResultsAreNotDebt) {
  auto B = Baseline::parse(
      R"({"runs": [{"tool": {"driver": {"name": "evguard"}}, "results": [
           {"baselineState": "absent", "partialFingerprints": {"evguard/v1": "a"}},
           {"baselineState": "unchanged", "partialFingerprints": {"evguard/v1": "b"}}]}]})",
      "b.sarif");
  ASSERT_TRUE(bool(B));
  EXPECT_FALSE(B->contains("a"));
  EXPECT_TRUE(B->contains("b"));
}

} // namespace
