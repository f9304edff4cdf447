//===- Link.cpp - Summaries -> one resolved program -----------------------===//
//
// Function identity is the USR, so a function declared in one TU and
// defined in another is one node. Callables are tracked by a small
// inclusion-based points-to analysis over functions only: every variable,
// parameter and field that may hold a callable is a node, every store and
// every argument an edge, and calls through fields and pointers get their
// targets from it. It is flow-insensitive: a field that ever holds a
// function may call it.
//
//===----------------------------------------------------------------------===//

#include "Program.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include <algorithm>
#include <map>
#include <set>

namespace evguard {
namespace {

class PointsTo {
public:
  uint32_t node(const ValueRef &R) {
    std::string Key;
    switch (R.K) {
    case ValueRef::Kind::Var:
      Key = "v" + R.Id;
      break;
    case ValueRef::Kind::Param:
      Key = "p" + std::to_string(R.Index) + "#" + R.Id;
      break;
    case ValueRef::Kind::Field:
      Key = "f" + R.Id;
      break;
    case ValueRef::Kind::Function:
      llvm_unreachable("functions are constants, not nodes");
    }
    return nodeFor(Key);
  }
  uint32_t paramNode(const std::string &FnUsr, uint32_t Index) {
    return nodeFor("p" + std::to_string(Index) + "#" + FnUsr);
  }
  std::optional<uint32_t> existing(const ValueRef &R) const {
    std::string Key = R.K == ValueRef::Kind::Var     ? "v" + R.Id
                      : R.K == ValueRef::Kind::Field ? "f" + R.Id
                      : "p" + std::to_string(R.Index) + "#" + R.Id;
    auto It = Ids.find(Key);
    if (It == Ids.end())
      return std::nullopt;
    return It->second;
  }

  void addFunction(uint32_t Node, uint32_t Fn) {
    if (Nodes[Node].Has.insert(Fn).second) {
      Nodes[Node].Fns.push_back(Fn);
      Work.push_back(Node);
    }
  }
  /// Returns true when the edge is new.
  bool addEdge(uint32_t From, uint32_t To) {
    if (From == To || !Nodes[From].SuccSet.insert(To).second)
      return false;
    Nodes[From].Succs.push_back(To);
    for (uint32_t Fn : Nodes[From].Fns)
      addFunction(To, Fn);
    return true;
  }
  void propagate() {
    while (!Work.empty()) {
      uint32_t N = Work.back();
      Work.pop_back();
      // Copy: addFunction may grow Nodes and invalidate references.
      std::vector<uint32_t> Fns = Nodes[N].Fns;
      std::vector<uint32_t> Succs = Nodes[N].Succs;
      for (uint32_t S : Succs)
        for (uint32_t Fn : Fns)
          addFunction(S, Fn);
    }
  }
  const std::vector<uint32_t> &functions(uint32_t Node) const {
    return Nodes[Node].Fns;
  }

private:
  struct Node {
    std::vector<uint32_t> Fns;
    llvm::DenseSet<uint32_t> Has;
    std::vector<uint32_t> Succs;
    llvm::DenseSet<uint32_t> SuccSet;
  };
  uint32_t nodeFor(const std::string &Key) {
    auto [It, Inserted] = Ids.try_emplace(Key, Nodes.size());
    if (Inserted)
      Nodes.emplace_back();
    return It->second;
  }
  llvm::StringMap<uint32_t> Ids;
  std::vector<Node> Nodes;
  std::vector<uint32_t> Work;
};

void addUnique(std::vector<uint32_t> &V, uint32_t X) {
  if (llvm::find(V, X) == V.end())
    V.push_back(X);
}

class Linker {
public:
  Linker(const AnnotationDatabase &DB, const AnalysisOptions &Opts)
      : DB(DB), Opts(Opts), P(std::make_unique<Program>()) {}

