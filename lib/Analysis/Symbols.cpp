//===- Symbols.cpp - What a TU defines and what it needs from others ------===//
//
// The linker's view of a TU, so that the analysis can build one program at
// a time (Programs.cpp): the external symbols it defines (functions and
// variables with a strong definition here, vtables of classes whose key
// function is defined here) and the external symbols it uses without
// defining them. Only declarations are visited, never statements: Sema has
// already marked what the TU references.
//
//===----------------------------------------------------------------------===//

#include "Summary.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Index/USRGeneration.h"
#include "llvm/ADT/StringSet.h"

using namespace clang;

namespace evguard {
namespace {

class SymbolCollector {
public:
  SymbolCollector(ASTContext &Ctx, TUSummary &Out)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Out(Out) {}

  void run() {
    visitContext(Ctx.getTranslationUnitDecl());
    for (const auto &Entry : Needed)
      if (!Defined.contains(Entry.getKey()))
        Out.Needs.push_back(Entry.getKey().str());
    for (const auto &Entry : Defined)
      Out.Defines.push_back(Entry.getKey().str());
    llvm::sort(Out.Needs);
    llvm::sort(Out.Defines);
  }

private:
  std::string usr(const Decl *D) {
    llvm::SmallString<128> Buf;
    if (index::generateUSRForDecl(D, Buf))
      return "";
    return Buf.str().str();
  }

  bool inSystemHeader(const Decl *D) const {
    SourceLocation L = D->getLocation();
    return L.isValid() && SM.isInSystemHeader(SM.getExpansionLoc(L));
  }

  /// Declarations in system headers are visited too: a project's own
  /// header may be included through -isystem (Bazel's `includes`, CMake's
  /// SYSTEM directories), and a symbol only declared there is still needed.
  /// Only classes of system headers are skipped, for speed.
  void visitContext(const DeclContext *DC) {
    for (const Decl *D : DC->decls()) {
      if (isa<NamespaceDecl, LinkageSpecDecl, ExportDecl>(D)) {
        visitContext(cast<DeclContext>(D));
        continue;
      }
      if (const auto *FD = dyn_cast<FunctionDecl>(D))
        visitFunction(FD);
      else if (const auto *VD = dyn_cast<VarDecl>(D))
        visitVariable(VD);
      else if (const auto *RD = dyn_cast<CXXRecordDecl>(D); RD && !inSystemHeader(RD))
        visitRecord(RD);
    }
  }

  void visitFunction(const FunctionDecl *FD) {
    if (FD->isDependentContext() || FD->isInvalidDecl() ||
        !FD->isExternallyVisible())
      return;
    if (FD->doesThisDeclarationHaveABody()) {
      GVALinkage L = Ctx.GetGVALinkageForFunction(FD);
      if (L == GVA_StrongExternal || L == GVA_StrongODR) {
        add(Defined, FD);
        if (FD->isMain())
          Out.DefinesMain = true;
      }
      return;
    }
    if (FD->isReferenced() && !FD->isDefined())
      add(Needed, FD);
  }

  void visitVariable(const VarDecl *VD) {
    if (!VD->hasGlobalStorage() || VD->isLocalVarDeclOrParm() ||
        VD->isInvalidDecl() || !VD->isExternallyVisible() ||
        VD->getDeclContext()->isDependentContext())
      return;
    if (VD->isThisDeclarationADefinition(Ctx) != VarDecl::DeclarationOnly) {
      if (Ctx.GetGVALinkageForVariable(VD) == GVA_StrongExternal)
        add(Defined, VD);
      return;
    }
    if (VD->isReferenced() && VD->hasDefinition(Ctx) == VarDecl::DeclarationOnly)
      add(Needed, VD);
  }

  /// Methods and static data members; a polymorphic class constructed here
  /// needs the TU that defines its key function (the vtable, and with it
  /// the overriders a virtual call may reach).
  void visitRecord(const CXXRecordDecl *RD) {
    if (!RD->isThisDeclarationADefinition() || RD->isDependentContext() ||
        RD->isInvalidDecl() || isa<ClassTemplateSpecializationDecl>(RD))
      return;
    visitContext(RD);
    if (!RD->isDynamicClass() || !RD->isExternallyVisible())
      return;
    std::string Vtable = "vtable:" + usr(RD);
    if (const CXXMethodDecl *Key = Ctx.getCurrentKeyFunction(RD))
      if (const FunctionDecl *Def = Key->getDefinition();
          Def && !inSystemHeader(Def))
        Defined.insert(Vtable);
    for (const CXXConstructorDecl *Ctor : RD->ctors())
      if (Ctor->isReferenced()) {
        Needed.insert(Vtable);
        break;
      }
  }

  void add(llvm::StringSet<> &Set, const Decl *D) {
    std::string U = usr(D->getCanonicalDecl());
    if (!U.empty())
      Set.insert(U);
  }

  ASTContext &Ctx;
  SourceManager &SM;
  TUSummary &Out;
  llvm::StringSet<> Defined, Needed;
};

} // namespace

void collectSymbols(ASTContext &Ctx, TUSummary &Out) {
  SymbolCollector(Ctx, Out).run();
}

} // namespace evguard
