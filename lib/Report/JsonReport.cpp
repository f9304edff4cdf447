//===- JsonReport.cpp - The --format=json report --------------------------===//
//
// The schema is versioned and documented in docs/cli.md: scripts depend on
// it, so members are only ever added, and every member is always present
// (null when it does not apply).
//
//===----------------------------------------------------------------------===//

#include "Internal.h"
#include "evguard/Report.h"
#include <nlohmann/json.hpp>

using namespace evguard;
using Json = nlohmann::ordered_json;

namespace {
class JsonBuilder {
public:
  JsonBuilder(const Report &R, const ReportOptions &Opts) : R(R), Opts(Opts) {}
  Json build() const;

private:
  std::string file(llvm::StringRef Path) const {
    return displayPath(Path, Opts.SourceRoot);
  }
  Json point(const SourcePoint &P) const {
    if (!P.valid())
      return nullptr;
    return {{"file", file(P.File)}, {"line", P.Line}, {"column", P.Column}};
  }
  /// Adds "file", "line" and "column" members (null when unknown).
  void addPoint(Json &Obj, const SourcePoint &P) const {
    Obj["file"] = P.File.empty() ? Json(nullptr) : Json(file(P.File));
    Obj["line"] = P.Line ? Json(P.Line) : Json(nullptr);
    Obj["column"] = P.Column ? Json(P.Column) : Json(nullptr);
  }
  Json chain(const Chain &C) const;
  Json finding(const ReportedFinding &RF) const;
  Json stats() const;

  const Report &R;
  const ReportOptions &Opts;
};
} // namespace

static Json nullIfEmpty(llvm::StringRef S) {
  return S.empty() ? Json(nullptr) : Json(S.str());
}

Json JsonBuilder::chain(const Chain &C) const {
  Json Steps = Json::array();
  for (const ChainStep &S : C.Steps) {
    Json Step = {{"caller", S.Caller}, {"callee", S.Callee}, {"via", S.Via}};
    addPoint(Step, S.Loc);
    Steps.push_back(std::move(Step));
  }
  return {{"root", C.Root},
          {"root_location", point(C.RootLoc)},
          {"registered_at", C.RegisteredAt ? point(*C.RegisteredAt) : nullptr},
          {"registered_via", nullIfEmpty(C.RegisteredVia)},
          {"steps", std::move(Steps)}};
}

Json JsonBuilder::finding(const ReportedFinding &RF) const {
  const Finding &F = *RF.F;
  Json Chains = Json::array();
  for (const Chain &C : F.Chains)
    Chains.push_back(chain(C));
  Json Suppressed = nullptr;
  if (F.Suppressed)
    Suppressed = {{"kind", suppressionKindName(F.Suppressed->K).str()},
                  {"justification", F.Suppressed->Justification},
                  {"location", point(F.Suppressed->Loc)}};
  Json Obj = {{"rule", ruleId(F.TheRule).str()},
              {"level", levelName(RF.L).str()}};
  addPoint(Obj, F.Loc);
  Obj.update(Json{{"callee", F.Callee},
          {"category", F.Cat ? Json(categoryName(*F.Cat).str()) : nullptr},
          {"reason", F.Reason},
          {"message", F.Message.empty() ? defaultMessage(F) : F.Message},
          {"function", F.EnclosingFunction},
          {"program", nullIfEmpty(F.Program)},
          {"roots", F.Roots},
          {"chains", std::move(Chains)},
          {"suppression", std::move(Suppressed)},
          {"fingerprint", RF.Prints.Stable},
          {"baseline_state", nullIfEmpty(baselineStateName(RF.Baseline))}});
  return Obj;
}

Json JsonBuilder::stats() const {
  const AnalysisResult &A = *R.Result;
  Json ByRule = Json::object();
  for (Rule Ru : allRules())
    ByRule[ruleId(Ru).str()] = 0;
  unsigned Suppressed = 0;
  for (const ReportedFinding &RF : R.Findings) {
    ByRule[ruleId(RF.F->TheRule).str()] =
        ByRule[ruleId(RF.F->TheRule).str()].get<unsigned>() + 1;
    Suppressed += RF.F->Suppressed.has_value();
  }
  return {{"translation_units", A.TranslationUnits},
          {"failed_translation_units", A.FailedTranslationUnits},
          {"functions", A.Functions},
          {"handlers", A.Handlers},
          {"findings", R.Findings.size()},
          {"suppressed", Suppressed},
          {"failing", R.failing()},
          {"by_rule", std::move(ByRule)}};
}

Json JsonBuilder::build() const {
  Json Findings = Json::array();
  for (const ReportedFinding &RF : R.Findings)
    Findings.push_back(finding(RF));
  Json Notes = Json::array();
  for (const Notification &N : R.Result->Notifications) {
    Json Note = {{"level", notificationLevelName(N.L).str()},
                 {"message", N.Message}};
    addPoint(Note, N.Loc);
    Notes.push_back(std::move(Note));
  }
  Json Baseline = nullptr;
  if (!R.BaselineFile.empty()) {
    unsigned Unchanged = llvm::count_if(R.Findings, [](const ReportedFinding &RF) {
      return RF.Baseline == BaselineState::Unchanged;
    });
    Baseline = {{"file", R.BaselineFile},
                {"new", R.Findings.size() - Unchanged},
                {"unchanged", Unchanged},
                {"absent", R.BaselineAbsent}};
  }
  Json Programs = Json::array();
  for (const ProgramSummary &P : R.Result->Programs) {
    Json Prog = {{"name", nullIfEmpty(P.Name)},
                 {"main_file", nullptr},
                 {"translation_units", P.TranslationUnits},
                 {"handlers", P.Handlers}};
    if (!P.MainFile.empty())
      Prog["main_file"] = displayPath(P.MainFile, Opts.SourceRoot);
    Programs.push_back(std::move(Prog));
  }
  return {{"version", 1},
          {"tool", {{"name", "evguard"}, {"version", toolVersion().str()}}},
          {"source_root", nullIfEmpty(Opts.SourceRoot)},
          {"baseline", std::move(Baseline)},
          {"findings", std::move(Findings)},
          {"notifications", std::move(Notes)},
          {"programs", std::move(Programs)},
          {"stats", stats()}};
}

void evguard::writeJson(llvm::raw_ostream &OS, const Report &R,
                        const ReportOptions &Opts) {
  OS << JsonBuilder(R, Opts).build().dump(2) << "\n";
}
