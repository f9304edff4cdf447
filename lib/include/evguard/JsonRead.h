//===- JsonRead.h - The one way evguard parses a JSON file ------*- C++ -*-===//
//
// Every JSON reader (the annotation database, .evguard.json, a baseline
// SARIF, summaries) parses through readJson, so that every kind of bad input
// (a syntax error, a number too large for a double, nesting too deep to be a
// real file) becomes one error with the byte where it was found, and no
// exception of the JSON library ever escapes.
//
//===----------------------------------------------------------------------===//
#ifndef EVGUARD_JSONREAD_H
#define EVGUARD_JSONREAD_H

#include "llvm/ADT/StringRef.h"
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace evguard {

/// Deeper nesting than any file evguard reads needs; a deeper file is a
/// resource bomb (each level costs the DOM parser memory and stack).
constexpr unsigned MaxJsonDepth = 256;

struct JsonSyntaxError {
  size_t Offset = 0;   ///< the byte where parsing stopped (0-based)
  std::string Message; ///< without nlohmann's "[json.exception...]" prefix
};

/// Parses Text into Out; on failure says where and why.
std::optional<JsonSyntaxError> readJson(llvm::StringRef Text, nlohmann::json &Out);
/// The same, keeping members in file order (the database's messages do).
std::optional<JsonSyntaxError> readJson(llvm::StringRef Text, nlohmann::ordered_json &Out);

} // namespace evguard

#endif
