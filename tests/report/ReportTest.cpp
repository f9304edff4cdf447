//===- ReportTest.cpp - Text, JSON and SARIF output -----------------------===//

#include "TestUtil.h"
#include "evguard/Report.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace evguard;
using namespace evguard::test;
using Json = nlohmann::json;

namespace {

class ReportTest : public ::testing::Test {
protected:
  void SetUp() override {
    Src = Dir.write("src/server.c", "static void on_timer(uv_timer_t *t) {\n"
                                    "  uv_timer_start(t, on_timer, 1, 0);\n"
                                    "  save();\n"
                                    "}\n"
                                    "void save(void) {\n"
                                    "  fsync(fd);\n"
                                    "}\n");
    Result.TranslationUnits = 3;
    Result.Functions = 10;
    Result.Handlers = 2;
    Result.Findings.push_back(blockingFinding(Src, 6, "fsync", "save",
                                              "on_timer", Category::DiskIO));
    Opts.SourceRoot = Dir.path();
    Opts.DisplayDir = Dir.path();
  }

  std::string text(const Report &R) {
    std::string Out;
    llvm::raw_string_ostream OS(Out);
    writeText(OS, R, Opts);
    return Out;
  }

  Json parsed(Format F, const Report &R) {
    std::string Out;
    llvm::raw_string_ostream OS(Out);
    writeReport(OS, F, R, Opts);
    return Json::parse(Out);
  }

  /// Writes a SARIF report into the temp dir and validates it.
  void expectValidSarif(const Report &R, llvm::StringRef Name) {
    std::string Path = Dir.path() + "/" + Name.str();
    ASSERT_FALSE(writeFileAtomically(Path, [&](llvm::raw_ostream &OS) {
      writeSarif(OS, R, Opts);
    }));
    EXPECT_EQ(validateSarif(Path), "");
  }