  std::unique_ptr<Program> run(std::vector<const TUSummary *> TUs);

private:
  uint32_t internFile(const std::string &Path);
  GlobalLoc global(const TUSummary &TU, const Loc &L);
  void mergeFunctions(const TUSummary &TU);
  std::optional<uint32_t> fnId(const std::string &Usr) const {
    auto It = P->ByUsr.find(Usr);
    if (It == P->ByUsr.end())
      return std::nullopt;
    return It->second;
  }
  /// Add Sources into the points-to node Dest.
  void flowInto(uint32_t Dest, const std::vector<ValueRef> &Sources);
  /// The functions a list of sources may denote (after propagation).
  std::vector<uint32_t> resolve(const std::vector<ValueRef> &Sources) const;
  std::vector<uint32_t> targetsOf(const CallSite &Site);
  std::vector<uint32_t> virtualTargets(uint32_t Method) const;
  void buildPointsTo();
  void resolveCalls();
  ResolvedCall resolveCall(const CallSite &Site, const TUSummary &TU);
  void propagateForks();
  void propagateNonblocking();
  bool blockingDescriptor(const ValueRef &R) const {
    return FileDescriptors.count(R) ||
           (BlockingDescriptors.count(R) && !NonblockingDescriptors.count(R));
  }
  void deriveRegisteringParams();
  void findRoots();
  bool isHandlerField(const std::string &Key) const;

