//===- ReportBench.cpp - The cost of each report format -------------------===//
//
// 5000 findings (code scanning's soft limit per run), each with three chains
// of four steps, in 100 source files: what each printer and the fingerprints
// cost (docs/performance.md, "Reports").
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"
#include "evguard/Baseline.h"
#include "evguard/Report.h"
#include <benchmark/benchmark.h>

using namespace evguard;
using namespace evguard::test;

namespace {

struct Fixture {
  TempDir Dir;
  AnalysisResult Result;
  ReportOptions Opts;

  Fixture() {
    Opts.SourceRoot = Dir.path();
    Opts.DisplayDir = Dir.path();
    Opts.WorkingDirectory = Dir.path();
    for (unsigned FileNo = 0; FileNo < 100; ++FileNo) {
      std::string Text;
      for (unsigned Line = 1; Line <= 60; ++Line)
        Text += "  fsync(fd_" + std::to_string(Line) + ");\n";
      std::string File =
          Dir.write("src/f" + std::to_string(FileNo) + ".c", Text);
      for (unsigned Line = 1; Line <= 50; ++Line) {
        Finding F = blockingFinding(File, Line, "fsync", "save", "on_read",
                                    Category::DiskIO);
        Chain C = F.Chains[0];
        F.Chains[0].Steps.insert(F.Chains[0].Steps.begin(), 2,
                                 F.Chains[0].Steps.front());
        for (const char *Root : {"on_write", "on_timer"}) {
          C.Root = Root;
          F.Roots.push_back(Root);
          F.Chains.push_back(C);
        }
        Result.Findings.push_back(std::move(F));
      }
    }
  }
};

Fixture &fixture() {
  static Fixture F;
  return F;
}

void BM_Fingerprints(benchmark::State &State) {
  Fixture &F = fixture();
  for (auto _ : State)
    benchmark::DoNotOptimize(
        computeFingerprints(F.Result.Findings, F.Opts.SourceRoot));
}
BENCHMARK(BM_Fingerprints)->Unit(benchmark::kMillisecond);

void printWith(benchmark::State &State, Format Fmt) {
  Fixture &F = fixture();
  Report R = makeReport(F.Result, F.Opts);
  size_t Bytes = 0;
  for (auto _ : State) {
    std::string Out;
    llvm::raw_string_ostream OS(Out);
    writeReport(OS, Fmt, R, F.Opts);
    Bytes = Out.size();
  }
  State.counters["bytes"] = Bytes;
}
void BM_Text(benchmark::State &S) { printWith(S, Format::Text); }
void BM_Json(benchmark::State &S) { printWith(S, Format::Json); }
void BM_Sarif(benchmark::State &S) { printWith(S, Format::Sarif); }
BENCHMARK(BM_Text)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Json)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sarif)->Unit(benchmark::kMillisecond);

void BM_BaselineLoadAndApply(benchmark::State &State) {
  Fixture &F = fixture();
  Report R = makeReport(F.Result, F.Opts);
  std::string Sarif;
  llvm::raw_string_ostream OS(Sarif);
  writeSarif(OS, R, F.Opts);
  for (auto _ : State) {
    auto B = Baseline::parse(Sarif, "baseline.sarif");
    if (!B) {
      State.SkipWithError(llvm::toString(B.takeError()).c_str());
      return;
    }
    applyBaseline(R, *B);
  }
}
BENCHMARK(BM_BaselineLoadAndApply)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
