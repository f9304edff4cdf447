//===- Parse.h - Reading one annotation file --------------------*- C++ -*-===//
//
// Turns the text of one database file into validated entries, without
// touching any database: AnnotationDatabase merges them only once the whole
// file is known to be good, so a bad file never leaves a half-merged state.
//
//===----------------------------------------------------------------------===//
#ifndef EVGUARD_LIB_DATABASE_PARSE_H
#define EVGUARD_LIB_DATABASE_PARSE_H

#include "evguard/Database.h"
#include "llvm/Support/Error.h"
#include <vector>

namespace evguard {

struct ParsedFunction {
  FunctionEntry Entry; ///< for a removal, only the key and From are set
  bool Remove = false;
};

struct ParsedFile {
  std::vector<ParsedFunction> Functions; ///< in file order
  std::vector<HandlerField> HandlerFields;
  std::vector<HandlerField> RemovedHandlerFields;
};

llvm::Expected<ParsedFile> parseDatabaseText(llvm::StringRef Text,
                                             llvm::StringRef FileName);

/// The database's error format: "FILE:LINE:COL: error: What; ToDo".
llvm::Error databaseError(const Origin &At, const llvm::Twine &What,
                          const llvm::Twine &ToDo);

} // namespace evguard

#endif