  const AnnotationDatabase &DB;
  const AnalysisOptions &Opts;
  std::unique_ptr<Program> P;
  std::vector<const TUSummary *> TUs;
  llvm::StringMap<uint32_t> FileIds;
  std::map<std::string, std::vector<uint32_t>> AddressTakenByType;
  llvm::StringSet<> AnnotatedHandlerFields;
  std::set<ValueRef> FileDescriptors;
  std::set<ValueRef> BlockingDescriptors;
  std::set<ValueRef> NonblockingDescriptors;
  PointsTo PT;
};

uint32_t Linker::internFile(const std::string &Path) {
  auto [It, Inserted] = FileIds.try_emplace(Path, P->Files.size());
  if (Inserted)
    P->Files.push_back(Path);
  return It->second;
}

GlobalLoc Linker::global(const TUSummary &TU, const Loc &L) {
  if (L.Line == 0 || L.File >= TU.Files.size())
    return {};
  return {internFile(TU.Files[L.File]), L.Line, L.Col};
}

void Linker::mergeFunctions(const TUSummary &TU) {
  for (const FunctionRecord &R : TU.Functions) {
    auto [It, Inserted] = P->ByUsr.try_emplace(R.Usr, P->Functions.size());
    if (Inserted) {
      Function F;
      F.Usr = R.Usr;
      F.Name = R.Name;
      F.At = global(TU, R.At);
      F.FnType = R.FnType;
      P->Functions.push_back(std::move(F));
    }
    Function &F = P->Functions[It->second];
    F.StandardLibrary |= R.StandardLibrary;
    // The TU holding a body decides whether it is library code: a project
    // header reached through -isystem (Bazel's `includes`, CMake's SYSTEM)
    // makes other TUs' declarations "system", not the project's definition.
    if (!F.HasBody)
      F.System = R.HasBody ? R.System : (F.System || R.System);
    F.AddressTaken |= R.AddressTaken;
    F.Forks |= R.Forks;
    for (const std::string &U : R.ReturnsResultOf)
      if (llvm::find(F.ReturnsResultOf, U) == F.ReturnsResultOf.end())
        F.ReturnsResultOf.push_back(U);
    F.Handler |= R.Handler;
    F.Nonblocking |= R.Nonblocking;
    if (!F.AllowBlocking)
      F.AllowBlocking = R.AllowBlocking;
    if (!F.Blocking)
      F.Blocking = R.Blocking;
    if (!F.MayFault)
      F.MayFault = R.MayFault;
    for (uint32_t I : R.RegistersParams)
      addUnique(F.RegistersParams, I);
    for (uint32_t I : R.OffloadsParams)
      addUnique(F.OffloadsParams, I);
    for (uint32_t I : R.SetsNonblockingParams)
      addUnique(F.SetsNonblockingParams, I);
    if (!R.HasBody)
      continue;
    GlobalLoc At = global(TU, R.At);
    if (!F.HasBody) {
      F.HasBody = true;
      F.At = At;
    }
    bool Copy = llvm::any_of(F.Bodies, [&](const Function::Body &B) {
      return B.At.File == At.File && B.At.Line == At.Line && B.At.Col == At.Col;
    });
    if (!Copy)
      F.Bodies.push_back({&TU, &R, At});
  }
}

void Linker::flowInto(uint32_t Dest, const std::vector<ValueRef> &Sources) {
  for (const ValueRef &S : Sources) {
    if (S.K == ValueRef::Kind::Function) {
      if (auto Id = fnId(S.Id))
        PT.addFunction(Dest, *Id);
      continue;
    }
    PT.addEdge(PT.node(S), Dest);
  }
}

std::vector<uint32_t> Linker::resolve(const std::vector<ValueRef> &Sources) const {
  std::vector<uint32_t> Out;
  for (const ValueRef &S : Sources) {
    if (S.K == ValueRef::Kind::Function) {
      if (auto Id = fnId(S.Id))
        Out.push_back(*Id);
      continue;
    }
    if (auto N = PT.existing(S))
      llvm::append_range(Out, PT.functions(*N));
  }
  llvm::sort(Out);
  Out.erase(std::unique(Out.begin(), Out.end()), Out.end());
  return Out;
}

std::vector<uint32_t> Linker::virtualTargets(uint32_t Method) const {
  std::vector<uint32_t> Out{Method};
  for (size_t I = 0; I < Out.size(); ++I)
    for (uint32_t O : P->Functions[Out[I]].Overriders)
      addUnique(Out, O);
  llvm::sort(Out);
  return Out;
}

std::vector<uint32_t> Linker::targetsOf(const CallSite &Site) {
  std::vector<uint32_t> Out;
  switch (Site.K) {
  case CallSite::Kind::Direct:
    if (auto Id = fnId(Site.Target))
      Out.push_back(*Id);
    return Out;
  case CallSite::Kind::Virtual:
    if (auto Id = fnId(Site.Target))
      return virtualTargets(*Id);
    return Out;
  case CallSite::Kind::Field:
    // Every function stored into the field anywhere, and nothing else: a
    // field never stored to calls nothing evguard can name (and guessing
    // by type would drag in thread start routines and the like).
    Out = resolve({ValueRef{ValueRef::Kind::Field, Site.Target}});
    return Out;
  case CallSite::Kind::Pointer:
    Out = resolve(Site.Sources);
    break;
  }
  if (Out.empty() && Opts.PointerFallback && !Site.FnType.empty()) {
    auto It = AddressTakenByType.find(Site.FnType);
    if (It != AddressTakenByType.end())
      Out = It->second;
  }
  return Out;
}

void Linker::buildPointsTo() {
  for (const TUSummary *TU : TUs)
    for (const Store &S : TU->Stores)
      flowInto(PT.node(S.Dest), S.Sources);
  // Arguments flow into parameters. Calls through fields and pointers only
  // know their targets once the sets are known: iterate to a fixpoint.
  llvm::DenseSet<std::pair<uint64_t, uint32_t>> Done; // (site, target)
  for (unsigned Round = 0; Round < 16; ++Round) {
    PT.propagate();
    bool Changed = false;
    uint64_t SiteKey = 0;
    for (Function &F : P->Functions) {
      for (const Function::Body &B : F.Bodies) {
        for (const CallSite &Site : B.Record->Calls) {
          ++SiteKey;
          if (Site.Callables.empty())
            continue;
          for (uint32_t T : targetsOf(Site)) {
            if (!Done.insert({SiteKey, T}).second)
              continue;
            Changed = true;
            for (const CallableArg &A : Site.Callables)
              flowInto(PT.paramNode(P->Functions[T].Usr, A.Param), A.Sources);
          }
        }
      }
    }
    if (!Changed)
      break;
  }
  PT.propagate();
}

/// A function that returns what a forking function returned forks too
/// (Redis' redisFork()).
void Linker::propagateForks() {
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (Function &F : P->Functions) {
      if (F.Forks)
        continue;
      for (const std::string &U : F.ReturnsResultOf)
        if (auto Id = fnId(U); Id && P->Functions[*Id].Forks) {
          F.Forks = Changed = true;
          break;
        }
    }
  }
}

/// A function that passes its parameter on to one that switches it to
/// non-blocking mode switches it too (set_nonblock(fd) -> fcntl); what a
/// caller passes there is non-blocking from then on. A function evguard
/// cannot look into (no body in the program, no database entry: a library's
/// own helper, or another file under clang-tidy) may switch it as well.
void Linker::propagateNonblocking() {
  auto Switches = [&](uint32_t Callee, uint32_t Arg) {
    const Function &C = P->Functions[Callee];
    if (llvm::is_contained(C.SetsNonblockingParams, Arg))
      return true;
    return !C.HasBody && !C.System && !C.Blocking && !C.MayFault;
  };
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (const TUSummary *TU : TUs)
      for (const FunctionRecord &R : TU->Functions)
        for (const DescriptorPass &DP : R.DescriptorPasses) {
          auto Callee = fnId(DP.Callee);
          if (!Callee || !Switches(*Callee, DP.Arg))
            continue;
          if (DP.Source.K != ValueRef::Kind::Param) {
            NonblockingDescriptors.insert(DP.Source);
            continue;
          }
          Function &Caller = P->Functions[P->ByUsr.lookup(R.Usr)];
          if (DP.Source.Id == R.Usr &&
              !llvm::is_contained(Caller.SetsNonblockingParams, DP.Source.Index)) {
            Caller.SetsNonblockingParams.push_back(DP.Source.Index);
            Changed = true;
          }
        }
  }
}

