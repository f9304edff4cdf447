// libdw was chosen over libbacktrace (not packaged on its own by Debian) and
// over spawning addr2line (a process per address, no call-site information):
// elfutils is maintained with the toolchain, reads what GCC and Clang emit
// today (DWARF 5, compressed sections, separate debug files found by
// build-id), and gives the DIE tree, which the tail-call reconstruction needs
// (DW_TAG_call_site).
#include "debuginfo.h"

#include "config.h"
#include "state.h"
#include "symbolize.h"

#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>

namespace evguard::debug {
namespace {

// libdw is not thread-safe; findings are rare, one lock is enough.
std::mutex DwarfMutex;

const Dwfl_Callbacks Callbacks = {
    dwfl_linux_proc_find_elf, dwfl_standard_find_debuginfo, nullptr, nullptr};

/// The modules of this process, re-read when an address falls outside them
/// (a library loaded since, or a forked child).
class Process {
public:
  Dwfl_Module *moduleOf(Dwarf_Addr A) {
    if (!D || Pid != getpid())
      refresh();
    Dwfl_Module *M = D ? dwfl_addrmodule(D, A) : nullptr;
    if (!M && D) {
      refresh();
      M = dwfl_addrmodule(D, A);
    }
    return M;
  }

private:
  void refresh() {
    if (D && Pid != getpid()) {
      dwfl_end(D);
      D = nullptr;
    }
    if (!D)
      D = dwfl_begin(&Callbacks);
    if (!D)
      return;
    Pid = getpid();
    dwfl_report_begin(D);
    dwfl_linux_proc_report(D, Pid);
    dwfl_report_end(D, nullptr, nullptr);
  }

