//===- Internal.h - Helpers shared by the report writers --------*- C++ -*-===//
#ifndef EVGUARD_REPORT_INTERNAL_H
#define EVGUARD_REPORT_INTERNAL_H

#include "evguard/Findings.h"
#include "llvm/ADT/StringRef.h"
#include <string>

namespace evguard {


/// The JSON/SARIF spelling of a suppression kind: "nolint", "allow-blocking".
llvm::StringRef suppressionKindName(Suppression::Kind K);

struct RuleDescription {
  llvm::StringRef Name;  ///< SARIF reportingDescriptor.name
  llvm::StringRef Short; ///< one sentence
  llvm::StringRef Full;  ///< a paragraph
};
RuleDescription describeRule(Rule R);
/// The usual fix for a blocking call of category C.
llvm::StringRef fixRecipe(Category C);
std::string ruleHelpText(Rule R);
std::string ruleHelpMarkdown(Rule R);

} // namespace evguard

#endif
