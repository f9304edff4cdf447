// How fast the database answers and loads, next to the naive alternative:
// lookup() through the name index against a linear scan with the same
// matching rule, and loading (parse + validate + locate + merge) against a
// bare nlohmann parse of the same files. See docs/performance.md.

#include "evguard/Database.h"
#include "llvm/Support/MemoryBuffer.h"
#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace evguard;

namespace {

const char *const Files[] = {"posix.json", "cxx-stdlib.json", "libuv.json",
                             "libevent.json", "boost-asio.json"};

const std::vector<std::string> &texts() {
  static const std::vector<std::string> Texts = [] {
    std::vector<std::string> Out;
    for (const char *Name : Files) {
      auto Buffer = llvm::MemoryBuffer::getFile(
          std::string(EVGUARD_BENCH_ANNOTATIONS_DIR) + "/" + Name);
      if (!Buffer) {
        fprintf(stderr, "error: cannot read %s\n", Name);
        std::exit(2);
      }
      Out.push_back((*Buffer)->getBuffer().str());
    }
    return Out;
  }();
  return Texts;
}

const AnnotationDatabase &database() {
  static const AnnotationDatabase DB = [] {
    AnnotationDatabase DB;
    for (size_t I = 0; I < texts().size(); ++I)
      if (llvm::Error Err = DB.addBuffer(texts()[I], Files[I])) {
        fprintf(stderr, "%s\n", llvm::toString(std::move(Err)).c_str());
        std::exit(2);
      }
    return DB;
  }();
  return DB;
}

/// One key per entry (as a call site would present it: with a class and
/// parameter types) and as many keys the database does not know, like the
/// calls between a program's own functions.
const std::vector<FunctionKey> &keys() {
  static const std::vector<FunctionKey> Keys = [] {
    std::vector<FunctionKey> Out;
    for (const FunctionEntry &E : database().functions()) {
      FunctionKey K;
      K.Name = E.Name;
      if (E.Class)
        K.Class = K.ClassTemplate = *E.Class;
      if (E.Params)
        K.ParamTypes = K.CanonicalParamTypes = *E.Params;
      Out.push_back(K);
      K.Name = "app::" + E.Name + "_impl";
      Out.push_back(std::move(K));
    }
    return Out;
  }();
  return Keys;
}

void lookupIndexed(benchmark::State &State) {
  const AnnotationDatabase &DB = database();
  for (auto _ : State)
    for (const FunctionKey &K : keys())
      benchmark::DoNotOptimize(DB.lookup(K));
  State.SetItemsProcessed(State.iterations() * keys().size());
}
BENCHMARK(lookupIndexed);

/// The same answer without the index: every entry tried for every key.
void lookupLinear(benchmark::State &State) {
  llvm::ArrayRef<FunctionEntry> All = database().functions();
  for (auto _ : State)
    for (const FunctionKey &K : keys()) {
      const FunctionEntry *Best = nullptr;
      unsigned BestRank = 0;
      for (const FunctionEntry &E : All)
        if (auto Rank = matchRank(E, K); Rank && (!Best || *Rank > BestRank)) {
          Best = &E;
          BestRank = *Rank;
        }
      benchmark::DoNotOptimize(Best);
    }
  State.SetItemsProcessed(State.iterations() * keys().size());
}
BENCHMARK(lookupLinear);

void loadDefaultFiles(benchmark::State &State) {
  for (auto _ : State) {
    AnnotationDatabase DB;
    for (size_t I = 0; I < texts().size(); ++I)
      if (llvm::Error Err = DB.addBuffer(texts()[I], Files[I]))
        State.SkipWithError(llvm::toString(std::move(Err)).c_str());
    benchmark::DoNotOptimize(DB.functions().size());
  }
}
BENCHMARK(loadDefaultFiles)->Unit(benchmark::kMillisecond);

/// The floor: only parsing the JSON, no validation, positions or merging.
void parseOnly(benchmark::State &State) {
  for (auto _ : State)
    for (const std::string &Text : texts())
      benchmark::DoNotOptimize(nlohmann::json::parse(Text).size());
}
BENCHMARK(parseOnly)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
