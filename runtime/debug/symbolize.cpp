#include "symbolize.h"

#include "state.h"

#include <cxxabi.h>
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

namespace evguard::debug {
namespace {

/// A module's .symtab, mapped read-only from its file.
struct ElfSymbols {
  std::string Path;
  const char *Base = nullptr;
  size_t Size = 0;
  const ElfW(Sym) *Syms = nullptr;
  size_t Count = 0;
  const char *Strings = nullptr;
  size_t StringsSize = 0;
  bool Relative = true; ///< ET_DYN: symbol values are offsets from the base.
};

bool loadElf(const std::string &Path, ElfSymbols &Out) {
  Out.Path = Path;
  int Fd = ::open(Path.c_str(), O_RDONLY | O_CLOEXEC);
  if (Fd < 0)
    return false;
  struct stat St;
  if (fstat(Fd, &St) != 0 || St.st_size < (off_t)sizeof(ElfW(Ehdr))) {
    close(Fd);
    return false;
  }
  void *Map = mmap(nullptr, St.st_size, PROT_READ, MAP_PRIVATE, Fd, 0);
  close(Fd);
  if (Map == MAP_FAILED)
    return false;
  Out.Base = static_cast<const char *>(Map);
  Out.Size = St.st_size;
  auto *Eh = reinterpret_cast<const ElfW(Ehdr) *>(Out.Base);
  if (std::memcmp(Eh->e_ident, ELFMAG, SELFMAG) != 0 ||
      Eh->e_shoff + (size_t)Eh->e_shnum * sizeof(ElfW(Shdr)) > Out.Size)
    return false;
  Out.Relative = Eh->e_type == ET_DYN;
  auto *Sh = reinterpret_cast<const ElfW(Shdr) *>(Out.Base + Eh->e_shoff);
  for (unsigned I = 0; I < Eh->e_shnum; ++I) {
    if (Sh[I].sh_type != SHT_SYMTAB || Sh[I].sh_link >= Eh->e_shnum)
      continue;
    const ElfW(Shdr) &Str = Sh[Sh[I].sh_link];
    if (Sh[I].sh_offset + Sh[I].sh_size > Out.Size ||
        Str.sh_offset + Str.sh_size > Out.Size)
      return false;
    Out.Syms = reinterpret_cast<const ElfW(Sym) *>(Out.Base + Sh[I].sh_offset);
    Out.Count = Sh[I].sh_size / sizeof(ElfW(Sym));
    Out.Strings = Out.Base + Str.sh_offset;
    Out.StringsSize = Str.sh_size;
    return true;
  }
  return false;
}

std::mutex CacheMutex;
std::vector<ElfSymbols> &cache() {
  static auto *C = new std::vector<ElfSymbols>(); // Outlives atexit reports.
  return *C;
}

const ElfSymbols *elfFor(const std::string &Path) {
  for (const ElfSymbols &E : cache())
    if (E.Path == Path)
      return E.Syms ? &E : nullptr;
  ElfSymbols E;
  loadElf(Path, E);
  cache().push_back(E);
  return cache().back().Syms ? &cache().back() : nullptr;
}

/// The FUNC symbol of the module's .symtab containing `Value`.
const char *lookupSymtab(const ElfSymbols &E, uintptr_t Value,
                         uintptr_t &Start) {
  const char *Best = nullptr;
  for (size_t I = 0; I < E.Count; ++I) {
    const ElfW(Sym) &S = E.Syms[I];
    if (ELF64_ST_TYPE(S.st_info) != STT_FUNC || S.st_value == 0 ||
        S.st_name >= E.StringsSize)
      continue;
    if (Value >= S.st_value && Value < S.st_value + (S.st_size ? S.st_size : 1)) {
      Best = E.Strings + S.st_name;
      Start = S.st_value;
      break;
    }
  }
  return Best;
}

std::string exePath() {
  char Buf[4096];
  ssize_t N = readlink("/proc/self/exe", Buf, sizeof(Buf) - 1);
  return N > 0 ? std::string(Buf, N) : std::string();
}

} // namespace

std::string demangle(const char *Name) {
  int Status = 0;
  char *D = abi::__cxa_demangle(Name, nullptr, nullptr, &Status);
  if (Status != 0 || !D)
    return Name;
  std::string Out = D;
  std::free(D);
  return Out;
}

Symbol symbolize(const void *Addr) {
  InternalScope Guard;
  Symbol Out;
  Dl_info Info{};
  if (!Addr || !dladdr(Addr, &Info))
    return Out;
  Out.Module = Info.dli_fname ? Info.dli_fname : "";
  // The main program's dli_fname is empty or argv[0]-like; its ELF file is
  // /proc/self/exe. The vDSO has no file: keep its name, skip the symtab.
  bool Vdso = Out.Module.find("vdso") != std::string::npos &&
              Out.Module.find('/') == std::string::npos;
  if (!Vdso &&
      (Out.Module.empty() || Out.Module.find('/') == std::string::npos))
    Out.Module = exePath();
  uintptr_t A = reinterpret_cast<uintptr_t>(Addr);
  uintptr_t Base = reinterpret_cast<uintptr_t>(Info.dli_fbase);
  Out.FileAddress = A - Base;
  std::lock_guard<std::mutex> Lock(CacheMutex);
  const ElfSymbols *E = Vdso ? nullptr : elfFor(Out.Module);
  uintptr_t Start = 0;
  const char *Name = nullptr;
  if (E) {
    uintptr_t Value = E->Relative ? A - Base : A;
    Out.FileAddress = Value;
    Name = lookupSymtab(*E, Value, Start);
    if (Name)
      Start = E->Relative ? Start + Base : Start;
  }
  if (!Name && Info.dli_sname) {
    Name = Info.dli_sname;
    Start = reinterpret_cast<uintptr_t>(Info.dli_saddr);
  }
  if (Name) {
    Out.Function = demangle(Name);
    Out.Offset = A - Start;
  }
  return Out;
}

std::string describe(const void *Addr) {
  Symbol S = symbolize(Addr);
  char Buf[64];
  std::string Out;
  if (!S.Function.empty()) {
    std::snprintf(Buf, sizeof(Buf), "+0x%zx", (size_t)S.Offset);
    Out = S.Function + Buf;
  } else {
    std::snprintf(Buf, sizeof(Buf), "%p", Addr);
    Out = Buf;
  }
  if (!S.Module.empty()) {
    size_t Slash = S.Module.rfind('/');
    Out += " (" + S.Module.substr(Slash == std::string::npos ? 0 : Slash + 1) +
           ")";
  }
  return Out;
}

} // namespace evguard::debug
