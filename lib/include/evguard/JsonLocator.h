//===- JsonLocator.h - Source positions of JSON values ----------*- C++ -*-===//
//
// nlohmann::json forgets where a value came from, but a useful error message
// names FILE:LINE:COL. JsonLocator scans text that a JSON parser has already
// accepted and maps every value, by its JSON Pointer (RFC 6901), to the byte
// offset of the value and of its member name. Shared by every loader of a
// JSON file (the annotation database, the .evguard.json config).
//
//===----------------------------------------------------------------------===//
#ifndef EVGUARD_JSONLOCATOR_H
#define EVGUARD_JSONLOCATOR_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include <cstddef>
#include <string>
#include <vector>

namespace evguard {

/// A 1-based line and column; the column counts bytes.
struct TextPosition {
  unsigned Line = 1;
  unsigned Column = 1;
};

/// The position of byte Offset in Text (an offset past the end is clamped).
TextPosition positionOfOffset(llvm::StringRef Text, size_t Offset);

/// Escapes one member name or array index as a JSON Pointer reference token
/// ("a/b" -> "a~1b"), so that callers can build "/functions/3/name".
std::string jsonPointerToken(llvm::StringRef Name);

class JsonLocator {
public:
  /// Text must be valid JSON (parse it first); on invalid text the scan stops
  /// early and later values are simply not found, it never reads out of
  /// bounds. Text must outlive the locator.
  explicit JsonLocator(llvm::StringRef Text);

  /// The offset of the first byte of the value at Pointer ("" is the root,
  /// "/functions/0/name" a member), or of the deepest existing ancestor when
  /// Pointer names nothing: an error about a missing member then points at
  /// the object that lacks it.
  size_t valueOffset(llvm::StringRef Pointer) const;
  /// The offset of the opening quote of the member name that holds the value
  /// at Pointer; for array elements and the root, the value's offset.
  size_t keyOffset(llvm::StringRef Pointer) const;

  TextPosition valuePosition(llvm::StringRef Pointer) const {
    return position(valueOffset(Pointer));
  }
  TextPosition keyPosition(llvm::StringRef Pointer) const {
    return position(keyOffset(Pointer));
  }
  /// positionOfOffset(Text, Offset), in O(log lines): loaders ask for the
  /// position of every entry, not only of errors.
  TextPosition position(size_t Offset) const;

  /// True if the scan saw a value at exactly this pointer.
  bool contains(llvm::StringRef Pointer) const {
    return Locations.count(Pointer) != 0;
  }

private:
  struct Location {
    size_t Value = 0;
    size_t Key = 0;
  };
  const Location *find(llvm::StringRef Pointer) const;
  void scan();

  llvm::StringRef Text;
  llvm::StringMap<Location> Locations;
  std::vector<size_t> LineStarts;
};

} // namespace evguard

#endif
