//===- SarifReport.cpp - The --format=sarif report ------------------------===//
//
// SARIF 2.1.0 as GitHub code scanning reads it (docs/sarif.md): paths
// relative to %SRCROOT%, one codeFlow per chain, fingerprints that survive
// edits above a finding, suppressions kept rather than dropped.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"
#include "evguard/Report.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"
#include <nlohmann/json.hpp>
#include <set>

using namespace evguard;
using Json = nlohmann::ordered_json;

static constexpr llvm::StringLiteral SrcRoot = "%SRCROOT%";

/// RFC 3986: everything but unreserved characters and '/' is escaped, so a
/// path never reads as a scheme or carries a space.
static std::string percentEncode(llvm::StringRef Path) {
  std::string Out;
  for (unsigned char C : Path) {
    if (llvm::isAlnum(C) || llvm::StringRef("-._~/").contains(C)) {
      Out += C;
      continue;
    }
    Out += '%';
    Out += llvm::hexdigit(C >> 4, /*LowerCase=*/false);
    Out += llvm::hexdigit(C & 15, /*LowerCase=*/false);
  }
  return Out;
}

static std::string directoryUri(llvm::StringRef Dir) {
  std::string Uri = "file://" + percentEncode(Dir);
  if (!llvm::StringRef(Uri).ends_with("/"))
    Uri += '/';
  return Uri;
}

static llvm::StringRef sarifLevel(Level L) { return levelName(L); }

namespace {
class SarifBuilder {
public:
  SarifBuilder(const Report &R, const ReportOptions &Opts)
      : R(R), Opts(Opts), NoteOpts(Opts) {
    // Paths inside messages read like the URIs: relative to the source root.
    NoteOpts.DisplayDir = Opts.SourceRoot;
  }
  Json build() const;

private:
  Json artifact(llvm::StringRef File) const;
  Json physical(const SourcePoint &P) const;
  Json location(const SourcePoint &P, const std::string &Message) const;
  Json rules() const;
  Json result(const ReportedFinding &RF) const;
  Json relatedLocations(const Finding &F) const;
  Json codeFlow(const Finding &F, const Chain &C) const;
  Json suppressions(const ReportedFinding &RF) const;
  Json invocation() const;
  Json runProperties() const;

  const Report &R;
  const ReportOptions &Opts;
  ReportOptions NoteOpts;
};
} // namespace

Json SarifBuilder::artifact(llvm::StringRef File) const {
  std::string Rel = displayPath(File, Opts.SourceRoot);
  if (!Opts.SourceRoot.empty() && Rel != File)
    return {{"uri", percentEncode(Rel)}, {"uriBaseId", SrcRoot.str()}};
  return {{"uri", "file://" + percentEncode(File)}};
}

Json SarifBuilder::physical(const SourcePoint &P) const {
  Json Phys = {{"artifactLocation", artifact(P.File)}};
  if (P.Line) {
    Json Region = {{"startLine", P.Line}};
    if (P.Column)
      Region["startColumn"] = P.Column;
    Phys["region"] = std::move(Region);
  }
  return Phys;
}

/// A location with a message; without a file, only the message.
Json SarifBuilder::location(const SourcePoint &P,
                            const std::string &Message) const {
  Json Loc = Json::object();
  if (!P.File.empty())
    Loc["physicalLocation"] = physical(P);
  if (!Message.empty())
    Loc["message"] = {{"text", Message}};
  return Loc;
}

static llvm::StringRef defaultRuleLevel(Rule R) {
  return R == Rule::UnknownCall ? "note" : "warning";
}

Json SarifBuilder::rules() const {
  Json Rules = Json::array();
  for (Rule Ru : allRules()) {
    RuleDescription D = describeRule(Ru);
    Rules.push_back(
        {{"id", ruleId(Ru).str()},
         {"name", D.Name.str()},
         {"shortDescription", {{"text", D.Short.str()}}},
         {"fullDescription", {{"text", D.Full.str()}}},
         {"help",
          {{"text", ruleHelpText(Ru)}, {"markdown", ruleHelpMarkdown(Ru)}}},
         {"defaultConfiguration", {{"level", defaultRuleLevel(Ru).str()}}},
         {"properties",
          {{"tags", {"reliability", "performance", "event-loop"}},
           {"precision", Ru == Rule::UnknownCall ? "low" : "medium"},
           {"problem.severity",
            Ru == Rule::UnknownCall ? "recommendation" : "warning"}}}});
  }
  return Rules;
}