void Linker::resolveCalls() {
  for (Function &F : P->Functions) {
    for (const Function::Body &B : F.Bodies)
      for (const CallSite &Site : B.Record->Calls)
        F.Calls.push_back(resolveCall(Site, *B.From));
  }
}

ResolvedCall Linker::resolveCall(const CallSite &Site, const TUSummary &TU) {
  ResolvedCall RC;
  RC.Site = &Site;
  RC.At = global(TU, Site.At);
  RC.Targets = targetsOf(Site);
  if (!Site.ChildOf.empty())
    if (auto Guard = fnId(Site.ChildOf))
      RC.InChild = P->Functions[*Guard].Forks;
  RC.OnBlockingDescriptor =
      Site.DescriptorIsFile ||
      llvm::any_of(Site.DescriptorSources,
                   [&](const ValueRef &R) { return blockingDescriptor(R); });
  for (uint32_t T : RC.Targets) {
    const Function &Callee = P->Functions[T];
    if (Callee.HasBody && !Callee.System)
      continue;
    for (const CallableArg &A : Site.Callables) {
      if (llvm::is_contained(Callee.RegistersParams, A.Param) ||
          llvm::is_contained(Callee.OffloadsParams, A.Param))
        continue;
      for (uint32_t Fn : resolve(A.Sources))
        addUnique(RC.CalledBack, Fn);
    }
  }
  llvm::sort(RC.CalledBack);
  return RC;
}

/// A function that passes its own parameter to a registering parameter
/// registers through that parameter too (a wrapper).
void Linker::deriveRegisteringParams() {
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (Function &F : P->Functions) {
      for (const ResolvedCall &RC : F.Calls) {
        for (const CallableArg &A : RC.Site->Callables) {
          bool Registers = llvm::any_of(RC.Targets, [&](uint32_t T) {
            return llvm::is_contained(P->Functions[T].RegistersParams, A.Param);
          });
          if (!Registers)
            continue;
          for (const ValueRef &S : A.Sources) {
            if (S.K != ValueRef::Kind::Param || S.Id != F.Usr ||
                llvm::is_contained(F.RegistersParams, S.Index))
              continue;
            F.RegistersParams.push_back(S.Index);
            Changed = true;
          }
        }
      }
    }
  }
}

bool Linker::isHandlerField(const std::string &Key) const {
  if (AnnotatedHandlerFields.contains(Key))
    return true;
  size_t Sep = Key.rfind("::");
  if (Sep == std::string::npos)
    return false;
  return DB.isHandlerField(llvm::StringRef(Key).substr(0, Sep),
                           llvm::StringRef(Key).substr(Sep + 2));
}