  TempDir Dir;
  std::string Src;
  AnalysisResult Result;
  ReportOptions Opts;
};

TEST_F(ReportTest, DiagnosticsAreTheFindingThenItsChain) {
  Opts.Levels[Category::DiskIO] = Level::Error;
  std::vector<Diagnostic> D = diagnosticsFor(Result.Findings[0], Opts);
  ASSERT_EQ(D.size(), 4u);
  EXPECT_EQ(D[0].L, Level::Error);
  EXPECT_EQ(D[0].Message, Result.Findings[0].Message);
  EXPECT_EQ(D[0].Loc, Result.Findings[0].Loc);
  EXPECT_EQ(D[1].L, Level::Note);
  EXPECT_EQ(D[1].Message,
            "handler 'on_timer' registered at src/server.c:2:3 via "
            "uv_timer_start");
  EXPECT_EQ(D[1].Loc.Line, 1u);
  EXPECT_EQ(D[2].Message, "'on_timer' calls 'save'");
  EXPECT_EQ(D[3].Message, "'save' calls 'fsync'");
}

TEST_F(ReportTest, StepNotesSayHowACallWasResolved) {
  Finding &F = Result.Findings[0];
  F.Chains[0].Steps[0].Via = "virtual";
  F.Chains[0].Steps[1].Via = "field";
  std::vector<Diagnostic> D = diagnosticsFor(F, Opts);
  EXPECT_EQ(D[2].Message, "'on_timer' calls 'save' (virtual call)");
  EXPECT_EQ(D[3].Message,
            "'save' calls 'fsync' (through a function-pointer field)");
}

TEST_F(ReportTest, RootNoteForNonblockingAndAnnotatedRoots) {
  Finding &F = Result.Findings[0];
  F.TheRule = Rule::NonblockingViolation;
  F.Chains[0].RegisteredAt.reset();
  F.Chains[0].RegisteredVia.clear();
  EXPECT_EQ(diagnosticsFor(F, Opts)[1].Message,
            "'on_timer' is marked EVGUARD_NONBLOCKING");
  F.TheRule = Rule::BlockingCall;
  EXPECT_EQ(diagnosticsFor(F, Opts)[1].Message,
            "handler 'on_timer' defined here");
}

TEST_F(ReportTest, DefaultMessageWhenTheAnalysisGaveNone) {
  Finding &F = Result.Findings[0];
  F.Message.clear();
  EXPECT_EQ(diagnosticsFor(F, Opts)[0].Message,
            "call to 'fsync' may block the event loop (disk-io: waits for "
            "the disk)");
}

TEST_F(ReportTest, TextIsClangStyleWithRelativePaths) {
  Report R = makeReport(Result, Opts);
  std::string Out = text(R);
  EXPECT_NE(Out.find("src/server.c:6:5: warning: call to 'fsync' may block "
                     "the event loop (disk-io: waits for the disk) "
                     "[evguard-blocking-call]\n"),
            std::string::npos)
      << Out;
  EXPECT_NE(Out.find("src/server.c:1:13: note: handler 'on_timer' registered "
                     "at src/server.c:2:3 via uv_timer_start\n"),
            std::string::npos)
      << Out;
  EXPECT_NE(Out.find("src/server.c:6:5: note: 'save' calls 'fsync'\n"),
            std::string::npos);
  EXPECT_NE(Out.find("1 finding (1 blocking-call) from 1 of 2 handlers; 3 TUs "
                     "analyzed\n"),
            std::string::npos)
      << Out;
}

TEST_F(ReportTest, TextPrintsPathsOutsideTheCurrentDirAbsolute) {
  Opts.DisplayDir = Dir.path() + "/elsewhere";
  Report R = makeReport(Result, Opts);
  EXPECT_NE(text(R).find(Src + ":6:5: warning:"), std::string::npos);
}

TEST_F(ReportTest, DisplayPath) {
  EXPECT_EQ(displayPath("/a/b/c.c", "/a"), "b/c.c");
  EXPECT_EQ(displayPath("/a/b/c.c", "/a/"), "b/c.c");
  EXPECT_EQ(displayPath("/ab/c.c", "/a"), "/ab/c.c");
  EXPECT_EQ(displayPath("/a/b/c.c", ""), "/a/b/c.c");
  EXPECT_EQ(displayPath("/a/b/c.c", "/"), "a/b/c.c");
}

TEST_F(ReportTest, SuppressedFindingsAreHiddenFromTextUnlessAsked) {
  Finding S = Result.Findings[0];
  S.Loc.Line = 3;
  S.Callee = "sleep";
  S.Suppressed = Suppression{Suppression::Kind::AllowBlocking,
                             "only at start-up", {Src, 5, 1}};
  Result.Findings.push_back(S);
  Report R = makeReport(Result, Opts);
  std::string Out = text(R);
  EXPECT_EQ(Out.find("'sleep'"), std::string::npos) << Out;
  EXPECT_NE(Out.find("1 finding (1 blocking-call) from 1 of 2 handlers; 3 TUs "
                     "analyzed; 1 suppressed"),
            std::string::npos)
      << Out;
  EXPECT_EQ(R.failing(), 1u);

  Opts.ShowSuppressed = true;
  Out = text(R);
  EXPECT_NE(Out.find("[evguard-blocking-call] (suppressed)"), std::string::npos)
      << Out;
  EXPECT_NE(Out.find("src/server.c:5:1: note: suppressed by "
                     "EVGUARD_ALLOW_BLOCKING: only at start-up"),
            std::string::npos)
      << Out;
}

TEST_F(ReportTest, NotesDoNotFailARun) {
  Finding U;
  U.TheRule = Rule::UnknownCall;
  U.Loc = {Src, 3, 3};
  U.Callee = "mystery";
  U.Message = "call to 'mystery', which evguard knows nothing about";
  U.Roots = {"on_timer"};
  Result.Findings.push_back(U);
  Report R = makeReport(Result, Opts);
  EXPECT_EQ(R.Findings[1].L, Level::Note);
  EXPECT_EQ(R.failing(), 1u);
  Opts.UnknownCallLevel = Level::Error;
  EXPECT_EQ(makeReport(Result, Opts).failing(), 2u);
}

TEST_F(ReportTest, NotificationsArePrinted) {
  Result.Notifications.push_back({Notification::Level::Error,
                                  "cannot parse: unknown type name 'foo'",
                                  {Src, 4, 1}});
  Result.FailedTranslationUnits = 1;
  std::string Out = text(makeReport(Result, Opts));
  EXPECT_NE(Out.find("src/server.c:4:1: error: cannot parse: unknown type "
                     "name 'foo'\n"),
            std::string::npos)
      << Out;
  EXPECT_NE(Out.find("; 1 TU failed to parse"), std::string::npos) << Out;
}

TEST_F(ReportTest, JsonHasTheDocumentedSchema) {
  Finding S = Result.Findings[0];
  S.Loc.Line = 3;
  S.Suppressed = Suppression{Suppression::Kind::NoLint,
                             "NOLINT(evguard-blocking-call)", {Src, 3, 12}};
  Result.Findings.push_back(S);
  Json J = parsed(Format::Json, makeReport(Result, Opts));
  EXPECT_EQ(J["version"], 1);
  EXPECT_EQ(J["tool"]["name"], "evguard");
  EXPECT_EQ(J["tool"]["version"], toolVersion().str());
  ASSERT_EQ(J["findings"].size(), 2u);
  const Json &F = J["findings"][0];
  EXPECT_EQ(F["rule"], "evguard-blocking-call");
  EXPECT_EQ(F["level"], "warning");
  EXPECT_EQ(F["file"], "src/server.c");
  EXPECT_EQ(F["line"], 6);
  EXPECT_EQ(F["column"], 5);
  EXPECT_EQ(F["callee"], "fsync");
  EXPECT_EQ(F["category"], "disk-io");
  EXPECT_EQ(F["reason"], "waits for the disk");
  EXPECT_EQ(F["function"], "save");
  EXPECT_EQ(F["roots"], Json::array({"on_timer"}));
  EXPECT_TRUE(F["suppression"].is_null());
  EXPECT_TRUE(F["baseline_state"].is_null());
  EXPECT_EQ(F["fingerprint"].get<std::string>().size(), 32u);
  const Json &C = F["chains"][0];
  EXPECT_EQ(C["root"], "on_timer");
  EXPECT_EQ(C["registered_via"], "uv_timer_start");
  EXPECT_EQ(C["registered_at"]["line"], 2);
  ASSERT_EQ(C["steps"].size(), 2u);
  EXPECT_EQ(C["steps"][1]["caller"], "save");
  EXPECT_EQ(C["steps"][1]["callee"], "fsync");
  EXPECT_EQ(C["steps"][1]["line"], 6);
  const Json &Sup = J["findings"][1]["suppression"];
  EXPECT_EQ(Sup["kind"], "nolint");
  EXPECT_EQ(Sup["justification"], "NOLINT(evguard-blocking-call)");
  EXPECT_EQ(J["stats"]["findings"], 2);
  EXPECT_EQ(J["stats"]["suppressed"], 1);
  EXPECT_EQ(J["stats"]["failing"], 1);
  EXPECT_EQ(J["stats"]["by_rule"]["evguard-blocking-call"], 2);
  EXPECT_EQ(J["stats"]["by_rule"]["evguard-page-fault"], 0);
  EXPECT_EQ(J["stats"]["translation_units"], 3);
}

TEST_F(ReportTest, SarifCarriesRulesFlowsAndFingerprints) {
  Opts.Arguments = {"evguard", "-p", "build"};
  Opts.WorkingDirectory = Dir.path();
  Report R = makeReport(Result, Opts);
  expectValidSarif(R, "basic.sarif");
  Json J = parsed(Format::Sarif, R);
  EXPECT_EQ(J["version"], "2.1.0");
  const Json &Run = J["runs"][0];
  const Json &Driver = Run["tool"]["driver"];
  EXPECT_EQ(Driver["name"], "evguard");
  EXPECT_EQ(Driver["semanticVersion"], toolVersion().str());
  ASSERT_EQ(Driver["rules"].size(), allRules().size());
  for (const Json &Rule : Driver["rules"]) {
    EXPECT_FALSE(Rule["help"]["markdown"].get<std::string>().empty());
    EXPECT_FALSE(Rule["fullDescription"]["text"].get<std::string>().empty());
  }
  // The blocking-call help gives a recipe for every category.
  std::string Help = Driver["rules"][0]["help"]["text"];
  for (Category C : allCategories())
    EXPECT_NE(Help.find("- " + categoryName(C).str() + ": "),
              std::string::npos)
        << categoryName(C).str();
  EXPECT_EQ(Run["automationDetails"]["id"], "evguard/");
  EXPECT_EQ(Run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file://" + Dir.path() + "/");
  EXPECT_EQ(Run["invocations"][0]["executionSuccessful"], true);

  const Json &Res = Run["results"][0];
  EXPECT_EQ(Res["ruleId"], "evguard-blocking-call");
  EXPECT_EQ(Res["level"], "warning");
  const Json &Art = Res["locations"][0]["physicalLocation"]["artifactLocation"];
  EXPECT_EQ(Art["uri"], "src/server.c");
  EXPECT_EQ(Art["uriBaseId"], "%SRCROOT%");
  EXPECT_EQ(Res["properties"]["callee"], "fsync");
  EXPECT_EQ(Res["properties"]["category"], "disk-io");
  EXPECT_EQ(Res["properties"]["handlers"], Json::array({"on_timer"}));
  // The handler and where it was registered.
  ASSERT_EQ(Res["relatedLocations"].size(), 2u);
  EXPECT_EQ(Res["relatedLocations"][1]["physicalLocation"]["region"]
               ["startLine"],
            2);
  // One flow per chain: the root, then each step.
  ASSERT_EQ(Res["codeFlows"].size(), 1u);
  const Json &Flow = Res["codeFlows"][0]["threadFlows"][0]["locations"];
  ASSERT_EQ(Flow.size(), 3u);
  EXPECT_EQ(Flow[2]["location"]["message"]["text"], "'save' calls 'fsync'");
  EXPECT_TRUE(Res["partialFingerprints"].contains("evguard/v1"));
  EXPECT_TRUE(Res["partialFingerprints"].contains("primaryLocationLineHash"));
  EXPECT_FALSE(Res.contains("baselineState"));
}

TEST_F(ReportTest, SarifKeepsSuppressionsAndParseFailures) {
  Result.Findings[0].Suppressed =
      Suppression{Suppression::Kind::AllowBlocking, "shutdown path",
                  {Src, 5, 1}};
  Result.Notifications.push_back({Notification::Level::Error,
                                  "src/bad.c failed to parse",
                                  {Dir.path() + "/src/bad.c", 0, 0}});
  Result.FailedTranslationUnits = 1;
  Report R = makeReport(Result, Opts);
  expectValidSarif(R, "suppressed.sarif");
  Json Run = parsed(Format::Sarif, R)["runs"][0];
  const Json &Sup = Run["results"][0]["suppressions"][0];
  EXPECT_EQ(Sup["kind"], "inSource");
  EXPECT_EQ(Sup["justification"], "shutdown path");
  const Json &Inv = Run["invocations"][0];
  EXPECT_EQ(Inv["executionSuccessful"], false);
  EXPECT_EQ(Inv["toolExecutionNotifications"][0]["message"]["text"],
            "src/bad.c failed to parse");
  EXPECT_EQ(Inv["toolExecutionNotifications"][0]["locations"][0]
               ["physicalLocation"]["artifactLocation"]["uri"],
            "src/bad.c");
}

TEST_F(ReportTest, SarifUsesFileUrisOutsideTheSourceRoot) {
  Opts.SourceRoot = Dir.path() + "/other";
  Opts.WorkingDirectory = Dir.path();
  Result.Findings[0].Loc.File = Dir.path() + "/src/with space.c";
  Report R = makeReport(Result, Opts);
  expectValidSarif(R, "outside.sarif");
  Json Res = parsed(Format::Sarif, R)["runs"][0]["results"][0];
  const Json &Art = Res["locations"][0]["physicalLocation"]["artifactLocation"];
  EXPECT_EQ(Art["uri"], "file://" + Dir.path() + "/src/with%20space.c");
  EXPECT_FALSE(Art.contains("uriBaseId"));
}

TEST_F(ReportTest, SarifWithEveryRuleAndNoFindingsValidates) {
  Finding P = blockingFinding(Src, 3, "mmap", "on_timer", "on_timer",
                              Category::PageFault);
  Finding N = blockingFinding(Src, 6, "fsync", "save", "save", Category::Wait);
  N.TheRule = Rule::NonblockingViolation;
  N.Chains[0].RegisteredAt.reset();
  Finding U;
  U.TheRule = Rule::UnknownCall;
  U.Loc = {Src, 3, 3};
  U.Callee = "mystery";
  U.Roots = {"on_timer"};
  Result.Findings.insert(Result.Findings.end(), {P, N, U});
  expectValidSarif(makeReport(Result, Opts), "all-rules.sarif");
  Result.Findings.clear();
  expectValidSarif(makeReport(Result, Opts), "empty.sarif");
}

TEST_F(ReportTest, ConfiguredLevelsReachEveryFormat) {
  Opts.Levels[Category::DiskIO] = Level::Error;
  Report R = makeReport(Result, Opts);
  EXPECT_NE(text(R).find("src/server.c:6:5: error: "), std::string::npos);
  EXPECT_EQ(parsed(Format::Json, R)["findings"][0]["level"], "error");
  EXPECT_EQ(parsed(Format::Sarif, R)["runs"][0]["results"][0]["level"],
            "error");
}

TEST(ParseFormat, KnowsTheThreeFormats) {
  EXPECT_EQ(parseFormat("text"), Format::Text);
  EXPECT_EQ(parseFormat("json"), Format::Json);
  EXPECT_EQ(parseFormat("sarif"), Format::Sarif);
  EXPECT_EQ(parseFormat("xml"), std::nullopt);
}

} // namespace
