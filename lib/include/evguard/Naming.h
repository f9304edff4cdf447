//===- Naming.h - How evguard names functions -------------------*- C++ -*-===//
//
// One naming scheme for the database, the summaries and the reports: plain
// names for C, qualified names without template arguments for C++, with
// inline and anonymous namespaces left out (std::__cxx11 is std).
//
//===----------------------------------------------------------------------===//
#ifndef EVGUARD_NAMING_H
#define EVGUARD_NAMING_H

#include "evguard/Database.h"
#include <string>

namespace clang {
class FunctionDecl;
class NamedDecl;
class RecordDecl;
class DeclContext;
} // namespace clang

namespace evguard {

/// "ns::Class::method", "std::lock_guard::lock_guard", "poll".
std::string qualifiedName(const clang::NamedDecl &D);
/// The name a reader knows a record by: its qualified name, or for an
/// anonymous struct its typedef's name ("typedef struct {…} conn_t").
std::string recordName(const clang::RecordDecl &RD);
/// Everything a database lookup needs.
FunctionKey functionKey(const clang::FunctionDecl &FD);

} // namespace evguard

#endif
