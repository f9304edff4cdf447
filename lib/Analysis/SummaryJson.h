//===- SummaryJson.h - A TU summary as JSON, for files and the cache -*- C++ -*-===//
#ifndef EVGUARD_ANALYSIS_SUMMARYJSON_H
#define EVGUARD_ANALYSIS_SUMMARYJSON_H

#include "Summary.h"
#include "llvm/Support/Error.h"
#include <memory>
#include <nlohmann/json.hpp>

namespace evguard {

nlohmann::json summaryToJson(const TUSummary &S);
/// Throws nlohmann::json::exception or std::invalid_argument on a summary of
/// another format or a damaged one.
std::shared_ptr<const TUSummary> summaryFromJson(const nlohmann::json &J);
/// Writes through a temporary in the same folder and a rename.
llvm::Error writeWholeFile(llvm::StringRef Path, llvm::StringRef Content);

} // namespace evguard

#endif
