// evguard-header-check: proves that every entry of a database file names a
// function the real headers declare. It parses a translation unit that
// includes those headers, computes the FunctionKey of every declared
// function (members of class templates, their instantiations and functions
// in inline namespaces included) with the analysis' own naming helper, and
// lists the entries that match none of them under lookup's matching rule.
//
//   evguard-header-check [--dump PREFIX] DATABASE.json TU-FILE -- CLANG-ARGS...
//
// --dump prints the keys of the declared functions whose name starts with
// PREFIX, to find how an entry must be spelled.

#include "evguard/Database.h"
#include "evguard/Naming.h"
#include "clang/AST/ASTConsumer.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"
#include <memory>
#include <optional>

namespace {

using KeyMap = llvm::StringMap<std::vector<evguard::FunctionKey>>;

class Collector : public clang::RecursiveASTVisitor<Collector> {
public:
  explicit Collector(KeyMap &Keys) : Keys(Keys) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitImplicitCode() const { return true; }
  bool VisitFunctionDecl(clang::FunctionDecl *FD) {
    evguard::FunctionKey Key = evguard::functionKey(*FD);
    auto &Same = Keys[Key.Name];
    // Redeclarations give identical keys; keep one.
    for (const evguard::FunctionKey &K : Same)
      if (K.Class == Key.Class && K.ParamTypes == Key.ParamTypes &&
          K.CanonicalParamTypes == Key.CanonicalParamTypes)
        return true;
    Same.push_back(std::move(Key));
    return true;
  }

private:
  KeyMap &Keys;
};

class CollectAction : public clang::ASTFrontendAction {
public:
  explicit CollectAction(KeyMap &Keys) : Keys(Keys) {}
  std::unique_ptr<clang::ASTConsumer>
  CreateASTConsumer(clang::CompilerInstance &, llvm::StringRef) override {
    struct Consumer : clang::ASTConsumer {
      KeyMap &Keys;
      explicit Consumer(KeyMap &Keys) : Keys(Keys) {}
      void HandleTranslationUnit(clang::ASTContext &Ctx) override {
        Collector(Keys).TraverseAST(Ctx);
      }
    };
    return std::make_unique<Consumer>(Keys);
  }

private:
  KeyMap &Keys;
};

struct Factory : clang::tooling::FrontendActionFactory {
  KeyMap &Keys;
  explicit Factory(KeyMap &Keys) : Keys(Keys) {}
  std::unique_ptr<clang::FrontendAction> create() override {
    return std::make_unique<CollectAction>(Keys);
  }
};

void printKey(const evguard::FunctionKey &K) {
  llvm::outs() << K.Name;
  if (!K.Class.empty())
    llvm::outs() << "  class=" << K.Class << "  template=" << K.ClassTemplate;
  llvm::outs() << "  params=[" << llvm::join(K.ParamTypes, ", ")
               << "]  canonical=[" << llvm::join(K.CanonicalParamTypes, ", ")
               << "]\n";
}

enum class ParamKind { Callable, Pointer, Integer };

/// Judged from the canonical spelling: a function pointer or reference, a
/// template parameter (a lambda or functor), or std::function.
bool hasKind(llvm::StringRef Canonical, ParamKind Kind) {
  switch (Kind) {
  case ParamKind::Callable:
    return Canonical.contains('(') || Canonical.contains("type-parameter") ||
           Canonical.ends_with("&&") || Canonical.contains("function<");
  case ParamKind::Pointer:
    return Canonical.contains('*') || Canonical.contains("type-parameter");
  case ParamKind::Integer:
    return !Canonical.contains('*') && !Canonical.contains('&') &&
           !Canonical.contains('(');
  }
  return false;
}

llvm::StringRef kindName(ParamKind Kind) {
  switch (Kind) {
  case ParamKind::Callable:
    return "a callable";
  case ParamKind::Pointer:
    return "a pointer";
  case ParamKind::Integer:
    return "an integer";
  }
  return "";
}

/// Why the entry does not describe a declared function, or "" if it does:
/// it must match some declaration, and each parameter it names must have,
/// in some matching declaration, the kind its use needs (a handler is
/// callable, a non_null or path argument a pointer, a flag an integer). Some entries
/// list the union of handler positions over overloads, hence "some".
std::string problemWith(const evguard::FunctionEntry &E,
                        llvm::ArrayRef<const evguard::FunctionKey *> Matching) {
  if (Matching.empty())
    return "matches no declaration";
  std::vector<std::pair<unsigned, ParamKind>> Uses;
  for (unsigned I : E.RegistersHandler)
    Uses.push_back({I, ParamKind::Callable});
  for (unsigned I : E.Offloads)
    Uses.push_back({I, ParamKind::Callable});
  if (E.Blocking)
    for (const evguard::Condition &C : E.Blocking->Unless)
      Uses.push_back({C.Arg, C.K == evguard::Condition::Kind::NonNull ||
                                     C.K == evguard::Condition::Kind::PathPrefix
                                 ? ParamKind::Pointer
                                 : ParamKind::Integer});
  // A descriptor is an int. (sets_nonblocking's `if` conditions are not
  // checked: fcntl's third argument is variadic.)
  if (E.BlockingDescriptor)
    for (const evguard::Condition &C : E.BlockingDescriptor->Unless)
      Uses.push_back({C.Arg, ParamKind::Integer});
  if (E.SetsNonblocking)
    Uses.push_back({E.SetsNonblocking->Arg, ParamKind::Integer});
  for (auto [Index, Kind] : Uses) {
    bool Fits = llvm::any_of(Matching, [&](const evguard::FunctionKey *K) {
      return Index < K->CanonicalParamTypes.size() &&
             hasKind(K->CanonicalParamTypes[Index], Kind);
    });
    if (!Fits)
      return "parameter " + std::to_string(Index) + " is not " +
             kindName(Kind).str() + " in any matching declaration";
  }
  return "";
}

int usage() {
  llvm::errs() << "usage: evguard-header-check [--dump PREFIX] DATABASE.json "
                  "TU-FILE -- CLANG-ARGS...\n";
  return 2;
}

} // namespace

