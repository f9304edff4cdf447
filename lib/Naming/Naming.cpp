#include "evguard/Naming.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/PrettyPrinter.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallVector.h"

using namespace clang;

namespace evguard {

static std::string declName(const NamedDecl &D) {
  if (const auto *RD = dyn_cast<RecordDecl>(&D)) {
    if (RD->getIdentifier())
      return RD->getName().str();
    if (const TypedefNameDecl *TD = RD->getTypedefNameForAnonDecl())
      return TD->getName().str();
    return "(anonymous)";
  }
  if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(&D))
    return Ctor->getParent()->getName().str();
  if (const auto *Dtor = dyn_cast<CXXDestructorDecl>(&D))
    return "~" + Dtor->getParent()->getName().str();
  return D.getDeclName().getAsString();
}

static void appendContexts(const DeclContext *DC, std::string &Out) {
  llvm::SmallVector<const NamedDecl *, 8> Parts;
  for (; DC && !DC->isTranslationUnit(); DC = DC->getParent()) {
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
      if (NS->isInline() || NS->isAnonymousNamespace())
        continue;
      Parts.push_back(NS);
    } else if (const auto *RD = dyn_cast<RecordDecl>(DC)) {
      // A lambda's class has no name a reader knows; its call operator is
      // named after the enclosing function instead (see qualifiedName).
      if (RD->isLambda())
        continue;
      Parts.push_back(RD);
    } else if (const auto *FD = dyn_cast<FunctionDecl>(DC)) {
      Parts.push_back(FD);
    }
    // Linkage specs, enums and blocks add nothing to a name.
  }
  for (auto It = Parts.rbegin(); It != Parts.rend(); ++It) {
    Out += declName(**It);
    Out += "::";
  }
}

std::string qualifiedName(const NamedDecl &D) {
  std::string Out;
  if (const auto *MD = dyn_cast<CXXMethodDecl>(&D); MD && MD->getParent()->isLambda()) {
    const CXXRecordDecl *Lambda = MD->getParent();
    appendContexts(Lambda->getDeclContext(), Out);
    const SourceManager &SM = D.getASTContext().getSourceManager();
    PresumedLoc P = SM.getPresumedLoc(SM.getExpansionLoc(Lambda->getBeginLoc()));
    Out += "(lambda";
    if (P.isValid())
      Out += " at line " + std::to_string(P.getLine()) + ":" + std::to_string(P.getColumn());
    Out += ")";
    return Out;
  }
  appendContexts(D.getDeclContext(), Out);
  Out += declName(D);
  return Out;
}

std::string recordName(const RecordDecl &RD) {
  std::string Out;
  appendContexts(RD.getDeclContext(), Out);
  Out += declName(RD);
  return Out;
}

static PrintingPolicy namingPolicy(const ASTContext &Ctx) {
  PrintingPolicy Policy(Ctx.getLangOpts());
  Policy.SuppressTagKeyword = true;
  Policy.SuppressScope = false;
  Policy.SuppressInlineNamespace = true;
  Policy.FullyQualifiedName = true;
  Policy.PrintCanonicalTypes = false;
  Policy.SuppressUnwrittenScope = true;
  return Policy;
}

FunctionKey functionKey(const FunctionDecl &FD) {
  FunctionKey Key;
  Key.Name = qualifiedName(FD);
  const ASTContext &Ctx = FD.getASTContext();
  PrintingPolicy Policy = namingPolicy(Ctx);
  if (const auto *MD = dyn_cast<CXXMethodDecl>(&FD)) {
    const CXXRecordDecl *RD = MD->getParent();
    Key.ClassTemplate = recordName(*RD);
    Key.Class = Ctx.getRecordType(RD).getAsString(Policy);
  }
  // Parameter spellings as declared in the template pattern, so that an
  // entry can say "mutex_type &" as the header does.
  const FunctionDecl *Pattern = FD.getTemplateInstantiationPattern();
  if (!Pattern)
    Pattern = &FD;
  for (unsigned I = 0, N = FD.getNumParams(); I < N; ++I) {
    const ParmVarDecl *Written =
        I < Pattern->getNumParams() ? Pattern->getParamDecl(I) : FD.getParamDecl(I);
    Key.ParamTypes.push_back(Written->getType().getAsString(Policy));
    Key.CanonicalParamTypes.push_back(
        FD.getParamDecl(I)->getType().getCanonicalType().getAsString(Policy));
  }
  return Key;
}

} // namespace evguard
