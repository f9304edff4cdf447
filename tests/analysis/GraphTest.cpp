// Unit tests of linking and reachability, on summaries built by hand: what
// the summarizer would produce for small programs, without parsing any.

#include "Summary.h"
#include "evguard/Analysis.h"

#include <gtest/gtest.h>
#include <algorithm>
#include <random>

using namespace evguard;

namespace {

/// Builds one TU's summary, function by function.
class TU {
public:
  explicit TU(std::string Main) {
    S = std::make_shared<TUSummary>();
    S->MainFile = Main;
    S->Files.push_back(Main);
  }
  FunctionRecord &fn(const std::string &Name, bool Body = true) {
    FunctionRecord R;
    R.Usr = "c:@F@" + Name;
    R.Name = Name;
    R.HasBody = Body;
    R.At = {0, ++Line, 1};
    R.FnType = "void (void)";
    S->Functions.push_back(R);
    return S->Functions.back();
  }
  FunctionRecord &blocking(const std::string &Name, Category C = Category::Sleep) {
    FunctionRecord &R = fn(Name, false);
    R.System = R.StandardLibrary = true;
    R.Blocking = BlockingInfo{C, "blocks", {}};
    return R;
  }
  FunctionRecord &registrar(const std::string &Name, uint32_t Param) {
    FunctionRecord &R = fn(Name, false);
    R.System = R.StandardLibrary = true;
    R.RegistersParams.push_back(Param);
    return R;
  }
  CallSite &call(const std::string &Caller, const std::string &Callee) {
    CallSite C;
    C.K = CallSite::Kind::Direct;
    C.Target = "c:@F@" + Callee;
    C.At = {0, ++Line, 3};
    find(Caller).Calls.push_back(C);
    return find(Caller).Calls.back();
  }
  CallSite &callVia(const std::string &Caller, CallSite::Kind K, std::string Target) {
    CallSite C;
    C.K = K;
    C.Target = std::move(Target);
    C.At = {0, ++Line, 3};
    find(Caller).Calls.push_back(C);
    return find(Caller).Calls.back();
  }
  void store(ValueRef Dest, const std::string &Fn) {
    S->Stores.push_back({std::move(Dest), {fnRef(Fn)}, {0, ++Line, 1}});
  }
  static ValueRef fnRef(const std::string &Name) {
    return {ValueRef::Kind::Function, "c:@F@" + Name, 0};
  }
  FunctionRecord &find(const std::string &Name) {
    for (FunctionRecord &R : S->Functions)
      if (R.Name == Name)
        return R;
    ADD_FAILURE() << "no function " << Name;
    return S->Functions.front();
  }
  std::shared_ptr<const TUSummary> get() const { return S; }

private:
  std::shared_ptr<TUSummary> S;
  uint32_t Line = 0;
};

/// `reg(handler)` from main.
void registerHandler(TU &T, const std::string &Handler, const std::string &Via = "reg") {
  CallSite &C = T.call("main", Via);
  C.Callables.push_back({0, {TU::fnRef(Handler)}});
}

AnalysisResult analyze(std::vector<std::shared_ptr<const TUSummary>> TUs,
                       AnalysisOptions Opts = {}) {
  AnnotationDatabase DB;
  return analyzeProgram(TUs, DB, Opts);
}

std::vector<std::string> callees(const AnalysisResult &R) {
  std::vector<std::string> Out;
  for (const Finding &F : R.Findings)
    Out.push_back(F.Callee + (F.Suppressed ? "(suppressed)" : ""));
  return Out;
}

TEST(Graph, ChainAcrossTranslationUnits) {
  TU A("/a.c"), B("/b.c");
  A.fn("main");
  A.registrar("reg", 0);
  A.fn("handler");
  A.fn("middle", /*Body=*/false); // declared here, defined in b.c
  A.call("handler", "middle");
  registerHandler(A, "handler");
  B.fn("middle");
  B.blocking("sleep");
  B.call("middle", "sleep");

  AnalysisResult R = analyze({A.get(), B.get()});
  ASSERT_EQ(R.Findings.size(), 1u);
  const Finding &F = R.Findings[0];
  EXPECT_EQ(F.Callee, "sleep");
  EXPECT_EQ(F.Loc.File, "/b.c");
  EXPECT_EQ(F.Roots, std::vector<std::string>{"handler"});
  ASSERT_EQ(F.Chains.size(), 1u);
  ASSERT_EQ(F.Chains[0].Steps.size(), 2u);
  EXPECT_EQ(F.Chains[0].Steps[0].Caller, "handler");
  EXPECT_EQ(F.Chains[0].Steps[0].Callee, "middle");
  EXPECT_EQ(F.Chains[0].Steps[1].Callee, "sleep");
  EXPECT_EQ(F.Chains[0].RegisteredVia, "reg");
}

TEST(Graph, OnlyReachableFromHandlers) {
  TU A("/a.c");
  A.fn("main");
  A.blocking("sleep");
  A.call("main", "sleep"); // before the loop: not a handler
  EXPECT_TRUE(analyze({A.get()}).Findings.empty());
}

TEST(Graph, RecursionTerminatesAndShortestChainWins) {
  TU A("/a.c");
  A.fn("main");
  A.registrar("reg", 0);
  A.fn("h");
  A.fn("ping");
  A.fn("pong");
  A.blocking("sleep");
  A.call("h", "ping");
  A.call("ping", "pong");
  A.call("pong", "ping");
  A.call("ping", "ping");
  A.call("pong", "sleep");
  A.call("h", "pong");
  registerHandler(A, "h");
  AnalysisResult R = analyze({A.get()});
  ASSERT_EQ(R.Findings.size(), 1u);
  // h -> pong -> sleep is shorter than h -> ping -> pong -> sleep.
  EXPECT_EQ(R.Findings[0].Chains[0].Steps.size(), 2u);
}

TEST(Graph, VirtualCallsReachEveryOverride) {
  TU A("/a.cpp");
  A.fn("main");
  A.registrar("reg", 0);
  A.fn("h");
  A.fn("Base::run").Virtual = true;
  FunctionRecord &D1 = A.fn("Quiet::run");
  D1.Overrides.push_back("c:@F@Base::run");
  FunctionRecord &D2 = A.fn("Loud::run");
  D2.Overrides.push_back("c:@F@Quiet::run"); // an override of an override
  A.blocking("fsync", Category::DiskIO);
  A.call("Loud::run", "fsync");
  A.callVia("h", CallSite::Kind::Virtual, "c:@F@Base::run");
  registerHandler(A, "h");
  AnalysisResult R = analyze({A.get()});
  ASSERT_EQ(R.Findings.size(), 1u);
  EXPECT_EQ(R.Findings[0].EnclosingFunction, "Loud::run");
  EXPECT_EQ(R.Findings[0].Chains[0].Steps[0].Via, "virtual");
}

TEST(Graph, FieldCallsReachEveryStoredFunction) {
  TU A("/a.c"), B("/b.c"), C("/c.c");
  A.fn("main");
  A.registrar("reg", 0);
  A.fn("h");
  A.callVia("h", CallSite::Kind::Field, "cmd::proc");
  registerHandler(A, "h");
  B.fn("get_cmd");
  B.store({ValueRef::Kind::Field, "cmd::proc", 0}, "get_cmd");
  C.fn("save_cmd");
  C.store({ValueRef::Kind::Field, "cmd::proc", 0}, "save_cmd");
  C.blocking("fsync", Category::DiskIO);
  C.call("save_cmd", "fsync");
  AnalysisResult R = analyze({A.get(), B.get(), C.get()});
  ASSERT_EQ(R.Findings.size(), 1u);
  EXPECT_EQ(R.Findings[0].Chains[0].Steps[0].Via, "field");
}

TEST(Graph, ParametersCarryCallablesAndWrappersRegister) {
  // main: on(fd, handler); on(fd, cb) { reg(cb); }
  TU A("/a.c");
  A.fn("main");
  A.registrar("reg", 0);
  A.fn("on");
  A.fn("handler");
  A.blocking("sleep");
  A.call("handler", "sleep");
  CallSite &Inner = A.call("on", "reg");
  Inner.Callables.push_back({0, {{ValueRef::Kind::Param, "c:@F@on", 1}}});
  CallSite &Outer = A.call("main", "on");
  Outer.Callables.push_back({1, {TU::fnRef("handler")}});
  AnalysisResult R = analyze({A.get()});
  ASSERT_EQ(R.Findings.size(), 1u);
  // Registered where the function itself was passed, through the wrapper.
  EXPECT_EQ(R.Findings[0].Chains[0].RegisteredVia, "on");
}

TEST(Graph, NonblockingStopsTheWalkAndIsChecked) {
  TU A("/a.c");
  A.fn("main");
  A.registrar("reg", 0);
  A.fn("h");
  A.fn("promise").Nonblocking = true;
  A.blocking("fsync", Category::DiskIO);
  A.call("h", "promise");
  A.call("promise", "fsync");
  registerHandler(A, "h");
  AnalysisResult R = analyze({A.get()});
  ASSERT_EQ(R.Findings.size(), 1u);
  EXPECT_EQ(R.Findings[0].TheRule, Rule::NonblockingViolation);
  EXPECT_EQ(R.Findings[0].Chains[0].Root, "promise");
}

TEST(Graph, AllowBlockingSuppressesOnlyWhatItAloneLeadsTo) {
  TU A("/a.c");
  A.fn("main");
  A.registrar("reg", 0);
  A.fn("h1");
  A.fn("h2");
  A.fn("startup").AllowBlocking = "runs once";
  A.fn("shared");
  A.blocking("sleep");
  A.blocking("fsync", Category::DiskIO);
  A.call("h1", "startup");
  A.call("startup", "sleep");
  A.call("startup", "shared");
  A.call("shared", "fsync");
  A.call("h2", "shared"); // fsync is also reached without the allowance
  registerHandler(A, "h1");
  registerHandler(A, "h2");
  AnalysisResult R = analyze({A.get()});
  std::vector<std::string> Got = callees(R);
  std::sort(Got.begin(), Got.end());
  EXPECT_EQ(Got, (std::vector<std::string>{"fsync", "sleep(suppressed)"}));
  for (const Finding &F : R.Findings)
    if (F.Suppressed)
      EXPECT_EQ(F.Suppressed->Justification, "runs once");
}

TEST(Graph, CallablesPassedToOpaqueFunctionsAreCalled) {
  TU A("/a.cpp");
  A.fn("main");
  A.registrar("reg", 0);
  A.fn("h");
  A.fn("lambda");
  FunctionRecord &Algo = A.fn("std::for_each", false);
  Algo.System = Algo.StandardLibrary = true;
  A.blocking("sleep");
  A.call("lambda", "sleep");
  A.call("h", "std::for_each").Callables.push_back({2, {TU::fnRef("lambda")}});
  registerHandler(A, "h");
  AnalysisResult R = analyze({A.get()});
  ASSERT_EQ(R.Findings.size(), 1u);
  EXPECT_EQ(R.Findings[0].Chains[0].Steps[0].Via, "callable");
}

TEST(Graph, OffloadedCallablesAreNotFollowed) {
  TU A("/a.c");
  A.fn("main");
  A.registrar("reg", 0);
  A.fn("h");
  A.fn("work");
  FunctionRecord &Queue = A.fn("queue_work", false);
  Queue.System = Queue.StandardLibrary = true;
  Queue.OffloadsParams.push_back(0);
  A.blocking("sleep");
  A.call("work", "sleep");
  A.call("h", "queue_work").Callables.push_back({0, {TU::fnRef("work")}});
  registerHandler(A, "h");
  EXPECT_TRUE(analyze({A.get()}).Findings.empty());
}

TEST(Graph, PointerFallbackUsesAddressTakenFunctionsOfTheType) {
  TU A("/a.c");
  A.fn("main");
  A.registrar("reg", 0);
  A.fn("h");
  FunctionRecord &Target = A.fn("target");
  Target.AddressTaken = true;
  A.blocking("sleep");
  A.call("target", "sleep");
  CallSite &C = A.callVia("h", CallSite::Kind::Pointer, "");
  C.FnType = "void (void)";
  registerHandler(A, "h");
  EXPECT_EQ(analyze({A.get()}).Findings.size(), 1u);
  AnalysisOptions NoFallback;
  NoFallback.PointerFallback = false;
  EXPECT_TRUE(analyze({A.get()}, NoFallback).Findings.empty());
}

TEST(Graph, ConditionsAndDescriptors) {
  TU A("/a.c");
  A.fn("main");
  A.registrar("reg", 0);
  A.fn("h");
  FunctionRecord &Poll = A.blocking("poll", Category::Wait);
  (void)Poll;
  FunctionRecord &Read = A.blocking("read", Category::DiskIO);
  (void)Read;
  A.call("h", "poll").ProvedNonblocking = true;
  CallSite &Sock = A.call("h", "read");
  Sock.DescriptorCheck = true;
  Sock.DescriptorSources.push_back({ValueRef::Kind::Field, "conn::fd", 0});
  CallSite &File = A.call("h", "read");
  File.DescriptorCheck = true;
  File.DescriptorSources.push_back({ValueRef::Kind::Var, "c:@log_fd", 0});
  const_cast<TUSummary &>(*A.get()).FileDescriptors.push_back(
      {ValueRef::Kind::Var, "c:@log_fd", 0});
  registerHandler(A, "h");
  AnalysisResult R = analyze({A.get()});
  ASSERT_EQ(R.Findings.size(), 1u); // only the read of the log file
  EXPECT_EQ(R.Findings[0].Loc.Line, File.At.Line);
  AnalysisOptions Distrust;
  Distrust.AssumeNonblockingDescriptors = false;
  EXPECT_EQ(analyze({A.get()}, Distrust).Findings.size(), 2u);
}

TEST(Graph, ResultDoesNotDependOnTranslationUnitOrder) {
  std::vector<std::shared_ptr<const TUSummary>> TUs;
  for (int I = 0; I < 6; ++I) {
    TU T("/f" + std::to_string(I) + ".c");
    T.fn("main" + std::to_string(I));
    T.registrar("reg", 0);
    T.fn("h" + std::to_string(I));
    T.fn("shared", I == 3);
    T.blocking("sleep");
    T.call("h" + std::to_string(I), "shared");
    if (I == 3)
      T.call("shared", "sleep");
    CallSite &C = T.call("main" + std::to_string(I), "reg");
    C.Callables.push_back({0, {TU::fnRef("h" + std::to_string(I))}});
    TUs.push_back(T.get());
  }
  auto Render = [](const AnalysisResult &R) {
    std::string Out;
    for (const Finding &F : R.Findings) {
      Out += F.Loc.File + ":" + std::to_string(F.Loc.Line) + " " + F.Callee + " <-";
      for (const std::string &Root : F.Roots)
        Out += " " + Root;
      for (const Chain &C : F.Chains)
        Out += " [" + C.Root + " " + std::to_string(C.Steps.size()) + "]";
      Out += "\n";
    }
    return Out;
  };
  std::string First = Render(analyze(TUs));
  EXPECT_NE(First.find("h0 h1 h2 h3 h4 h5"), std::string::npos) << First;
  std::mt19937 Rng(7);
  for (int Round = 0; Round < 5; ++Round) {
    std::shuffle(TUs.begin(), TUs.end(), Rng);
    EXPECT_EQ(Render(analyze(TUs)), First);
  }
}

} // namespace
