//===- Reach.cpp - From roots to blocking calls ---------------------------===//
//
// A breadth-first walk from each root (every handler, and every function
// that promises not to block) gives the shortest chain to each function it
// reaches. Functions that promise not to block end the walk (their callers
// trust them); EVGUARD_ALLOW_BLOCKING functions are walked in a second pass
// so that what is only reached through them comes out suppressed, with the
// reason, instead of vanishing.
//
//===----------------------------------------------------------------------===//

#include "Program.h"

#include "llvm/ADT/STLExtras.h"
#include <deque>
#include <map>

namespace evguard {
namespace {

constexpr uint32_t None = UINT32_MAX;

/// How a root reached a function: the call that got there first.
struct Visit {
  uint32_t From = None;     ///< the calling function
  uint32_t Call = None;     ///< index into From's Calls
  uint32_t ViaCallback = 0; ///< 1 when through a called-back callable
  uint32_t AllowedBy = None; ///< the allowing function, in the second pass
};

enum class Leaf { None, Blocking, Fault, Unknown };

struct FindingKey {
  Rule R;
  uint32_t Caller;
  uint32_t Call;
  uint32_t Callee;
  friend auto operator<=>(const FindingKey &, const FindingKey &) = default;
};

struct RootReach {
  uint32_t Root;          ///< function id
  const Registration *Reg; ///< null for nonblocking roots
  std::vector<ChainStep> Steps;
  std::optional<uint32_t> AllowedBy;
};

class Walker {
public:
  Walker(const Program &P, const AnalysisOptions &Opts) : P(P), Opts(Opts) {}
  AnalysisResult run();

private:
  void walkFrom(uint32_t Root, const Registration *Reg, bool NonblockingRoot);
  std::vector<ChainStep> chainTo(uint32_t Fn, uint32_t Call, uint32_t Callee,
                                 bool Callback) const;
  bool follows(uint32_t Callee, uint32_t Root) const;
  Finding makeFinding(const FindingKey &K, std::vector<RootReach> &Reaches) const;
  std::string chainName(uint32_t Fn) const { return P.Functions[Fn].Name; }

