//===- Diagnostics.cpp - Findings as clang-style diagnostics --------------===//
//
// The text format and the clang-tidy plugin both print diagnosticsFor(), so
// a finding reads the same in a terminal, a CI log and an editor.
//
//===----------------------------------------------------------------------===//

#include "evguard/Report.h"
#include "Internal.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

using namespace evguard;

Level ReportOptions::levelFor(const Finding &F) const {
  if (F.TheRule == Rule::UnknownCall || !F.Cat)
    return UnknownCallLevel;
  auto It = Levels.find(*F.Cat);
  return It == Levels.end() ? Level::Warning : It->second;
}

std::string evguard::displayPath(llvm::StringRef File, llvm::StringRef Dir) {
  if (Dir.empty() || !llvm::sys::path::is_absolute(File))
    return File.str();
  llvm::StringRef Base = Dir;
  while (Base.size() > 1 && Base.ends_with("/"))
    Base = Base.drop_back();
  if (!File.starts_with(Base))
    return File.str();
  llvm::StringRef Rest = File.drop_front(Base.size());
  if (Base == "/")
    return Rest.str();
  if (!Rest.consume_front("/") || Rest.empty())
    return File.str();
  return Rest.str();
}

static std::string pointText(const SourcePoint &P, const ReportOptions &Opts) {
  std::string Text = displayPath(P.File, Opts.DisplayDir);
  if (P.Line == 0)
    return Text;
  Text += ":" + std::to_string(P.Line);
  if (P.Column != 0)
    Text += ":" + std::to_string(P.Column);
  return Text;
}

std::string evguard::defaultMessage(const Finding &F) {
  std::string Callee = "'" + F.Callee + "'";
  std::string Why = F.Cat ? categoryName(*F.Cat).str() : std::string("unknown");
  if (!F.Reason.empty())
    Why += ": " + F.Reason;
  switch (F.TheRule) {
  case Rule::BlockingCall:
    return "call to " + Callee + " may block the event loop (" + Why + ")";
  case Rule::PageFault:
    return "call to " + Callee + " may stall the event loop on page faults (" +
           Why + ")";
  case Rule::NonblockingViolation:
    return "call to " + Callee + " may block inside a function marked "
           "EVGUARD_NONBLOCKING (" + Why + ")";
  case Rule::UnknownCall:
    return "call to " + Callee + " which evguard cannot see into (no body, "
           "not in the database) on the event loop";
  }
  llvm_unreachable("unknown rule");
}

static std::string viaSuffix(llvm::StringRef Via) {
  if (Via == "virtual")
    return " (virtual call)";
  if (Via == "field")
    return " (through a function-pointer field)";
  if (Via == "pointer")
    return " (through a function pointer)";
  if (Via == "callable")
    return " (as a callable it was given)";
  return "";
}

static Diagnostic rootNote(const Finding &F, const Chain &C,
                           const ReportOptions &Opts) {
  Diagnostic D{C.RootLoc, Level::Note, ""};
  std::string Root = "'" + C.Root + "'";
  if (C.RegisteredAt && C.RegisteredAt->valid()) {
    D.Message = "handler " + Root + " registered at " +
                pointText(*C.RegisteredAt, Opts);
    if (!C.RegisteredVia.empty())
      D.Message += " via " + C.RegisteredVia;
    if (!D.Loc.valid())
      D.Loc = *C.RegisteredAt;
    return D;
  }
  if (C.RegisteredVia == "EVGUARD_HANDLER") {
    D.Message = "handler " + Root + " is marked EVGUARD_HANDLER";
    return D;
  }
  if (!C.RegisteredVia.empty()) {
    D.Message = "handler " + Root + " registered via " + C.RegisteredVia;
    return D;
  }
  if (F.TheRule == Rule::NonblockingViolation) {
    D.Message = Root + " is marked EVGUARD_NONBLOCKING";
    return D;
  }
  D.Message = "handler " + Root + " defined here";
  return D;
}

static Diagnostic suppressionNote(const Suppression &S) {
  llvm::StringRef How =
      S.K == Suppression::Kind::NoLint ? "NOLINT" : "EVGUARD_ALLOW_BLOCKING";
  std::string Message = ("suppressed by " + How).str();
  if (!S.Justification.empty())
    Message += ": " + S.Justification;
  return {S.Loc, Level::Note, Message};
}

std::vector<Diagnostic> evguard::chainNotes(const Finding &F, const Chain &C,
                                            const ReportOptions &Opts) {
  std::vector<Diagnostic> Out{rootNote(F, C, Opts)};
  for (const ChainStep &S : C.Steps)
    Out.push_back({S.Loc, Level::Note,
                   "'" + S.Caller + "' calls '" + S.Callee + "'" +
                       viaSuffix(S.Via)});
  return Out;
}

std::vector<Diagnostic> evguard::diagnosticsFor(const Finding &F,
                                                const ReportOptions &Opts) {
  std::vector<Diagnostic> Out;
  Out.push_back({F.Loc, Opts.levelFor(F),
                 F.Message.empty() ? defaultMessage(F) : F.Message});
  for (const Chain &C : F.Chains)
    llvm::append_range(Out, chainNotes(F, C, Opts));
  if (F.Suppressed)
    Out.push_back(suppressionNote(*F.Suppressed));
  return Out;
}

static void printDiagnostic(llvm::raw_ostream &OS, const Diagnostic &D,
                            const ReportOptions &Opts) {
  if (!D.Loc.File.empty())
    OS << pointText(D.Loc, Opts) << ": ";
  OS << levelName(D.L) << ": " << D.Message;
}

