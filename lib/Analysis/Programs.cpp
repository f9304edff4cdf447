//===- Programs.cpp - One program at a time -------------------------------===//
//
// A compile database usually holds several programs (a server, its CLI, a
// benchmark, a vendored interpreter with its own main, test binaries).
// Linked into one call graph they reach each other through function-pointer
// fields and report code never linked into the program at hand. So each
// program is built as a linker builds it: from the TU defining its `main`
// (or the build target's own sources), pulling in the TU that defines each
// symbol still needed, transitively (TUSummary::Defines and Needs).
//
//===----------------------------------------------------------------------===//

#include "Program.h"
#include "evguard/Analysis.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"
#include <numeric>
#include <set>

namespace evguard {
namespace {

using SummaryPtr = std::shared_ptr<const TUSummary>;

size_t commonPrefix(llvm::StringRef A, llvm::StringRef B) {
  size_t N = 0;
  while (N < A.size() && N < B.size() && A[N] == B[N])
    ++N;
  return N;
}

class ProgramBuilder {
public:
  explicit ProgramBuilder(std::vector<SummaryPtr> All) : TUs(std::move(All)) {
    for (uint32_t I = 0; I < TUs.size(); ++I)
      for (const std::string &S : TUs[I]->Defines)
        DefinedBy[S].push_back(I);
  }

  /// Seeds and, transitively, the TUs defining what they need. Only
  /// Allowed TUs (all when null) are pulled in; TUs defining main never
  /// are, each is a program of its own.
  std::vector<uint32_t> close(const std::vector<uint32_t> &Seeds,
                              const std::set<uint32_t> *Allowed) const {
    std::vector<uint32_t> In;
    std::set<uint32_t> Has;
    llvm::StringSet<> Defined;
    std::vector<std::string> Work;
    auto Add = [&](uint32_t I) {
      if (!Has.insert(I).second)
        return;
      In.push_back(I);
      for (const std::string &S : TUs[I]->Defines)
        Defined.insert(S);
      llvm::append_range(Work, TUs[I]->Needs);
    };
    for (uint32_t I : Seeds)
      Add(I);
    llvm::StringRef Anchor;
    if (!Seeds.empty())
      Anchor = TUs[Seeds.front()]->MainFile;
    while (!Work.empty()) {
      std::string Sym = std::move(Work.back());
      Work.pop_back();
      if (Defined.contains(Sym))
        continue;
      auto It = DefinedBy.find(Sym);
      if (It == DefinedBy.end())
        continue; // a system library's, or code outside the database
      std::optional<uint32_t> Best;
      for (uint32_t C : It->second) {
        if (TUs[C]->DefinesMain || (Allowed && !Allowed->count(C)))
          continue;
        // Several definitions (each program's own copy of a helper): the
        // one nearest the program's main, as a build would pick.
        if (!Best || commonPrefix(TUs[C]->MainFile, Anchor) >
                         commonPrefix(TUs[*Best]->MainFile, Anchor))
          Best = C;
      }
      if (Best)
        Add(*Best);
    }
    llvm::sort(In, [&](uint32_t A, uint32_t B) {
      return TUs[A]->MainFile < TUs[B]->MainFile;
    });
    return In;
  }

  ProgramUnits make(std::string Name, const std::vector<uint32_t> &Members) const {
    ProgramUnits P;
    P.Name = std::move(Name);
    for (uint32_t I : Members) {
      P.TUs.push_back(TUs[I]);
      if (TUs[I]->DefinesMain && P.MainFile.empty())
        P.MainFile = TUs[I]->MainFile;
    }
    return P;
  }

