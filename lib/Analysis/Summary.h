//===- Summary.h - What one translation unit tells the analysis -*- C++ -*-===//
//
// A TUSummary is everything the whole-program analysis needs from one TU,
// and nothing of its AST: the functions it declares or defines (with what the
// database and the source annotations say of them), the calls each defined
// function makes, and every place a callable is stored. Callables are
// described by value sources (ValueRef) that the program-wide points-to step
// resolves to functions.
//
//===----------------------------------------------------------------------===//
#ifndef EVGUARD_ANALYSIS_SUMMARY_H
#define EVGUARD_ANALYSIS_SUMMARY_H

#include "evguard/Database.h"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
}

namespace evguard {

/// A location in a summary: an index into TUSummary::Files.
struct Loc {
  uint32_t File = 0;
  uint32_t Line = 0;
  uint32_t Col = 0;
};

/// Where a callable value can come from.
struct ValueRef {
  enum class Kind : uint8_t {
    Function, ///< Id = the function's USR
    Var,      ///< Id = a variable's USR (globals, locals)
    Param,    ///< Id = the function's USR, Index = the parameter
    Field,    ///< Id = "Record::field"
  };
  Kind K = Kind::Function;
  std::string Id;
  uint32_t Index = 0;
  friend bool operator==(const ValueRef &, const ValueRef &) = default;
  friend auto operator<=>(const ValueRef &, const ValueRef &) = default;
};

/// Arguments of a call that carry callables, by parameter index.
struct CallableArg {
  uint32_t Param = 0;
  std::vector<ValueRef> Sources;
};

struct CallSite {
  enum class Kind : uint8_t {
    Direct,  ///< Target = callee USR
    Virtual, ///< Target = the statically called method's USR (plus overrides)
    Field,   ///< through a function-pointer field: Target = "Record::field"
    Pointer, ///< through another pointer/callable: Sources, FnType
  };
  Kind K = Kind::Direct;
  std::string Target;
  std::vector<ValueRef> Sources; ///< Pointer calls
  std::string FnType;            ///< Pointer and Field calls: canonical type
  Loc At;
  std::vector<CallableArg> Callables;
  /// A database condition proved, from constant arguments, that this call
  /// does not block (poll(..., 0)).
  bool ProvedNonblocking = false;
  /// The callee does not block on descriptors that are not regular files
  /// (Condition::Kind::NotRegularFile): where the descriptor came from. The
  /// link step decides, knowing every variable and field that ever held a
  /// descriptor from an `opens_file` function.
  bool DescriptorCheck = false;
  bool DescriptorIsFile = false; ///< read(open(...)): known on the spot
  std::vector<ValueRef> DescriptorSources;
  /// NOLINT on the call's line: the check list ("" = all) and the comment.
  std::optional<std::string> NoLintChecks;
  /// Inside `if (f() == 0)` (or the like) for a function f not known, in
  /// this TU, to fork: f's USR. The link step drops the call if f forks.
  std::string ChildOf;
  std::string NoLintText;
};

/// A descriptor-like value (an `int` variable, field or parameter) handed to
/// another function: `set_nonblocking(fd)`. The link step uses these to
/// learn which functions switch their parameter to non-blocking mode.
struct DescriptorPass {
  std::string Callee; ///< USR
  uint32_t Arg = 0;
  ValueRef Source;
};

/// A callable stored somewhere: `s->cb = f`, `{.handler = f}`, `cb = f`.
struct Store {
  ValueRef Dest; ///< Var or Field
  std::vector<ValueRef> Sources;
  Loc At;
};

struct FunctionRecord {
  std::string Usr;
  std::string Name; ///< Naming.h's qualified name
  Loc At;           ///< the definition, or the first declaration seen
  bool HasBody = false;
  /// Declared in a header of the C or C++ standard library (or the
  /// compiler's own): never an "unknown" function.
  bool StandardLibrary = false;
  /// Declared in any system header: its body (if any) is not followed.
  bool System = false;
  bool Virtual = false;
  bool AddressTaken = false;
  std::string FnType; ///< canonical function type, for pointer calls
  std::vector<std::string> Overrides; ///< USRs of methods it overrides

  // What the database and the source annotations say.
  bool Handler = false;
  bool Nonblocking = false;
  std::optional<std::string> AllowBlocking; ///< the reason
  std::optional<BlockingInfo> Blocking;
  std::optional<FaultInfo> MayFault;
  std::vector<uint32_t> RegistersParams;
  std::vector<uint32_t> OffloadsParams;
  bool OpensFile = false;
  /// Database facts about descriptors, used while summarizing this TU's
  /// calls to the function (not stored in summaries).
  std::optional<BlockingDescriptorInfo> BlockingDescriptor;
  std::optional<NonblockingSetter> SetsNonblocking;
  /// Parameters this function switches to non-blocking mode itself (the
  /// link step adds those it passes on to such functions).
  std::vector<uint32_t> SetsNonblockingParams;
  std::vector<DescriptorPass> DescriptorPasses;
  /// Returns 0 in a child process (fork, vfork, a database "forks" entry).
  bool Forks = false;
  /// Integer functions whose result this one returns (`return fork();`,
  /// `pid = fork(); ...; return pid;`): it forks if one of them does.
  std::vector<std::string> ReturnsResultOf;
  std::string FactsFrom; ///< "database FILE:LINE:COL" or "annotation"

  std::vector<CallSite> Calls; ///< only when HasBody, in source order
};

struct TUSummary {
  std::string MainFile;
  std::vector<std::string> Files; ///< Loc::File indexes this
  std::vector<FunctionRecord> Functions;
  std::vector<Store> Stores;
  /// Variables and fields assigned a regular file's descriptor.
  std::vector<ValueRef> FileDescriptors;
  /// Variables and fields assigned a descriptor created in blocking mode
  /// (socket() without SOCK_NONBLOCK, accept()).
  std::vector<ValueRef> BlockingDescriptors;
  /// Variables and fields switched to non-blocking mode (fcntl, ioctl).
  std::vector<ValueRef> NonblockingDescriptors;
  /// Fields annotated EVGUARD_REGISTERS_HANDLER: "Record::field".
  std::vector<std::string> HandlerFields;
  /// The linker's view (Symbols.cpp), for building one program at a time:
  /// USRs of the external symbols this TU defines (strong definitions, and
  /// "vtable:USR" for classes whose key function it defines), of those it
  /// uses without defining them, and whether it defines `main`.
  std::vector<std::string> Defines;
  std::vector<std::string> Needs;
  bool DefinesMain = false;
};

/// Fills TUSummary::Defines, Needs and DefinesMain from the TU's AST.
void collectSymbols(clang::ASTContext &Ctx, TUSummary &Out);

} // namespace evguard

#endif
