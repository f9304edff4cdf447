// Source locations from the program's DWARF, read in-process with libdw
// (elfutils): the file:line of a code address with the calls inlined at it,
// where a handler is defined, and the calls a backtrace cannot show because
// the compiler turned them into tail calls (DW_TAG_call_site). Slow the first
// time a module is looked at (its debug info is indexed): callers use it only
// for a finding's first report, inside a ReportScope (report.h).
#ifndef EVGUARD_DEBUG_DEBUGINFO_H
#define EVGUARD_DEBUG_DEBUGINFO_H

#include <string>
#include <vector>

namespace evguard::debug {

struct SourceLine {
  std::string File; ///< Absolute and normalized; empty if unknown.
  unsigned Line = 0;
  explicit operator bool() const { return Line != 0; }
};

/// One source-level frame: an address expands to several when calls were
/// inlined at it.
struct SourceFrame {
  std::string Function; ///< As the debug info names it; may be empty.
  SourceLine Where;
  bool Inlined = false; ///< Inlined into the next (outer) frame.
  bool TailCall = false; ///< Reconstructed: a tail call left no frame.
};

/// The source frames of code address `Pc`, innermost first; empty without
/// debug info (or with EVGUARD_SYMBOLIZER=none).
std::vector<SourceFrame> sourceFrames(const void *Pc);

/// The innermost source line of `Pc`.
SourceLine sourceLine(const void *Pc);

/// Where the function whose code contains `Code` is defined. For the
/// runtime's type-erased invoker (evguard::Callable<...>::invoke_*), the
/// user's callable it invokes: a lambda's line, not callable.h's.
SourceLine definitionOf(const void *Code);

/// The calls that led from the call at return address `Return` (or, when
/// that call is indirect or `Return` is null, from the start of the function
/// containing `Entry`) to a call of the function named `Callee`, when all of
/// them were tail calls and the debug info tells one way there. Innermost
/// first, each the call site in its function; empty when there were no tail
/// calls or the way is not unique.
std::vector<SourceFrame> tailCallsTo(const void *Return, const void *Entry,
                                     const std::string &Callee);

} // namespace evguard::debug

#endif