int main(int Argc, const char **Argv) {
  std::vector<std::string> Args(Argv + 1, Argv + Argc);
  std::optional<std::string> Dump;
  if (Args.size() >= 2 && Args[0] == "--dump") {
    Dump = Args[1];
    Args.erase(Args.begin(), Args.begin() + 2);
  }
  auto Sep = std::find(Args.begin(), Args.end(), "--");
  if (Sep == Args.end() || Sep - Args.begin() != 2)
    return usage();
  std::string DatabasePath = Args[0], TU = Args[1];
  std::vector<std::string> ClangArgs(Sep + 1, Args.end());

  evguard::AnnotationDatabase DB;
  if (llvm::Error Err = DB.addFile(DatabasePath)) {
    llvm::errs() << llvm::toString(std::move(Err)) << "\n";
    return 2;
  }

  clang::tooling::FixedCompilationDatabase Compilations(".", ClangArgs);
  clang::tooling::ClangTool Tool(Compilations, {TU});
  KeyMap Keys;
  Factory F(Keys);
  if (Tool.run(&F) != 0) {
    llvm::errs() << TU
                 << ": error: the headers did not parse; see the "
                    "diagnostics above\n";
    return 2;
  }

  if (Dump) {
    std::vector<std::string> Names;
    for (const auto &Entry : Keys)
      if (Entry.getKey().starts_with(*Dump))
        Names.push_back(Entry.getKey().str());
    llvm::sort(Names);
    for (const std::string &Name : Names)
      for (const evguard::FunctionKey &K : Keys[Name])
        printKey(K);
    return 0;
  }

  unsigned Unmatched = 0;
  for (const evguard::FunctionEntry &E : DB.functions()) {
    std::vector<const evguard::FunctionKey *> Matching;
    if (auto It = Keys.find(E.Name); It != Keys.end())
      for (const evguard::FunctionKey &K : It->second)
        if (evguard::matchRank(E, K))
          Matching.push_back(&K);
    std::string Problem = problemWith(E, Matching);
    if (Problem.empty())
      continue;
    ++Unmatched;
    llvm::errs() << E.From.str() << ": error: '" << E.Name << "'"
                 << (E.Class ? " class '" + *E.Class + "'" : "")
                 << (E.Params ? " params [" + llvm::join(*E.Params, ", ") + "]"
                              : "")
                 << ": " << Problem << " in " << TU << "\n";
  }
  llvm::outs() << DatabasePath << ": " << DB.functions().size() << " entries, "
               << Unmatched << " unmatched\n";
  return Unmatched ? 1 : 0;
}
