//===- SummaryIO.cpp - Summaries on disk ----------------------------------===//
//
// Summaries are stored as JSON (one file per TU, named after a hash of the
// main file) so that `evguard --emit-summaries` and the clang-tidy plugin's
// SummaryDir share them. A format version guards against stale files.
//
//===----------------------------------------------------------------------===//

#include "SummaryJson.h"
#include "evguard/JsonLocator.h"
#include "evguard/JsonRead.h"
#include "evguard/Analysis.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA1.h"
#include <nlohmann/json.hpp>

using nlohmann::json;

namespace evguard {

static constexpr int SummaryFormat = 6;
static constexpr llvm::StringLiteral SummarySuffix = ".evgsum.json";

static json toJson(const Loc &L) { return json::array({L.File, L.Line, L.Col}); }
static Loc locFrom(const json &J) {
  return {J.at(0).get<uint32_t>(), J.at(1).get<uint32_t>(), J.at(2).get<uint32_t>()};
}

static json toJson(const ValueRef &R) {
  return json::array({static_cast<int>(R.K), R.Id, R.Index});
}
static ValueRef refFrom(const json &J) {
  return {static_cast<ValueRef::Kind>(J.at(0).get<int>()), J.at(1).get<std::string>(),
          J.at(2).get<uint32_t>()};
}
static json refs(const std::vector<ValueRef> &V) {
  json A = json::array();
  for (const ValueRef &R : V)
    A.push_back(toJson(R));
  return A;
}
static std::vector<ValueRef> refsFrom(const json &J) {
  std::vector<ValueRef> V;
  for (const json &R : J)
    V.push_back(refFrom(R));
  return V;
}

static json toJson(const BlockingInfo &B) {
  json Unless = json::array();
  for (const Condition &C : B.Unless)
    Unless.push_back({static_cast<int>(C.K), C.Arg, C.Value, C.Flag, C.FlagValue, C.Prefixes});
  return {{"cat", categoryName(B.Cat).str()}, {"reason", B.Reason}, {"unless", Unless}};
}
static BlockingInfo blockingFrom(const json &J) {
  BlockingInfo B;
  B.Cat = parseCategory(J.at("cat").get<std::string>()).value_or(Category::Other);
  B.Reason = J.at("reason").get<std::string>();
  for (const json &C : J.at("unless"))
    B.Unless.push_back({static_cast<Condition::Kind>(C.at(0).get<int>()), C.at(1).get<unsigned>(),
                        C.at(2).get<int64_t>(), C.at(3).get<std::string>(), C.at(4).get<int64_t>(),
                        C.at(5).get<std::vector<std::string>>()});
  return B;
}

static json toJson(const FunctionRecord &F) {
  json J = {{"usr", F.Usr}, {"name", F.Name}, {"at", toJson(F.At)}};
  auto Flag = [&](const char *K, bool V) {
    if (V)
      J[K] = true;
  };
  Flag("body", F.HasBody);
  Flag("std", F.StandardLibrary);
  Flag("system", F.System);
  Flag("virtual", F.Virtual);
  Flag("addr", F.AddressTaken);
  Flag("handler", F.Handler);
  Flag("nonblocking", F.Nonblocking);
  Flag("opens_file", F.OpensFile);
  Flag("forks", F.Forks);
  if (!F.ReturnsResultOf.empty())
    J["returns_result_of"] = F.ReturnsResultOf;
  if (!F.FnType.empty())
    J["type"] = F.FnType;
  if (!F.Overrides.empty())
    J["overrides"] = F.Overrides;
  if (F.AllowBlocking)
    J["allow"] = *F.AllowBlocking;
  if (F.Blocking)
    J["blocking"] = toJson(*F.Blocking);
  if (F.MayFault)
    J["fault"] = F.MayFault->Reason;
  if (!F.RegistersParams.empty())
    J["registers"] = F.RegistersParams;
  if (!F.OffloadsParams.empty())
    J["offloads"] = F.OffloadsParams;
  if (!F.SetsNonblockingParams.empty())
    J["sets_nonblocking"] = F.SetsNonblockingParams;
  if (!F.DescriptorPasses.empty()) {
    json Passes = json::array();
    for (const DescriptorPass &DP : F.DescriptorPasses)
      Passes.push_back({DP.Callee, DP.Arg, toJson(DP.Source)});
    J["fd_passes"] = std::move(Passes);
  }
  if (!F.FactsFrom.empty())
    J["facts"] = F.FactsFrom;
  if (F.Calls.empty())
    return J;
  json Calls = json::array();
  for (const CallSite &C : F.Calls) {
    json CJ = {{"k", static_cast<int>(C.K)}, {"at", toJson(C.At)}};
    if (!C.Target.empty())
      CJ["t"] = C.Target;
    if (!C.Sources.empty())
      CJ["src"] = refs(C.Sources);
    if (!C.FnType.empty())
      CJ["type"] = C.FnType;
    if (C.ProvedNonblocking)
      CJ["nb"] = true;
    if (!C.ChildOf.empty())
      CJ["child_of"] = C.ChildOf;
    if (C.DescriptorCheck)
      CJ["fd"] = {C.DescriptorIsFile, refs(C.DescriptorSources)};
    if (C.NoLintChecks) {
      CJ["nolint"] = *C.NoLintChecks;
      CJ["nolint_text"] = C.NoLintText;
    }
    if (!C.Callables.empty()) {
      json A = json::array();
      for (const CallableArg &CA : C.Callables)
        A.push_back({CA.Param, refs(CA.Sources)});
      CJ["args"] = A;
    }
    Calls.push_back(std::move(CJ));
  }
  J["calls"] = std::move(Calls);
  return J;
}

static FunctionRecord functionFrom(const json &J) {
  FunctionRecord F;
  F.Usr = J.at("usr").get<std::string>();
  F.Name = J.at("name").get<std::string>();
  F.At = locFrom(J.at("at"));
  F.HasBody = J.value("body", false);
  F.StandardLibrary = J.value("std", false);
  F.System = J.value("system", false);
  F.Virtual = J.value("virtual", false);
  F.AddressTaken = J.value("addr", false);
  F.Handler = J.value("handler", false);
  F.Nonblocking = J.value("nonblocking", false);
  F.OpensFile = J.value("opens_file", false);
  F.Forks = J.value("forks", false);
  F.ReturnsResultOf = J.value("returns_result_of", std::vector<std::string>{});
  F.FnType = J.value("type", "");
  F.Overrides = J.value("overrides", std::vector<std::string>{});
  if (J.contains("allow"))
    F.AllowBlocking = J.at("allow").get<std::string>();
  if (J.contains("blocking"))
    F.Blocking = blockingFrom(J.at("blocking"));
  if (J.contains("fault"))
    F.MayFault = FaultInfo{J.at("fault").get<std::string>()};
  F.RegistersParams = J.value("registers", std::vector<uint32_t>{});
  F.OffloadsParams = J.value("offloads", std::vector<uint32_t>{});
  F.SetsNonblockingParams = J.value("sets_nonblocking", std::vector<uint32_t>{});
  if (J.contains("fd_passes"))
    for (const json &DP : J.at("fd_passes"))
      F.DescriptorPasses.push_back(
          {DP.at(0).get<std::string>(), DP.at(1).get<uint32_t>(), refFrom(DP.at(2))});
  F.FactsFrom = J.value("facts", "");
  if (!J.contains("calls"))
    return F;
  for (const json &CJ : J.at("calls")) {
    CallSite C;
    C.K = static_cast<CallSite::Kind>(CJ.at("k").get<int>());
    C.At = locFrom(CJ.at("at"));
    C.Target = CJ.value("t", "");
    if (CJ.contains("src"))
      C.Sources = refsFrom(CJ.at("src"));
    C.FnType = CJ.value("type", "");
    C.ProvedNonblocking = CJ.value("nb", false);
    C.ChildOf = CJ.value("child_of", "");
    if (CJ.contains("fd")) {
      C.DescriptorCheck = true;
      C.DescriptorIsFile = CJ.at("fd").at(0).get<bool>();
      C.DescriptorSources = refsFrom(CJ.at("fd").at(1));
    }
    if (CJ.contains("nolint")) {
      C.NoLintChecks = CJ.at("nolint").get<std::string>();
      C.NoLintText = CJ.value("nolint_text", "");
    }
    if (CJ.contains("args"))
      for (const json &A : CJ.at("args"))
        C.Callables.push_back({A.at(0).get<uint32_t>(), refsFrom(A.at(1))});
    F.Calls.push_back(std::move(C));
  }
  return F;
}

static std::string summaryFileName(llvm::StringRef MainFile) {
  llvm::SHA1 Hash;
  Hash.update(MainFile);
  auto Digest = Hash.final();
  return llvm::sys::path::filename(MainFile).str() + "." +
         llvm::toHex(llvm::ArrayRef<uint8_t>(Digest).take_front(8), true) +
         SummarySuffix.str();
}

int summaryFormat() { return SummaryFormat; }

json summaryToJson(const TUSummary &S) {
  json J = {{"evguard_summary", SummaryFormat}, {"main_file", S.MainFile},
            {"files", S.Files}, {"handler_fields", S.HandlerFields}};
  json Fns = json::array();
  for (const FunctionRecord &F : S.Functions)
    Fns.push_back(toJson(F));
  J["functions"] = std::move(Fns);
  json Stores = json::array();
  for (const Store &St : S.Stores)
    Stores.push_back({toJson(St.Dest), refs(St.Sources), toJson(St.At)});
  J["stores"] = std::move(Stores);
  J["file_descriptors"] = refs(S.FileDescriptors);
  J["blocking_descriptors"] = refs(S.BlockingDescriptors);
  J["nonblocking_descriptors"] = refs(S.NonblockingDescriptors);
  J["defines"] = S.Defines;
  J["needs"] = S.Needs;
  J["defines_main"] = S.DefinesMain;
  return J;
}

std::shared_ptr<const TUSummary> summaryFromJson(const json &J) {
  if (J.value("evguard_summary", 0) != SummaryFormat)
    throw std::invalid_argument("not an evguard summary of format " +
                                std::to_string(SummaryFormat));
  auto S = std::make_shared<TUSummary>();
  S->MainFile = J.at("main_file").get<std::string>();
  S->Files = J.at("files").get<std::vector<std::string>>();
  S->HandlerFields = J.at("handler_fields").get<std::vector<std::string>>();
  for (const json &F : J.at("functions"))
    S->Functions.push_back(functionFrom(F));
  S->FileDescriptors = refsFrom(J.at("file_descriptors"));
  S->BlockingDescriptors = refsFrom(J.at("blocking_descriptors"));
  S->NonblockingDescriptors = refsFrom(J.at("nonblocking_descriptors"));
  S->Defines = J.at("defines").get<std::vector<std::string>>();
  S->Needs = J.at("needs").get<std::vector<std::string>>();
  S->DefinesMain = J.at("defines_main").get<bool>();
  for (const json &St : J.at("stores"))
    S->Stores.push_back({refFrom(St.at(0)), refsFrom(St.at(1)), locFrom(St.at(2))});
  return S;
}

llvm::Error writeWholeFile(llvm::StringRef Path, llvm::StringRef Content) {
  // Write to a temporary beside it and rename, so a reader (another run
  // sharing a cache, a build action) never sees half a file.
  llvm::SmallString<256> Tmp;
  int FD;
  if (std::error_code EC = llvm::sys::fs::createUniqueFile(Path + ".tmp-%%%%%%", FD, Tmp))
    return llvm::createStringError(EC, "cannot write '%s': %s", Path.str().c_str(),
                                   EC.message().c_str());
  {
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << Content;
    OS.close();
    if (OS.has_error()) {
      llvm::sys::fs::remove(Tmp);
      return llvm::createStringError(OS.error(), "cannot write '%s': %s", Tmp.c_str(),
                                     OS.error().message().c_str());
    }
  }
  if (std::error_code EC = llvm::sys::fs::rename(Tmp, Path)) {
    llvm::sys::fs::remove(Tmp);
    return llvm::createStringError(EC, "cannot write '%s': %s", Path.str().c_str(),
                                   EC.message().c_str());
  }
  return llvm::Error::success();
}

llvm::Error writeSummaryFile(const TUSummary &S, llvm::StringRef Path) {
  return writeWholeFile(Path, summaryToJson(S).dump());
}

llvm::Error writeSummary(const TUSummary &S, llvm::StringRef Dir) {
  if (std::error_code EC = llvm::sys::fs::create_directories(Dir))
    return llvm::createStringError(EC, "cannot create summary directory '%s': %s",
                                   Dir.str().c_str(), EC.message().c_str());
  llvm::SmallString<256> Path(Dir);
  llvm::sys::path::append(Path, summaryFileName(S.MainFile));
  return writeSummaryFile(S, Path);
}

llvm::Expected<std::shared_ptr<const TUSummary>> readSummaryFile(llvm::StringRef Path) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  if (!Buffer)
    return llvm::createStringError(Buffer.getError(), "%s: error: cannot read summary: %s",
                                   Path.str().c_str(), Buffer.getError().message().c_str());
  llvm::StringRef Text = (*Buffer)->getBuffer();
  json J;
  if (std::optional<JsonSyntaxError> E = readJson(Text, J)) {
    TextPosition Pos = positionOfOffset(Text, E->Offset);
    return llvm::createStringError(std::errc::invalid_argument,
                                   "%s:%u:%u: error: malformed evguard summary (%s); "
                                   "regenerate it with 'evguard -p BUILD --emit-summaries DIR'",
                                   Path.str().c_str(), Pos.Line, Pos.Column,
                                   E->Message.c_str());
  }
  try {
    if (J.value("evguard_summary", 0) != SummaryFormat)
      return llvm::createStringError(
          std::errc::invalid_argument,
          "%s: error: not an evguard summary of format %d; regenerate it with "
          "'evguard -p BUILD --emit-summaries DIR'",
          Path.str().c_str(), SummaryFormat);
    return summaryFromJson(J);
  } catch (const json::exception &E) {
    return llvm::createStringError(std::errc::invalid_argument,
                                   "%s: error: malformed evguard summary (%s); regenerate it "
                                   "with 'evguard -p BUILD --emit-summaries DIR'",
                                   Path.str().c_str(), E.what());
  }
}

llvm::Expected<std::vector<std::shared_ptr<const TUSummary>>>
readSummaryDir(llvm::StringRef Dir, llvm::ArrayRef<std::string> Skip) {
  std::vector<std::string> Paths;
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC; It.increment(EC))
    if (llvm::StringRef(It->path()).ends_with(SummarySuffix))
      Paths.push_back(It->path());
  if (EC)
    return llvm::createStringError(EC, "%s: error: cannot read summary directory: %s",
                                   Dir.str().c_str(), EC.message().c_str());
  llvm::sort(Paths);
  std::vector<std::shared_ptr<const TUSummary>> Out;
  for (const std::string &P : Paths) {
    auto S = readSummaryFile(P);
    if (!S)
      return S.takeError();
    if (llvm::is_contained(Skip, (*S)->MainFile))
      continue;
    Out.push_back(std::move(*S));
  }
  return Out;
}

} // namespace evguard