  const Program &P;
  const AnalysisOptions &Opts;
  std::vector<Visit> Visits;
  std::vector<uint32_t> Stamp;
  uint32_t Epoch = 0;
  std::map<FindingKey, std::vector<RootReach>> Found;
};

Leaf leafKind(const Function &Callee, const ResolvedCall &RC,
              const AnalysisOptions &Opts) {
  bool Direct = RC.Site->K == CallSite::Kind::Direct;
  bool Proved = Direct && RC.Site->ProvedNonblocking;
  if (Direct && RC.Site->DescriptorCheck && !RC.OnBlockingDescriptor &&
      Opts.AssumeNonblockingDescriptors)
    Proved = true;
  if (Callee.Blocking && !Proved)
    return Leaf::Blocking;
  if (Callee.MayFault)
    return Leaf::Fault;
  if (!Callee.HasBody && !Callee.StandardLibrary && !Callee.Nonblocking &&
      !Callee.Blocking && Callee.RegistersParams.empty() &&
      Callee.OffloadsParams.empty())
    return Leaf::Unknown;
  return Leaf::None;
}

bool Walker::follows(uint32_t Callee, uint32_t Root) const {
  const Function &F = P.Functions[Callee];
  if (!F.HasBody || F.System || F.Blocking || F.MayFault)
    return false;
  if (F.Nonblocking && Callee != Root)
    return false;
  return true;
}

std::vector<ChainStep> Walker::chainTo(uint32_t Fn, uint32_t Call,
                                       uint32_t Callee, bool Callback) const {
  std::vector<ChainStep> Steps;
  auto Via = [](const ResolvedCall &RC, bool CalledBack) -> std::string {
    if (CalledBack)
      return "callable";
    switch (RC.Site->K) {
    case CallSite::Kind::Direct:
      return "direct";
    case CallSite::Kind::Virtual:
      return "virtual";
    case CallSite::Kind::Field:
      return "field";
    case CallSite::Kind::Pointer:
      return "pointer";
    }
    return "direct";
  };
  const ResolvedCall &Last = P.Functions[Fn].Calls[Call];
  Steps.push_back({chainName(Fn), chainName(Callee), P.point(Last.At), Via(Last, Callback)});
  for (uint32_t Cur = Fn; Visits[Cur].From != None; Cur = Visits[Cur].From) {
    const Visit &V = Visits[Cur];
    const ResolvedCall &RC = P.Functions[V.From].Calls[V.Call];
    Steps.push_back({chainName(V.From), chainName(Cur), P.point(RC.At),
                     Via(RC, V.ViaCallback)});
  }
  std::reverse(Steps.begin(), Steps.end());
  return Steps;
}

void Walker::walkFrom(uint32_t Root, const Registration *Reg, bool NonblockingRoot) {
  ++Epoch;
  // Two queues: the clean walk first, then what only allow-blocking
  // functions lead to.
  std::deque<uint32_t> Clean, Allowed;
  auto Reach = [&](uint32_t Fn, Visit V, std::deque<uint32_t> &Q) {
    if (Stamp[Fn] == Epoch)
      return;
    Stamp[Fn] = Epoch;
    Visits[Fn] = V;
    Q.push_back(Fn);
  };
  Reach(Root, Visit{}, P.Functions[Root].AllowBlocking ? Allowed : Clean);
  if (P.Functions[Root].AllowBlocking)
    Visits[Root].AllowedBy = Root;

  auto Expand = [&](uint32_t Fn, bool InAllowed) {
    const Function &F = P.Functions[Fn];
    uint32_t AllowedBy = Visits[Fn].AllowedBy;
    for (uint32_t CI = 0; CI < F.Calls.size(); ++CI) {
      const ResolvedCall &RC = F.Calls[CI];
      if (RC.InChild)
        continue;
      for (uint32_t T : RC.Targets) {
        const Function &Callee = P.Functions[T];
        Leaf L = leafKind(Callee, RC, Opts);
        if (L == Leaf::Unknown && !Opts.Strict)
          L = Leaf::None;
        if (L != Leaf::None) {
          Rule R = L == Leaf::Unknown ? Rule::UnknownCall
                   : NonblockingRoot  ? Rule::NonblockingViolation
                   : L == Leaf::Blocking ? Rule::BlockingCall
                                         : Rule::PageFault;
          RootReach RR{Root, Reg, chainTo(Fn, CI, T, false), std::nullopt};
          if (InAllowed)
            RR.AllowedBy = AllowedBy;
          auto &List = Found[{R, Fn, CI, T}];
          if (List.empty() || List.back().Root != Root)
            List.push_back(std::move(RR));
          continue;
        }
        if (!follows(T, Root))
          continue;
        Visit V{Fn, CI, 0, AllowedBy};
        if (!InAllowed && Callee.AllowBlocking) {
          V.AllowedBy = T;
          Reach(T, V, Allowed);
        } else {
          Reach(T, V, InAllowed ? Allowed : Clean);
        }
      }
      for (uint32_t T : RC.CalledBack) {
        if (!follows(T, Root))
          continue;
        Visit V{Fn, CI, 1, AllowedBy};
        if (!InAllowed && P.Functions[T].AllowBlocking) {
          V.AllowedBy = T;
          Reach(T, V, Allowed);
        } else {
          Reach(T, V, InAllowed ? Allowed : Clean);
        }
      }
    }
  };
  while (!Clean.empty()) {
    uint32_t Fn = Clean.front();
    Clean.pop_front();
    Expand(Fn, false);
  }
  while (!Allowed.empty()) {
    uint32_t Fn = Allowed.front();
    Allowed.pop_front();
    Expand(Fn, true);
  }
}

bool noLintMatches(const CallSite &Site, llvm::StringRef RuleId) {
  if (!Site.NoLintChecks)
    return false;
  llvm::StringRef Checks = *Site.NoLintChecks;
  if (Checks.trim().empty())
    return true;
  llvm::SmallVector<llvm::StringRef, 4> Globs;
  Checks.split(Globs, ',');
  for (llvm::StringRef G : Globs) {
    G = G.trim();
    if (G == RuleId || G == "*")
      return true;
    if (G.ends_with("*") && RuleId.starts_with(G.drop_back()))
      return true;
  }
  return false;
}

std::string messageFor(Rule R, const Function &Callee, const Finding &F,
                       const std::string &RootName) {
  std::string Cat = F.Cat ? categoryName(*F.Cat).str() : "";
  switch (R) {
  case Rule::BlockingCall:
    return "call to '" + Callee.Name + "' may block the event loop (" + Cat +
           ": " + F.Reason + ")";
  case Rule::PageFault:
    return "call to '" + Callee.Name + "' may page-fault on the event loop (" +
           F.Reason + ")";
  case Rule::NonblockingViolation:
    return "call to '" + Callee.Name + "' may block, but '" + RootName +
           "' is marked EVGUARD_NONBLOCKING (" + Cat + ": " + F.Reason + ")";
  case Rule::UnknownCall:
    return "call to '" + Callee.Name +
           "', which has no body in the program and no database entry, is "
           "reached from " +
           std::to_string(F.Roots.size()) + " handler" +
           (F.Roots.size() == 1 ? "" : "s");
  }
  return "";
}

Finding Walker::makeFinding(const FindingKey &K,
                            std::vector<RootReach> &Reaches) const {
  const Function &Caller = P.Functions[K.Caller];
  const ResolvedCall &RC = Caller.Calls[K.Call];
  const Function &Callee = P.Functions[K.Callee];
  Finding F;
  F.TheRule = K.R;
  F.Loc = P.point(RC.At);
  F.Callee = Callee.Name;
  F.EnclosingFunction = Caller.Name;
  if (K.R == Rule::PageFault) {
    F.Cat = Category::PageFault;
    F.Reason = Callee.MayFault ? Callee.MayFault->Reason : "";
  } else if (K.R != Rule::UnknownCall) {
    if (Callee.Blocking) {
      F.Cat = Callee.Blocking->Cat;
      F.Reason = Callee.Blocking->Reason;
    } else if (Callee.MayFault) {
      F.Cat = Category::PageFault;
      F.Reason = Callee.MayFault->Reason;
    }
  }
  llvm::stable_sort(Reaches, [&](const RootReach &A, const RootReach &B) {
    return std::make_tuple(A.AllowedBy.has_value(), A.Steps.size(), P.Functions[A.Root].Name) <
           std::make_tuple(B.AllowedBy.has_value(), B.Steps.size(), P.Functions[B.Root].Name);
  });
  for (const RootReach &R : Reaches)
    F.Roots.push_back(P.Functions[R.Root].Name);
  llvm::sort(F.Roots);
  F.Roots.erase(std::unique(F.Roots.begin(), F.Roots.end()), F.Roots.end());
  for (const RootReach &R : Reaches) {
    if (F.Chains.size() >= Opts.ChainLimit)
      break;
    Chain C;
    C.Root = P.Functions[R.Root].Name;
    C.RootLoc = P.point(P.Functions[R.Root].At);
    if (R.Reg && R.Reg->At) {
      C.RegisteredAt = P.point(*R.Reg->At);
      C.RegisteredVia = R.Reg->Via;
    } else if (R.Reg) {
      C.RegisteredVia = R.Reg->Via;
    }
    C.Steps = R.Steps;
    F.Chains.push_back(std::move(C));
  }
  const CallSite &Site = *RC.Site;
  if (noLintMatches(Site, ruleId(K.R))) {
    F.Suppressed = Suppression{Suppression::Kind::NoLint, Site.NoLintText, F.Loc};
  } else if (llvm::all_of(Reaches, [](const RootReach &R) { return R.AllowedBy.has_value(); })) {
    const Function &Allow = P.Functions[*Reaches.front().AllowedBy];
    F.Suppressed = Suppression{Suppression::Kind::AllowBlocking,
                               Allow.AllowBlocking.value_or(""), P.point(Allow.At)};
  }
  F.Message = messageFor(K.R, Callee, F, F.Chains.empty() ? "" : F.Chains.front().Root);
  return F;
}

AnalysisResult Walker::run() {
  Visits.assign(P.Functions.size(), Visit{});
  Stamp.assign(P.Functions.size(), 0);
  for (const Registration &R : P.Roots)
    walkFrom(R.Handler, &R, false);
  for (uint32_t I = 0; I < P.Functions.size(); ++I) {
    const Function &F = P.Functions[I];
    if (F.Nonblocking && F.HasBody && !F.System)
      walkFrom(I, nullptr, true);
  }

  AnalysisResult Result;
  Result.Handlers = P.Roots.size();
  Result.Functions = P.Functions.size();
  // Unknown calls: one finding per unknown function, at its most-reached
  // call, so the list ranks what to describe in the database first.
  std::map<uint32_t, std::pair<FindingKey, std::vector<RootReach>>> Unknown;
  for (auto &[K, Reaches] : Found) {
    if (K.R != Rule::UnknownCall) {
      Result.Findings.push_back(makeFinding(K, Reaches));
      continue;
    }
    auto &Slot = Unknown[K.Callee];
    if (Slot.second.empty()) {
      Slot = {K, Reaches};
      continue;
    }
    if (Reaches.size() > Slot.second.size())
      Slot.first = K;
    for (RootReach &R : Reaches)
      if (llvm::none_of(Slot.second, [&](const RootReach &X) { return X.Root == R.Root; }))
        Slot.second.push_back(R);
  }
  for (auto &[Callee, Entry] : Unknown)
    Result.Findings.push_back(makeFinding(Entry.first, Entry.second));

  auto Wanted = [&](const Finding &F) {
    if (!Opts.Categories.empty() && F.Cat && !llvm::is_contained(Opts.Categories, *F.Cat))
      return false;
    if (!Opts.OnlyFiles.empty() && !llvm::is_contained(Opts.OnlyFiles, F.Loc.File))
      return false;
    return true;
  };
  llvm::erase_if(Result.Findings, [&](const Finding &F) { return !Wanted(F); });
  llvm::stable_sort(Result.Findings, [](const Finding &A, const Finding &B) {
    bool AU = A.TheRule == Rule::UnknownCall, BU = B.TheRule == Rule::UnknownCall;
    if (AU != BU)
      return BU;
    if (AU && A.Roots.size() != B.Roots.size())
      return A.Roots.size() > B.Roots.size();
    return std::tie(A.Loc, A.TheRule, A.Callee) < std::tie(B.Loc, B.TheRule, B.Callee);
  });
  return Result;
}

} // namespace

AnalysisResult findBlockingCalls(const Program &P, const AnalysisOptions &Opts) {
  return Walker(P, Opts).run();
}

} // namespace evguard