Json SarifBuilder::relatedLocations(const Finding &F) const {
  Json Related = Json::array();
  std::set<std::pair<SourcePoint, std::string>> Seen;
  auto Add = [&](const SourcePoint &P, std::string Message) {
    if (!P.valid() || !Seen.insert({P, Message}).second)
      return;
    Json Loc = location(P, Message);
    Loc["id"] = Related.size() + 1;
    Related.push_back(std::move(Loc));
  };
  for (const Chain &C : F.Chains) {
    Add(C.RootLoc, F.TheRule == Rule::NonblockingViolation && !C.RegisteredAt
                       ? "'" + C.Root + "', marked EVGUARD_NONBLOCKING"
                       : "handler '" + C.Root + "'");
    if (C.RegisteredAt)
      Add(*C.RegisteredAt,
          "'" + C.Root + "' registered as a handler" +
              (C.RegisteredVia.empty() ? "" : " via " + C.RegisteredVia));
  }
  return Related;
}

Json SarifBuilder::codeFlow(const Finding &F, const Chain &C) const {
  // The same notes as the text format, so every front end tells one story.
  std::vector<Diagnostic> Notes = chainNotes(F, C, NoteOpts);
  Json Locations = Json::array();
  for (size_t I = 0; I < Notes.size(); ++I)
    Locations.push_back({{"location", location(Notes[I].Loc, Notes[I].Message)},
                         {"nestingLevel", I}});
  return {{"message", {{"text", "from '" + C.Root + "'"}}},
          {"threadFlows", {{{"locations", std::move(Locations)}}}}};
}

Json SarifBuilder::suppressions(const ReportedFinding &RF) const {
  Json Out = Json::array();
  if (const std::optional<Suppression> &S = RF.F->Suppressed) {
    Json Sup = {{"kind", "inSource"},
                {"status", "accepted"},
                {"justification", S->Justification},
                {"properties",
                 {{"evguard/kind", suppressionKindName(S->K).str()}}}};
    if (S->Loc.valid())
      Sup["location"] = location(S->Loc, "");
    Out.push_back(std::move(Sup));
  }
  // Known debt stays visible but closed, instead of reopening every alert
  // (docs/sarif.md, "Baselines").
  if (RF.Baseline == BaselineState::Unchanged)
    Out.push_back({{"kind", "external"},
                   {"status", "accepted"},
                   {"justification", "in the baseline " + R.BaselineFile}});
  return Out;
}

Json SarifBuilder::result(const ReportedFinding &RF) const {
  const Finding &F = *RF.F;
  llvm::ArrayRef<Rule> Rules = allRules();
  size_t RuleIndex = llvm::find(Rules, F.TheRule) - Rules.begin();
  Json Loc = location(F.Loc, "");
  if (!F.EnclosingFunction.empty())
    Loc["logicalLocations"] = {
        {{"fullyQualifiedName", F.EnclosingFunction}, {"kind", "function"}}};
  Json Res = {{"ruleId", ruleId(F.TheRule).str()},
              {"ruleIndex", RuleIndex},
              {"level", sarifLevel(RF.L).str()},
              {"message",
               {{"text", F.Message.empty() ? defaultMessage(F) : F.Message}}},
              {"locations", {std::move(Loc)}}};
  Json Related = relatedLocations(F);
  if (!Related.empty())
    Res["relatedLocations"] = std::move(Related);
  if (!F.Chains.empty()) {
    Json Flows = Json::array();
    for (const Chain &C : F.Chains)
      Flows.push_back(codeFlow(F, C));
    Res["codeFlows"] = std::move(Flows);
  }
  Res["partialFingerprints"] = {
      {"evguard/v1", RF.Prints.Stable},
      {"primaryLocationLineHash", RF.Prints.LineHash}};
  Json Props = {{"callee", F.Callee}};
  if (F.Cat)
    Props["category"] = categoryName(*F.Cat).str();
  Props["handlers"] = F.Roots;
  Props["reason"] = F.Reason;
  Props["function"] = F.EnclosingFunction;
  if (!F.Program.empty())
    Props["program"] = F.Program;
  Res["properties"] = std::move(Props);
  Json Sups = suppressions(RF);
  if (!Sups.empty())
    Res["suppressions"] = std::move(Sups);
  if (RF.Baseline != BaselineState::None)
    Res["baselineState"] = baselineStateName(RF.Baseline).str();
  return Res;
}

