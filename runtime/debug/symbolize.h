// Turns code addresses into names a person can act on, without -rdynamic:
// dladdr finds the module, the module's own ELF symbol table (.symtab, kept
// unless the binary is stripped) names static and hidden functions too, and
// __cxa_demangle makes C++ names readable. File:line comes from the debug
// info (debuginfo.h).
#ifndef EVGUARD_DEBUG_SYMBOLIZE_H
#define EVGUARD_DEBUG_SYMBOLIZE_H

#include <cstdint>
#include <string>

namespace evguard::debug {

struct Symbol {
  std::string Module;   ///< Path of the executable or library.
  uintptr_t FileAddress = 0; ///< The address as the module's file sees it.
  std::string Function; ///< Demangled; empty when unknown.
  uintptr_t Offset = 0; ///< From the start of Function.
};

Symbol symbolize(const void *Addr);

/// A C++ symbol made readable; other names unchanged.
std::string demangle(const char *Name);

/// "name+0x12 (module)" for backtraces.
std::string describe(const void *Addr);

} // namespace evguard::debug

#endif