  Dwfl *D = nullptr;
  pid_t Pid = 0;
};

Process &process() {
  static auto *P = new Process(); // Outlives the atexit report.
  return *P;
}

/// "/a/build/../src/x.c" -> "/a/src/x.c", symbolic links resolved when the
/// file exists (the source root is resolved the same way).
std::string normalize(const char *Path) {
  if (!Path || !*Path)
    return {};
  if (Path[0] != '/')
    return Path; // Relative to a directory the debug info does not name.
  char Buf[PATH_MAX];
  if (realpath(Path, Buf))
    return Buf;
  std::vector<std::string> Parts;
  std::string P = Path;
  size_t Pos = 0;
  while (Pos <= P.size()) {
    size_t Slash = P.find('/', Pos);
    std::string Part = P.substr(Pos, Slash == std::string::npos ? Slash
                                                                 : Slash - Pos);
    if (Part == "..") {
      if (!Parts.empty())
        Parts.pop_back();
    } else if (!Part.empty() && Part != ".") {
      Parts.push_back(Part);
    }
    if (Slash == std::string::npos)
      break;
    Pos = Slash + 1;
  }
  std::string Out;
  for (const std::string &Part : Parts)
    Out += "/" + Part;
  return Out.empty() ? "/" : Out;
}

/// A file name of `Cu`'s debug info, absolute: names relative to the
/// compilation directory (as GCC writes "../src/x.c") are joined to it.
std::string fileOf(Dwarf_Die *Cu, const char *File) {
  if (!File || !*File)
    return {};
  if (File[0] == '/' || !Cu)
    return normalize(File);
  Dwarf_Attribute Mem;
  const char *Dir = dwarf_formstring(dwarf_attr(Cu, DW_AT_comp_dir, &Mem));
  if (!Dir || Dir[0] != '/')
    return normalize(File);
  return normalize((std::string(Dir) + "/" + File).c_str());
}

const char *stringAttr(Dwarf_Die *Die, unsigned Name) {
  Dwarf_Attribute Mem;
  Dwarf_Attribute *A = dwarf_attr_integrate(Die, Name, &Mem);
  return A ? dwarf_formstring(A) : nullptr;
}

const char *linkageName(Dwarf_Die *Die) {
  const char *L = stringAttr(Die, DW_AT_linkage_name);
  return L ? L : stringAttr(Die, DW_AT_MIPS_linkage_name);
}

/// The DIE that declares `Die` (following abstract origins and
/// specifications), whose parents are its namespaces and classes.
Dwarf_Die declarationOf(Dwarf_Die *Die) {
  Dwarf_Die D = *Die;
  for (int I = 0; I < 4; ++I) {
    Dwarf_Attribute Mem;
    Dwarf_Attribute *A = dwarf_attr(&D, DW_AT_abstract_origin, &Mem);
    if (!A)
      A = dwarf_attr(&D, DW_AT_specification, &Mem);
    Dwarf_Die Next;
    if (!A || !dwarf_formref_die(A, &Next))
      break;
    D = Next;
  }
  return D;
}

/// A function's qualified name: demangled from its linkage name, else built
/// from the namespaces and classes around its declaration.
std::string functionName(Dwarf_Die *Die) {
  if (const char *L = linkageName(Die))
    return demangle(L);
  const char *N = stringAttr(Die, DW_AT_name);
  if (!N)
    return "";
  std::string Name = N;
  Dwarf_Die Decl = declarationOf(Die);
  Dwarf_Die *Scopes = nullptr;
  int Count = dwarf_getscopes_die(&Decl, &Scopes);
  for (int I = 1; I < Count; ++I) {
    int Tag = dwarf_tag(&Scopes[I]);
    if (Tag != DW_TAG_namespace && Tag != DW_TAG_structure_type &&
        Tag != DW_TAG_class_type && Tag != DW_TAG_union_type)
      continue;
    const char *Scope = dwarf_diename(&Scopes[I]);
    Name = std::string(Scope ? Scope : "(anonymous namespace)") + "::" + Name;
  }
  std::free(Scopes);
  return Name;
}

SourceLine lineAt(Dwfl_Module *M, Dwarf_Addr A) {
  Dwfl_Line *L = dwfl_module_getsrc(M, A);
  int Line = 0;
  const char *File =
      L ? dwfl_lineinfo(L, nullptr, &Line, nullptr, nullptr, nullptr) : nullptr;
  if (!File || Line <= 0)
    return {};
  return {fileOf(dwfl_linecu(L), File), static_cast<unsigned>(Line)};
}

/// Where an inlined call was made (DW_AT_call_file:DW_AT_call_line).
SourceLine callLine(Dwarf_Die *Cu, Dwarf_Die *Inlined) {
  Dwarf_Attribute Mem;
  Dwarf_Word FileIdx = 0, Line = 0;
  if (dwarf_formudata(dwarf_attr(Inlined, DW_AT_call_file, &Mem), &FileIdx) ||
      dwarf_formudata(dwarf_attr(Inlined, DW_AT_call_line, &Mem), &Line))
    return {};
  Dwarf_Files *Files;
  size_t N;
  if (dwarf_getsrcfiles(Cu, &Files, &N) || FileIdx >= N)
    return {};
  const char *File = dwarf_filesrc(Files, FileIdx, nullptr, nullptr);
  if (!File || !Line)
    return {};
  return {fileOf(Cu, File), static_cast<unsigned>(Line)};
}

SourceLine declLine(Dwarf_Die *Die) {
  int Line = 0;
  const char *File = dwarf_decl_file(Die);
  Dwarf_Die Cu;
  if (!File || dwarf_decl_line(Die, &Line) || Line <= 0)
    return {};
  return {fileOf(dwarf_diecu(Die, &Cu, nullptr, nullptr), File),
          static_cast<unsigned>(Line)};
}

/// A code address with its module, CU and bias, looked up once.
struct Place {
  Dwfl_Module *M = nullptr;
  Dwarf_Die *Cu = nullptr;
  Dwarf_Addr Bias = 0;
  Dwarf_Addr A = 0;
};

Place placeOf(Dwarf_Addr A) {
  Place P;
  P.A = A;
  P.M = process().moduleOf(A);
  if (P.M)
    P.Cu = dwfl_module_addrdie(P.M, A, &P.Bias);
  return P;
}

/// The function, inlined-call and block DIEs containing `P`, outermost
/// first. (dwarf_getscopes continues an inlined call with its abstract
/// origin's scopes, which loses the concrete function around it.)
bool scopePath(Dwarf_Die *Parent, Dwarf_Addr Pc, std::vector<Dwarf_Die> &Out,
               int Depth = 0) {
  Dwarf_Die Child;
  if (Depth > 64 || dwarf_child(Parent, &Child) != 0)
    return false;
  do {
    switch (dwarf_tag(&Child)) {
    case DW_TAG_namespace:
    case DW_TAG_structure_type:
    case DW_TAG_class_type:
    case DW_TAG_union_type:
      // Code-less containers that GCC puts definitions in.
      if (scopePath(&Child, Pc, Out, Depth + 1))
        return true;
      break;
    case DW_TAG_subprogram:
    case DW_TAG_inlined_subroutine:
    case DW_TAG_lexical_block:
      if (dwarf_haspc(&Child, Pc) != 1)
        break;
      Out.push_back(Child);
      scopePath(&Child, Pc, Out, Depth + 1);
      return true;
    default:
      break;
    }
  } while (dwarf_siblingof(&Child, &Child) == 0);
  return false;
}

std::vector<Dwarf_Die> scopesAt(const Place &P) {
  std::vector<Dwarf_Die> Out;
  if (P.Cu)
    scopePath(P.Cu, P.A - P.Bias, Out);
  return Out;
}

std::vector<SourceFrame> framesAt(const Place &P) {
  std::vector<SourceFrame> Out;
  if (!P.M || !P.Cu)
    return Out; // Without a unit the line table's nearest row is a guess.
  SourceLine Here = lineAt(P.M, P.A);
  std::vector<Dwarf_Die> Scopes = scopesAt(P);
  for (auto It = Scopes.rbegin(); It != Scopes.rend(); ++It) {
    int Tag = dwarf_tag(&*It);
    if (Tag == DW_TAG_lexical_block)
      continue;
    Out.push_back({functionName(&*It), Here,
                   Tag == DW_TAG_inlined_subroutine, false});
    if (Tag == DW_TAG_subprogram)
      break;
    Here = callLine(P.Cu, &*It);
  }
  if (Out.empty() && Here)
    Out.push_back({"", Here, false, false});
  return Out;
}

/// The concrete (out-of-line) function containing `P`.
bool functionAt(const Place &P, Dwarf_Die &Out) {
  for (Dwarf_Die &D : scopesAt(P))
    if (dwarf_tag(&D) == DW_TAG_subprogram) {
      Out = D;
      return true;
    }
  return false;
}

bool isSystemFile(const std::string &File) {
  return File.rfind("/usr/", 0) == 0;
}

bool isCallSite(int Tag) {
  return Tag == DW_TAG_call_site || Tag == DW_TAG_GNU_call_site;
}

/// The function a call site or inlined call refers to.
bool originOf(Dwarf_Die *Die, Dwarf_Die &Out) {
  Dwarf_Attribute Mem;
  Dwarf_Attribute *A = dwarf_attr(Die, DW_AT_call_origin, &Mem);
  if (!A)
    A = dwarf_attr(Die, DW_AT_abstract_origin, &Mem);
  return A && dwarf_formref_die(A, &Out);
}

bool flag(Dwarf_Die *Die, unsigned Name) {
  Dwarf_Attribute Mem;
  bool V = false;
  Dwarf_Attribute *A = dwarf_attr(Die, Name, &Mem);
  return A && dwarf_formflag(A, &V) == 0 && V;
}

bool isTailCall(Dwarf_Die *Site) {
  return flag(Site, DW_AT_call_tail_call) || flag(Site, DW_AT_GNU_tail_call);
}

/// The return address a call site records (DWARF 5 DW_AT_call_return_pc;
/// the GNU extension used DW_AT_low_pc).
bool returnPc(Dwarf_Die *Site, Dwarf_Addr &Out) {
  Dwarf_Attribute Mem;
  Dwarf_Attribute *A = dwarf_attr(Site, DW_AT_call_return_pc, &Mem);
  if (!A)
    A = dwarf_attr(Site, DW_AT_low_pc, &Mem);
  return A && dwarf_formaddr(A, &Out) == 0;
}

/// Calls `Fn(Die)` for every DIE of a function's body, inlined calls and
/// lexical blocks included, nested functions excluded; stops when it
/// returns true.
template <class F> bool walkBody(Dwarf_Die *Fn, F &&Visit, int Depth = 0) {
  Dwarf_Die Child;
  if (Depth > 32 || dwarf_child(Fn, &Child) != 0)
    return false;
  do {
    int Tag = dwarf_tag(&Child);
    if (Tag == DW_TAG_subprogram)
      continue;
    if (Visit(Child))
      return true;
    if (Tag == DW_TAG_inlined_subroutine || Tag == DW_TAG_lexical_block)
      if (walkBody(&Child, Visit, Depth + 1))
        return true;
  } while (dwarf_siblingof(&Child, &Child) == 0);
  return false;
}

/// The function with code (low_pc) that `Decl` (a definition, a
/// declaration or an abstract instance) names; a declaration is found
/// through its symbol, anywhere in module `M`, and `At` moves there.
bool definitionDie(Dwfl_Module *M, Dwarf_Die *Decl, Place &At,
                   Dwarf_Die &Out) {
  Dwarf_Addr Low;
  if (dwarf_lowpc(Decl, &Low) == 0) {
    Out = *Decl;
    return true;
  }
  const char *Want = linkageName(Decl);
  if (!Want)
    Want = stringAttr(Decl, DW_AT_name);
  if (!Want)
    return false;
  int N = dwfl_module_getsymtab(M);
  for (int I = 1; I < N; ++I) {
    GElf_Sym Sym;
    GElf_Addr Addr;
    const char *Name = dwfl_module_getsym_info(M, I, &Sym, &Addr, nullptr,
                                               nullptr, nullptr);
    if (!Name || GELF_ST_TYPE(Sym.st_info) != STT_FUNC || Sym.st_shndx == 0 ||
        std::strcmp(Name, Want) != 0)
      continue;
    At = placeOf(Addr);
    return At.Cu && functionAt(At, Out);
  }
  return false;
}

struct Step {
  Place At;         ///< The place of the function holding the call site.
  Dwarf_Addr Ret;   ///< The call's return address (biased, in-process).
};

/// Depth-first search of the tail calls from function `Fn` (at `At`) to a
/// call of `Callee`. Stops counting at two ways: more than one is not an
/// answer.
void searchTailCalls(const Place &At, Dwarf_Die Fn, const std::string &Callee,
                     std::vector<Step> &Path, std::set<Dwarf_Off> &OnPath,
                     std::vector<Step> &Found, int &Ways, int &Budget) {
  if (Path.size() > 8 || Ways > 1)
    return;
  Dwarf_Off Id = dwarf_dieoffset(&Fn) ^ reinterpret_cast<uintptr_t>(At.M);
  if (!OnPath.insert(Id).second)
    return;
  walkBody(&Fn, [&](Dwarf_Die &Site) {
    if (--Budget < 0 || Ways > 1)
      return true;
    Dwarf_Die Origin;
    Dwarf_Addr Ret;
    if (!isCallSite(dwarf_tag(&Site)) || !isTailCall(&Site) ||
        !originOf(&Site, Origin) || !returnPc(&Site, Ret))
      return false;
    Path.push_back({At, Ret + At.Bias});
    const char *Name = stringAttr(&Origin, DW_AT_name);
    if (Name && Callee == Name) {
      if (Ways++ == 0)
        Found = Path;
    } else {
      Place Next = At;
      Dwarf_Die Def;
      if (definitionDie(At.M, &Origin, Next, Def))
        searchTailCalls(Next, Def, Callee, Path, OnPath, Found, Ways, Budget);
    }
    Path.pop_back();
    return false;
  });
  OnPath.erase(Id);
}

/// The call site whose return address is `Ret`, in the function at `At`.
bool callSiteAt(const Place &At, Dwarf_Die &Fn, Dwarf_Die &Out) {
  bool Found = false;
  walkBody(&Fn, [&](Dwarf_Die &Site) {
    Dwarf_Addr R;
    if (isCallSite(dwarf_tag(&Site)) && returnPc(&Site, R) &&
        R + At.Bias == At.A) {
      Out = Site;
      Found = true;
    }
    return Found;
  });
  return Found;
}

/// The first function that `Fn` (the runtime's invoker) inlines or calls
/// and that is the program's: through std::invoke and friends (system
/// headers), never the invoker's own file (evguard's header).
SourceLine userCallee(const Place &At, Dwarf_Die Fn, const std::string &Own,
                      int Depth) {
  SourceLine User;
  if (Depth > 4)
    return User;
  walkBody(&Fn, [&](Dwarf_Die &D) {
    int Tag = dwarf_tag(&D);
    Dwarf_Die Origin;
    if ((Tag != DW_TAG_inlined_subroutine && !isCallSite(Tag)) ||
        !originOf(&D, Origin))
      return false;
    Place Next = At;
    Dwarf_Die Def;
    bool Called = isCallSite(Tag) && definitionDie(At.M, &Origin, Next, Def);
    SourceLine L = declLine(&Origin);
    Dwarf_Addr Entry;
    if (!L && Called && dwarf_lowpc(&Def, &Entry) == 0)
      L = lineAt(Next.M, Entry + Next.Bias); // GCC gives lambdas' calls none.
    if (L && !isSystemFile(L.File) && L.File != Own) {
      User = L;
      return true;
    }
    // An inlined call's body is walked anyway; a real call is followed.
    if (Called && L && isSystemFile(L.File))
      User = userCallee(Next, Def, Own, Depth + 1);
    return static_cast<bool>(User);
  });
  return User;
}

bool enabled() { return config().Lines; }

} // namespace

std::vector<SourceFrame> sourceFrames(const void *Pc) {
  if (!Pc || !enabled())
    return {};
  InternalScope Guard;
  std::lock_guard<std::mutex> Lock(DwarfMutex);
  return framesAt(placeOf(reinterpret_cast<Dwarf_Addr>(Pc)));
}

SourceLine sourceLine(const void *Pc) {
  std::vector<SourceFrame> F = sourceFrames(Pc);
  return F.empty() ? SourceLine{} : F.front().Where;
}

SourceLine definitionOf(const void *Code) {
  if (!Code || !enabled())
    return {};
  InternalScope Guard;
  std::lock_guard<std::mutex> Lock(DwarfMutex);
  Place P = placeOf(reinterpret_cast<Dwarf_Addr>(Code));
  Dwarf_Die Fn;
  if (!P.Cu || !functionAt(P, Fn))
    return {};
  SourceLine Own = declLine(&Fn);
  if (functionName(&Fn).find("evguard::Callable<") == std::string::npos)
    return Own;
  SourceLine User = userCallee(P, Fn, Own.File, 0);
  return User ? User : Own;
}

std::vector<SourceFrame> tailCallsTo(const void *Return, const void *Entry,
                                     const std::string &Callee) {
  if (!enabled() || Callee.empty())
    return {};
  InternalScope Guard;
  std::lock_guard<std::mutex> Lock(DwarfMutex);
  Place Start;
  Dwarf_Die StartFn;
  bool Have = false;
  if (Return) {
    // The call the innermost frame made: direct to the callee (nothing is
    // hidden), direct to another function (which tail-called on), or
    // indirect (then the way starts at `Entry`, the function called).
    Place R = placeOf(reinterpret_cast<Dwarf_Addr>(Return));
    Dwarf_Die Fn, Site, Origin;
    if (!R.Cu || !functionAt(R, Fn) || !callSiteAt(R, Fn, Site))
      return {};
    if (originOf(&Site, Origin)) {
      const char *Name = stringAttr(&Origin, DW_AT_name);
      if (Name && Callee == Name)
        return {};
      Start = R;
      if (!definitionDie(R.M, &Origin, Start, StartFn))
        return {};
      Have = true;
    }
  }
  if (!Have && Entry) {
    Start = placeOf(reinterpret_cast<Dwarf_Addr>(Entry));
    Have = Start.Cu && functionAt(Start, StartFn);
  }
  if (!Have)
    return {};
  std::vector<Step> Path, Found;
  std::set<Dwarf_Off> OnPath;
  int Ways = 0, Budget = 20000;
  searchTailCalls(Start, StartFn, Callee, Path, OnPath, Found, Ways, Budget);
  if (Ways != 1 || Budget < 0)
    return {}; // None, several, or not all looked at: no answer.
  std::vector<SourceFrame> Out;
  for (auto It = Found.rbegin(); It != Found.rend(); ++It) {
    Place P = It->At;
    P.A = It->Ret - 1; // Inside the jump, not after it.
    for (SourceFrame F : framesAt(P)) {
      F.TailCall = true;
      Out.push_back(F);
    }
  }
  return Out;
}

} // namespace evguard::debug