Json SarifBuilder::invocation() const {
  const AnalysisResult &A = *R.Result;
  Json Notes = Json::array();
  bool Failed = A.FailedTranslationUnits != 0;
  for (const Notification &N : A.Notifications) {
    Failed |= N.L == Notification::Level::Error;
    Json Note = {{"level", notificationLevelName(N.L).str()},
                 {"message", {{"text", N.Message}}}};
    if (!N.Loc.File.empty())
      Note["locations"] = {location(N.Loc, "")};
    Notes.push_back(std::move(Note));
  }
  Json Inv = {{"executionSuccessful", !Failed}};
  if (!Opts.Arguments.empty()) {
    Inv["commandLine"] = llvm::join(Opts.Arguments, " ");
    Inv["arguments"] = Opts.Arguments;
  }
  if (!Opts.WorkingDirectory.empty())
    Inv["workingDirectory"] = {{"uri", directoryUri(Opts.WorkingDirectory)}};
  Inv["toolExecutionNotifications"] = std::move(Notes);
  return Inv;
}

Json SarifBuilder::runProperties() const {
  const AnalysisResult &A = *R.Result;
  Json Props = {{"translationUnits", A.TranslationUnits},
                {"failedTranslationUnits", A.FailedTranslationUnits},
                {"functions", A.Functions},
                {"handlers", A.Handlers}};
  Json Programs = Json::array();
  for (const ProgramSummary &P : A.Programs)
    if (!P.Name.empty())
      Programs.push_back({{"name", P.Name},
                          {"translationUnits", P.TranslationUnits},
                          {"handlers", P.Handlers}});
  if (!Programs.empty())
    Props["programs"] = std::move(Programs);
  if (!R.BaselineFile.empty()) {
    unsigned Unchanged = llvm::count_if(R.Findings, [](const ReportedFinding &RF) {
      return RF.Baseline == BaselineState::Unchanged;
    });
    Props["baseline"] = {{"file", R.BaselineFile},
                         {"new", R.Findings.size() - Unchanged},
                         {"unchanged", Unchanged},
                         {"absent", R.BaselineAbsent}};
  }
  return Props;
}

Json SarifBuilder::build() const {
  Json Driver = {{"name", "evguard"},
                 {"fullName", "evguard event-loop blocking checker"},
                 {"version", toolVersion().str()},
                 {"semanticVersion", toolVersion().str()},
                 {"informationUri", EVGUARD_INFORMATION_URI},
                 {"rules", rules()}};
  Json Run = {{"tool", {{"driver", std::move(Driver)}}},
              {"automationDetails", {{"id", Opts.SarifCategory + "/"}}}};
  if (!Opts.SourceRoot.empty())
    Run["originalUriBaseIds"] = {
        {SrcRoot.str(),
         {{"uri", directoryUri(Opts.SourceRoot)},
          {"description", {{"text", "The root of the analyzed sources."}}}}}};
  Run["invocations"] = {invocation()};
  Json Results = Json::array();
  for (const ReportedFinding &RF : R.Findings)
    Results.push_back(result(RF));
  Run["results"] = std::move(Results);
  Run["properties"] = runProperties();
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", {std::move(Run)}}};
}

void evguard::writeSarif(llvm::raw_ostream &OS, const Report &R,
                         const ReportOptions &Opts) {
  OS << SarifBuilder(R, Opts).build().dump(2) << "\n";
}