  const std::vector<SummaryPtr> &all() const { return TUs; }

private:
  std::vector<SummaryPtr> TUs; ///< sorted by main file
  llvm::StringMap<std::vector<uint32_t>> DefinedBy;
};

/// "server" for server.c; the path from the mains' common directory when
/// two programs' main files share a name (tools/main, bench/main).
std::vector<std::string> programNames(const std::vector<std::string> &Mains) {
  std::vector<std::string> Names;
  llvm::StringMap<unsigned> Count;
  for (const std::string &M : Mains)
    ++Count[llvm::sys::path::stem(M)];
  size_t Common = Mains.empty() ? 0 : Mains.front().size();
  for (const std::string &M : Mains)
    Common = std::min(Common, commonPrefix(M, Mains.front()));
  for (const std::string &M : Mains) {
    llvm::StringRef Stem = llvm::sys::path::stem(M);
    if (Count[Stem] == 1) {
      Names.push_back(Stem.str());
      continue;
    }
    llvm::StringRef Rel = llvm::StringRef(M).substr(0, M.rfind('.'));
    size_t Cut = llvm::StringRef(M).substr(0, Common).rfind('/');
    Names.push_back(Rel.substr(Cut == llvm::StringRef::npos ? 0 : Cut + 1).str());
  }
  return Names;
}

std::vector<ProgramUnits> fromMains(const ProgramBuilder &B) {
  std::vector<uint32_t> Mains;
  std::vector<std::string> MainFiles;
  for (uint32_t I = 0; I < B.all().size(); ++I)
    if (B.all()[I]->DefinesMain) {
      Mains.push_back(I);
      MainFiles.push_back(B.all()[I]->MainFile);
    }
  std::vector<std::string> Names = programNames(MainFiles);
  std::vector<ProgramUnits> Out;
  for (size_t I = 0; I < Mains.size(); ++I)
    Out.push_back(B.make(Names[I], B.close({Mains[I]}, nullptr)));
  return Out;
}

std::vector<ProgramUnits> fromTargets(const ProgramBuilder &B,
                                      llvm::ArrayRef<BuildTarget> Targets) {
  llvm::StringMap<uint32_t> ByFile;
  for (uint32_t I = 0; I < B.all().size(); ++I)
    ByFile[B.all()[I]->MainFile] = I;
  std::vector<ProgramUnits> Out;
  for (const BuildTarget &T : Targets) {
    std::vector<uint32_t> Seeds;
    std::set<uint32_t> Allowed;
    for (const std::string &S : T.Sources)
      if (auto It = ByFile.find(S); It != ByFile.end())
        Seeds.push_back(It->second);
    for (const std::string &S : T.LibrarySources)
      if (auto It = ByFile.find(S); It != ByFile.end())
        Allowed.insert(It->second);
    if (Seeds.empty())
      continue; // none of its sources is in the compile database
    llvm::sort(Seeds, [&](uint32_t A, uint32_t C) {
      return B.all()[A]->DefinesMain > B.all()[C]->DefinesMain;
    });
    Out.push_back(B.make(T.Name, B.close(Seeds, &Allowed)));
  }
  return Out;
}

} // namespace

std::vector<ProgramUnits>
splitPrograms(llvm::ArrayRef<std::shared_ptr<const TUSummary>> TUs,
              llvm::ArrayRef<BuildTarget> Targets) {
  std::vector<SummaryPtr> Sorted(TUs.begin(), TUs.end());
  llvm::stable_sort(Sorted, [](const SummaryPtr &A, const SummaryPtr &B) {
    return A->MainFile < B->MainFile;
  });
  ProgramBuilder B(Sorted);
  std::vector<ProgramUnits> Out =
      Targets.empty() ? fromMains(B) : fromTargets(B, Targets);
  if (Out.empty())
    return {B.make("", B.close([&] {
      std::vector<uint32_t> All(Sorted.size());
      std::iota(All.begin(), All.end(), 0);
      return All;
    }(), nullptr))};

  // Code no program links (a plugin, a library built alone) is still
  // checked, as one program of its own.
  std::set<const TUSummary *> Used;
  for (const ProgramUnits &P : Out)
    for (const SummaryPtr &TU : P.TUs)
      Used.insert(TU.get());
  std::vector<uint32_t> Rest;
  for (uint32_t I = 0; I < Sorted.size(); ++I)
    if (!Used.count(Sorted[I].get()) && !Sorted[I]->DefinesMain)
      Rest.push_back(I);
  if (!Rest.empty())
    Out.push_back(B.make("(library)", B.close(Rest, nullptr)));
  llvm::stable_sort(Out, [](const ProgramUnits &A, const ProgramUnits &B) {
    return A.Name < B.Name;
  });
  return Out;
}

AnalysisResult analyzePrograms(llvm::ArrayRef<ProgramUnits> Programs,
                               const AnnotationDatabase &DB,
                               const AnalysisOptions &Opts) {
  AnalysisResult Out;
  llvm::StringSet<> Functions, Handlers;
  std::set<const TUSummary *> TUs;
  for (const ProgramUnits &PU : Programs) {
    std::unique_ptr<Program> P = linkProgram(PU.TUs, DB, Opts);
    AnalysisResult R = findBlockingCalls(*P, Opts);
    for (const Function &F : P->Functions)
      Functions.insert(F.Usr);
    for (const Registration &Root : P->Roots)
      Handlers.insert(P->Functions[Root.Handler].Usr);
    for (const auto &TU : PU.TUs)
      TUs.insert(TU.get());
    for (Finding &F : R.Findings) {
      F.Program = PU.Name;
      Out.Findings.push_back(std::move(F));
    }
    llvm::append_range(Out.Notifications, R.Notifications);
    Out.Programs.push_back({PU.Name, PU.MainFile,
                            static_cast<unsigned>(PU.TUs.size()), R.Handlers});
  }
  Out.Functions = Functions.size();
  Out.Handlers = Handlers.size();
  Out.TranslationUnits = TUs.size();
  return Out;
}

} // namespace evguard
