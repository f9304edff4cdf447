//===- Baseline.cpp - Reading an earlier SARIF report ---------------------===//

#include "evguard/Baseline.h"
#include "evguard/JsonLocator.h"
#include "evguard/JsonRead.h"
#include "llvm/Support/MemoryBuffer.h"
#include <nlohmann/json.hpp>

using namespace evguard;
using Json = nlohmann::json;

static llvm::Error baselineError(llvm::StringRef Path, const llvm::Twine &What) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 Path + ": error: " + What);
}

llvm::Expected<Baseline> Baseline::parse(llvm::StringRef Text,
                                         llvm::StringRef Path) {
  Json Doc;
  if (std::optional<JsonSyntaxError> E = readJson(Text, Doc)) {
    TextPosition Pos = positionOfOffset(Text, E->Offset);
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        Path + ":" + llvm::Twine(Pos.Line) + ":" + llvm::Twine(Pos.Column) +
            ": error: not a JSON file (" + E->Message +
            "); give a SARIF report written by evguard --format=sarif");
  }
  const Json *Runs = Doc.is_object() && Doc.contains("runs") ? &Doc["runs"]
                                                              : nullptr;
  if (!Runs || !Runs->is_array())
    return baselineError(Path, "not a SARIF file (no \"runs\" array); give a "
                               "report written by evguard --format=sarif");
  Baseline B;
  B.Path = Path.str();
  bool SawEvguard = false;
  for (const Json &Run : *Runs) {
    const Json *Name = nullptr;
    if (Run.is_object() && Run.contains("tool"))
      Name = &Run["tool"]["driver"]["name"];
    if (!Name || !Name->is_string() || *Name != "evguard")
      continue;
    SawEvguard = true;
    if (!Run.contains("results") || !Run["results"].is_array())
      continue;
    for (const Json &Res : Run["results"]) {
      if (!Res.is_object())
        continue;
      // A result the baseline itself saw disappear is not debt any more.
      if (Res.value("baselineState", "") == "absent")
        continue;
      auto FP = Res.find("partialFingerprints");
      if (FP == Res.end() || !FP->is_object() || !FP->contains("evguard/v1") ||
          !(*FP)["evguard/v1"].is_string())
        return baselineError(
            Path, "a result has no \"evguard/v1\" fingerprint; regenerate the "
                  "baseline with this version of evguard --format=sarif");
      B.Prints.insert((*FP)["evguard/v1"].get<std::string>());
    }
  }
  if (!SawEvguard)
    return baselineError(Path, "no run of evguard in this SARIF file; give a "
                               "report written by evguard --format=sarif");
  return std::move(B);
}

llvm::Expected<Baseline> Baseline::load(llvm::StringRef SarifPath) {
  auto Buf = llvm::MemoryBuffer::getFile(SarifPath, /*IsText=*/true);
  if (!Buf)
    return baselineError(SarifPath, "cannot read the baseline: " +
                                        Buf.getError().message());
  return parse((*Buf)->getBuffer(), SarifPath);
}

void evguard::applyBaseline(Report &R, const Baseline &B) {
  R.BaselineFile = B.path();
  llvm::StringSet<> Current;
  for (ReportedFinding &RF : R.Findings) {
    Current.insert(RF.Prints.Stable);
    RF.Baseline = B.contains(RF.Prints.Stable) ? BaselineState::Unchanged
                                               : BaselineState::New;
  }
  R.BaselineAbsent = 0;
  // Count distinct fingerprints: the baseline is a set.
  for (const auto &Entry : B.fingerprints())
    if (!Current.contains(Entry.getKey()))
      ++R.BaselineAbsent;
}