void Linker::findRoots() {
  struct Candidate {
    bool Direct;
    GlobalLoc At;
    std::string Via;
  };
  std::map<uint32_t, std::optional<Candidate>> Best;
  auto Offer = [&](uint32_t H, Candidate C) {
    auto &Slot = Best[H];
    auto Key = [](const Candidate &X) {
      return std::make_tuple(!X.Direct, X.At.File, X.At.Line, X.At.Col, X.Via);
    };
    if (!Slot || Key(C) < Key(*Slot))
      Slot = std::move(C);
  };
  for (uint32_t I = 0; I < P->Functions.size(); ++I)
    if (P->Functions[I].Handler)
      Best.try_emplace(I, std::nullopt);

  for (const Function &F : P->Functions) {
    for (const ResolvedCall &RC : F.Calls) {
      for (const CallableArg &A : RC.Site->Callables) {
        std::string Via;
        for (uint32_t T : RC.Targets)
          if (llvm::is_contained(P->Functions[T].RegistersParams, A.Param)) {
            Via = P->Functions[T].Name;
            break;
          }
        if (Via.empty())
          continue;
        bool Direct = llvm::any_of(A.Sources, [](const ValueRef &S) {
          return S.K == ValueRef::Kind::Function;
        });
        for (uint32_t H : resolve(A.Sources))
          Offer(H, {Direct, RC.At, Via});
      }
    }
  }
  for (const TUSummary *TU : TUs)
    for (const Store &S : TU->Stores) {
      if (S.Dest.K != ValueRef::Kind::Field || !isHandlerField(S.Dest.Id))
        continue;
      for (uint32_t H : resolve(S.Sources))
        Offer(H, {true, global(*TU, S.At), "field " + S.Dest.Id});
    }

  for (auto &[H, C] : Best) {
    Registration R;
    R.Handler = H;
    if (C) {
      R.At = C->At;
      R.Via = C->Via;
    } else {
      R.Via = "EVGUARD_HANDLER";
    }
    P->Roots.push_back(std::move(R));
  }
  llvm::sort(P->Roots, [&](const Registration &A, const Registration &B) {
    const Function &FA = P->Functions[A.Handler], &FB = P->Functions[B.Handler];
    return std::tie(FA.Name, FA.Usr) < std::tie(FB.Name, FB.Usr);
  });
}

std::unique_ptr<Program> Linker::run(std::vector<const TUSummary *> Sorted) {
  TUs = std::move(Sorted);
  for (const TUSummary *TU : TUs) {
    mergeFunctions(*TU);
    for (const std::string &Key : TU->HandlerFields)
      AnnotatedHandlerFields.insert(Key);
    FileDescriptors.insert(TU->FileDescriptors.begin(), TU->FileDescriptors.end());
    BlockingDescriptors.insert(TU->BlockingDescriptors.begin(),
                               TU->BlockingDescriptors.end());
    NonblockingDescriptors.insert(TU->NonblockingDescriptors.begin(),
                                  TU->NonblockingDescriptors.end());
  }
  // Overrides point up; the class hierarchy analysis walks down.
  for (const TUSummary *TU : TUs)
    for (const FunctionRecord &R : TU->Functions) {
      uint32_t Id = P->ByUsr.lookup(R.Usr);
      for (const std::string &Base : R.Overrides)
        if (auto B = fnId(Base))
          addUnique(P->Functions[*B].Overriders, Id);
    }
  for (uint32_t I = 0; I < P->Functions.size(); ++I) {
    const Function &F = P->Functions[I];
    if (F.AddressTaken && !F.FnType.empty())
      AddressTakenByType[F.FnType].push_back(I);
  }
  for (Function &F : P->Functions)
    llvm::sort(F.Overriders);
  propagateForks();
  propagateNonblocking();
  buildPointsTo();
  resolveCalls();
  deriveRegisteringParams();
  findRoots();
  return std::move(P);
}

} // namespace

std::unique_ptr<Program>
linkProgram(llvm::ArrayRef<std::shared_ptr<const TUSummary>> TUs,
            const AnnotationDatabase &DB, const AnalysisOptions &Opts) {
  std::vector<const TUSummary *> Sorted;
  for (const auto &TU : TUs)
    Sorted.push_back(TU.get());
  llvm::stable_sort(Sorted, [](const TUSummary *A, const TUSummary *B) {
    return A->MainFile < B->MainFile;
  });
  // The same TU twice (a file listed twice in compile_commands.json) adds
  // nothing.
  Sorted.erase(std::unique(Sorted.begin(), Sorted.end(),
                           [](const TUSummary *A, const TUSummary *B) {
                             return A->MainFile == B->MainFile;
                           }),
               Sorted.end());
  return Linker(DB, Opts).run(std::move(Sorted));
}

} // namespace evguard