llvm::StringRef evguard::notificationLevelName(Notification::Level L) {
  switch (L) {
  case Notification::Level::Error:
    return "error";
  case Notification::Level::Warning:
    return "warning";
  case Notification::Level::Note:
    return "note";
  }
  llvm_unreachable("unknown notification level");
}

llvm::StringRef evguard::suppressionKindName(Suppression::Kind K) {
  return K == Suppression::Kind::NoLint ? "nolint" : "allow-blocking";
}

static bool isHidden(const ReportedFinding &RF, const ReportOptions &Opts) {
  if (Opts.ShowSuppressed)
    return false;
  return RF.F->Suppressed || RF.Baseline == BaselineState::Unchanged;
}

/// "program 'server' (main server.c; 3 TUs, 2 handlers):" above each
/// program's findings, when the database holds more than one.
static void programHeading(llvm::raw_ostream &OS, const ProgramSummary &P,
                           const ReportOptions &Opts) {
  OS << "program '" << P.Name << "' (";
  if (!P.MainFile.empty())
    OS << "main in " << displayPath(P.MainFile, Opts.DisplayDir) << "; ";
  OS << P.TranslationUnits << (P.TranslationUnits == 1 ? " TU, " : " TUs, ")
     << P.Handlers << (P.Handlers == 1 ? " handler" : " handlers") << "):\n";
}

void evguard::writeText(llvm::raw_ostream &OS, const Report &R,
                        const ReportOptions &Opts) {
  const std::vector<ProgramSummary> &Programs = R.Result->Programs;
  bool Sections = Programs.size() > 1;
  size_t NextProgram = 0;
  // Findings come grouped in Programs' order: print each heading up to the
  // finding's program (all of them for nullopt).
  auto HeadingsUpTo = [&](std::optional<llvm::StringRef> Program) {
    while (Sections && NextProgram < Programs.size()) {
      const ProgramSummary &P = Programs[NextProgram++];
      programHeading(OS, P, Opts);
      if (Program && P.Name == *Program)
        return;
    }
  };
  for (const ReportedFinding &RF : R.Findings) {
    if (isHidden(RF, Opts))
      continue;
    if (Sections && (NextProgram == 0 ||
                     Programs[NextProgram - 1].Name != RF.F->Program))
      HeadingsUpTo(llvm::StringRef(RF.F->Program));
    std::vector<Diagnostic> Diags = diagnosticsFor(*RF.F, Opts);
    printDiagnostic(OS, Diags.front(), Opts);
    OS << " [" << ruleId(RF.F->TheRule) << "]";
    if (RF.F->Suppressed)
      OS << " (suppressed)";
    if (RF.Baseline == BaselineState::Unchanged)
      OS << " (in baseline)";
    OS << "\n";
    for (const Diagnostic &D : llvm::drop_begin(Diags)) {
      printDiagnostic(OS, D, Opts);
      OS << "\n";
    }
  }
  // Programs without findings still get their heading: nothing was found
  // in them, which is news too.
  HeadingsUpTo(std::nullopt);
  for (const Notification &N : R.Result->Notifications) {
    if (!N.Loc.File.empty())
      OS << pointText(N.Loc, Opts) << ": ";
    OS << notificationLevelName(N.L) << ": " << N.Message << "\n";
  }
  OS << summaryLine(R) << "\n";
}

static std::string plural(unsigned N, llvm::StringRef One,
                          llvm::StringRef Many) {
  return std::to_string(N) + " " + (N == 1 ? One : Many).str();
}

std::string evguard::summaryLine(const Report &R) {
  std::map<Rule, unsigned> ByRule;
  llvm::StringSet<> Handlers;
  unsigned Shown = 0, Suppressed = 0, InBaseline = 0;
  for (const ReportedFinding &RF : R.Findings) {
    if (RF.F->Suppressed) {
      ++Suppressed;
      continue;
    }
    if (RF.Baseline == BaselineState::Unchanged) {
      ++InBaseline;
      continue;
    }
    ++Shown;
    ++ByRule[RF.F->TheRule];
    for (const std::string &Root : RF.F->Roots)
      Handlers.insert(Root);
  }
  std::string Line = plural(Shown, "finding", "findings");
  if (!ByRule.empty()) {
    Line += " (";
    bool First = true;
    for (const auto &[Rule, Count] : ByRule) {
      if (!First)
        Line += ", ";
      First = false;
      Line += std::to_string(Count) + " " +
              ruleId(Rule).drop_front(llvm::StringRef("evguard-").size()).str();
    }
    Line += ")";
  }
  // Every handler found counts, not only those with findings: "0 of 0
  // handlers" says the registrations were not recognized at all.
  Line += " from " + std::to_string(Handlers.size()) + " of " +
          plural(R.Result->Handlers, "handler", "handlers");
  Line += "; " + plural(R.Result->TranslationUnits, "TU", "TUs") + " analyzed";
  if (R.Result->Programs.size() > 1)
    Line += " in " + plural(R.Result->Programs.size(), "program", "programs");
  if (R.Result->FailedTranslationUnits)
    Line += "; " + plural(R.Result->FailedTranslationUnits, "TU", "TUs") +
            " failed to parse";
  if (Suppressed)
    Line += "; " + std::to_string(Suppressed) + " suppressed";
  if (!R.BaselineFile.empty())
    Line += "; " + std::to_string(InBaseline) + " in baseline, " +
            std::to_string(R.BaselineAbsent) + " fixed since";
  return Line;
}
