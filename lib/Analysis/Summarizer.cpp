//===- Summarizer.cpp - One walk over a TU's AST -> TUSummary -------------===//
//
// The only place that looks at an AST. It visits every function definition
// outside system headers once, records its calls (with how each callee is
// reached), the callables passed as arguments and every store of a callable,
// and asks the database about each callee once per TU.
//
//===----------------------------------------------------------------------===//

#include "Summary.h"
#include "evguard/Analysis.h"
#include "evguard/Naming.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Index/USRGeneration.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Path.h"
#include <set>

using namespace clang;

namespace evguard {
namespace {

constexpr uint32_t NoFunction = UINT32_MAX;

const Expr *stripConstant(const Expr *E) {
  while (true) {
    if (const auto *CE = dyn_cast<ConstantExpr>(E))
      E = CE->getSubExpr();
    else if (const auto *IC = dyn_cast<ImplicitCastExpr>(E))
      E = IC->getSubExpr();
    else if (const auto *P = dyn_cast<ParenExpr>(E))
      E = P->getSubExpr();
    else
      return E;
  }
}

std::optional<std::string> annotationString(const AnnotateAttr &A, unsigned I) {
  if (I >= A.args_size())
    return std::nullopt;
  if (const auto *SL = dyn_cast<StringLiteral>(stripConstant(A.args_begin()[I])))
    return SL->getString().str();
  return std::nullopt;
}

/// Headers of the C and C++ standard libraries and the compiler: their
/// functions are never "unknown" in --strict mode.
bool isStandardLibraryPath(llvm::StringRef Path) {
  if (Path.contains("/lib/clang/") || Path.contains("/include/c++/"))
    return true;
  if (!Path.consume_front("/usr/include/"))
    return false;
  static const char *const Dirs[] = {"x86_64-linux-gnu/", "aarch64-linux-gnu/",
                                     "linux/", "asm-generic/", "arpa/",
                                     "netinet/", "net/", "netpacket/",
                                     "rpc/", "sys/", "bits/"};
  for (const char *D : Dirs)
    if (Path.starts_with(D))
      return true;
  return !Path.contains('/');
}

/// Which branch of `if (cond)` runs only in a fork() child.
enum class ChildBranch { None, Then, Else };

class Summarizer;

/// Walks one function body (or one global initializer) for calls and stores.
/// Lambda bodies are not entered: each lambda is summarized as a function
/// of its own.
class BodyWalker : public RecursiveASTVisitor<BodyWalker> {
public:
  BodyWalker(Summarizer &S, uint32_t Fn, const FunctionDecl *FD)
      : S(S), Fn(Fn), FD(FD) {}

  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitImplicitCode() const { return false; }

  bool TraverseLambdaExpr(LambdaExpr *LE);
  bool TraverseIfStmt(IfStmt *If);
  bool TraverseSwitchStmt(SwitchStmt *Sw);
  bool TraverseCompoundStmt(CompoundStmt *CS);
  bool TraverseBlockExpr(BlockExpr *) { return true; }

  bool VisitCallExpr(CallExpr *CE);
  bool VisitCXXConstructExpr(CXXConstructExpr *CE);
  bool VisitCXXDeleteExpr(CXXDeleteExpr *DE);
  bool VisitBinaryOperator(BinaryOperator *BO);
  bool VisitVarDecl(VarDecl *VD);
  bool VisitInitListExpr(InitListExpr *ILE);
  bool VisitDeclRefExpr(DeclRefExpr *DRE);
  bool VisitReturnStmt(ReturnStmt *RS);

private:
  std::pair<ChildBranch, const FunctionDecl *> childBranch(const Expr *Cond);
  const FunctionDecl *resultCallee(const Expr *E) const;
  void noteResult(const VarDecl *VD, const Expr *Value);
  bool knownToFork(const FunctionDecl *Callee);
  bool traverseChild(Stmt *St, const FunctionDecl *Guard);
  bool isNeverTrueLocal(const Expr *Cond);
  void noteOffloadedFunctions(const FunctionRecord &Callee,
                              llvm::ArrayRef<const Expr *> Args);

  Summarizer &S;
  uint32_t Fn; ///< NoFunction in a global initializer: stores only
  const FunctionDecl *FD;
  /// Integer variables holding a call's result: `pid = fork()`.
  llvm::DenseMap<const VarDecl *, const FunctionDecl *> ResultOf;
  /// Locals assigned, incremented or address-taken after their
  /// initialization, computed on first need.
  std::optional<llvm::DenseSet<const VarDecl *>> Modified;
  llvm::DenseSet<const Expr *> DirectCallees;
  /// Functions named only as the work handed to an offload parameter
  /// (pthread_create's start routine): that use does not make them callable
  /// through this program's own pointers.
  llvm::DenseSet<const Expr *> OffloadedRefs;
};

class Summarizer {
public:
  Summarizer(ASTContext &Ctx, const AnnotationDatabase &DB, StringRef MainFile)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), DB(DB) {
    Out = std::make_shared<TUSummary>();
    Out->MainFile = MainFile.str();
  }

  std::shared_ptr<const TUSummary> run();

  // Used by the walkers.
  ASTContext &Ctx;
  SourceManager &SM;
  const AnnotationDatabase &DB;
  std::shared_ptr<TUSummary> Out;
  /// While walking code that runs only if this function returned 0 (a
  /// possible fork child): its USR.
  std::string ChildGuard;

  void summarizeFunction(const FunctionDecl *FD);
  void summarizeGlobalInit(const VarDecl *VD);
  void summarizeFieldDecl(const FieldDecl *FD);
  void enqueueLambda(const LambdaExpr *LE);

  uint32_t record(const FunctionDecl *FD);
  FunctionRecord &fn(uint32_t I) { return Out->Functions[I]; }
  const std::string &usr(const Decl *D);
  Loc loc(SourceLocation L);
  bool inSystemHeader(const Decl *D) const {
    return SM.isInSystemHeader(SM.getExpansionLoc(D->getLocation()));
  }
  std::string fieldKey(const FieldDecl *FD);

  void sourcesOf(const Expr *E, std::vector<ValueRef> &Out, unsigned Depth = 0);
  void callOperatorsOf(QualType T, std::vector<ValueRef> &Out);
  void addDestructorCall(uint32_t Caller, const CXXRecordDecl *RD, SourceLocation At);
  void addCall(uint32_t Caller, CallSite Site);
  void addStore(ValueRef Dest, const Expr *Value, SourceLocation At);
  void collectCallableArgs(ArrayRef<const Expr *> Args, CallSite &Site);
  bool provedNonblocking(const FunctionRecord &Callee, ArrayRef<const Expr *> Args,
                         CallSite &Site);
  /// The call E is (through parentheses and casts), if it names its callee.
  const CallExpr *directCall(const Expr *E) const;
  bool opensFile(const Expr *E);
  bool createsBlockingDescriptor(const Expr *E);
  void noteDescriptor(ValueRef Dest, const Expr *Value);
  void noteDescriptorArgs(uint32_t Caller, uint32_t Callee,
                          ArrayRef<const Expr *> Args);
  void keepUsefulDescriptorPasses();
  void noLint(SourceLocation L, CallSite &Site);
  /// Should a call to Callee be kept in the summary at all?
  bool worthRecording(uint32_t Rec, const CallSite &Site);

private:
  void applyFacts(const FunctionDecl *FD, FunctionRecord &R);
  void applyAnnotations(const FunctionDecl *FD, FunctionRecord &R);
  void applyDatabase(const FunctionDecl *FD, FunctionRecord &R);

  llvm::StringMap<uint32_t> ByUsr;
  llvm::DenseMap<const Decl *, std::string> UsrCache;
  llvm::DenseMap<const Decl *, uint32_t> RecordCache;
  llvm::DenseMap<FileID, uint32_t> FileIndex;
  llvm::DenseSet<const FunctionDecl *> Summarized;
  std::vector<const FunctionDecl *> PendingLambdas;
  struct NoLintFile {
    bool Any = false;
    std::vector<std::pair<unsigned, unsigned>> Blocks; ///< BEGIN/END lines
  };
  llvm::DenseMap<FileID, NoLintFile> NoLintFiles;
  const NoLintFile &noLintFile(FileID FID);
};

//===----------------------------------------------------------------------===//
// Function records and their facts
//===----------------------------------------------------------------------===//

const std::string &Summarizer::usr(const Decl *D) {
  auto [It, Inserted] = UsrCache.try_emplace(D);
  if (Inserted) {
    llvm::SmallString<128> Buf;
    if (index::generateUSRForDecl(D, Buf))
      It->second = "evguard-anon@" + std::to_string(reinterpret_cast<uintptr_t>(D));
    else
      It->second = Buf.str().str();
  }
  return It->second;
}

Loc Summarizer::loc(SourceLocation L) {
  Loc Result;
  if (L.isInvalid())
    return Result;
  L = SM.getExpansionLoc(L);
  FileID FID = SM.getFileID(L);
  auto [It, Inserted] = FileIndex.try_emplace(FID, 0);
  if (Inserted) {
    llvm::SmallString<256> Path;
    if (OptionalFileEntryRef FE = SM.getFileEntryRefForID(FID)) {
      Path = FE->getName();
      SM.getFileManager().makeAbsolutePath(Path);
      llvm::sys::path::remove_dots(Path, /*remove_dot_dot=*/true);
    } else {
      Path = "<built-in>";
    }
    It->second = Out->Files.size();
    Out->Files.push_back(Path.str().str());
  }
  Result.File = It->second;
  Result.Line = SM.getExpansionLineNumber(L);
  Result.Col = SM.getExpansionColumnNumber(L);
  return Result;
}

std::string Summarizer::fieldKey(const FieldDecl *FD) {
  return recordName(*FD->getParent()) + "::" + FD->getName().str();
}

uint32_t Summarizer::record(const FunctionDecl *FD) {
  auto Cached = RecordCache.find(FD);
  if (Cached != RecordCache.end())
    return Cached->second;
  const std::string &U = usr(FD);
  auto [It, Inserted] = ByUsr.try_emplace(U, Out->Functions.size());
  RecordCache[FD] = It->second;
  if (!Inserted)
    return It->second;
  FunctionRecord R;
  R.Usr = U;
  R.Name = qualifiedName(*FD);
  const FunctionDecl *Def = FD->getDefinition();
  R.At = loc((Def ? Def : FD)->getLocation());
  R.System = inSystemHeader(FD);
  if (R.System) {
    PresumedLoc P = SM.getPresumedLoc(SM.getExpansionLoc(FD->getLocation()));
    R.StandardLibrary = P.isValid() && isStandardLibraryPath(P.getFilename());
  }
  // fork() and vfork() return 0 in the child; so do functions the database
  // says fork (applyDatabase).
  if (FD->getIdentifier() && (FD->getName() == "fork" || FD->getName() == "vfork") &&
      FD->isExternC())
    R.Forks = true;
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD)) {
    R.Virtual = MD->isVirtual();
    for (const CXXMethodDecl *O : MD->overridden_methods())
      R.Overrides.push_back(usr(O->getCanonicalDecl()));
  }
  if (!isa<CXXMethodDecl>(FD) || cast<CXXMethodDecl>(FD)->isStatic())
    R.FnType = FD->getType().getCanonicalType().getAsString();
  applyFacts(FD, R);
  Out->Functions.push_back(std::move(R));
  return It->second;
}

void Summarizer::applyFacts(const FunctionDecl *FD, FunctionRecord &R) {
  applyDatabase(FD, R);
  applyAnnotations(FD, R);
}

void Summarizer::applyDatabase(const FunctionDecl *FD, FunctionRecord &R) {
  if (!DB.mentions(R.Name))
    return;
  const FunctionEntry *E = DB.lookup(functionKey(*FD));
  if (!E)
    return;
  R.Blocking = E->Blocking;
  R.MayFault = E->MayFault;
  R.Nonblocking = E->Nonblocking;
  R.RegistersParams.assign(E->RegistersHandler.begin(), E->RegistersHandler.end());
  R.OffloadsParams.assign(E->Offloads.begin(), E->Offloads.end());
  R.OpensFile = E->OpensFile;
  R.BlockingDescriptor = E->BlockingDescriptor;
  R.SetsNonblocking = E->SetsNonblocking;
  R.Forks |= E->Forks;
  if (E->AllowBlocking)
    R.AllowBlocking = E->AllowBlocking;
  R.FactsFrom = "database " + E->From.str();
}

static void addUnique(std::vector<uint32_t> &V, uint32_t X) {
  if (llvm::find(V, X) == V.end())
    V.push_back(X);
}

void Summarizer::applyAnnotations(const FunctionDecl *FD, FunctionRecord &R) {
  for (const FunctionDecl *Redecl : FD->redecls()) {
    for (const auto *A : Redecl->specific_attrs<AnnotateAttr>()) {
      StringRef Name = A->getAnnotation();
      if (!Name.consume_front("evguard::"))
        continue;
      R.FactsFrom = "annotation";
      if (Name == "handler") {
        R.Handler = true;
      } else if (Name == "nonblocking") {
        R.Nonblocking = true;
      } else if (Name == "allow_blocking") {
        R.AllowBlocking = annotationString(*A, 0).value_or("");
      } else if (Name == "blocking") {
        BlockingInfo B;
        std::string Cat = annotationString(*A, 0).value_or("other");
        B.Cat = parseCategory(Cat).value_or(Category::Other);
        B.Reason = annotationString(*A, 1).value_or("marked EVGUARD_BLOCKING");
        R.Blocking = std::move(B);
      } else if (Name == "may_fault") {
        R.MayFault = FaultInfo{annotationString(*A, 0).value_or("marked EVGUARD_MAY_FAULT")};
      }
    }
    for (unsigned I = 0, N = Redecl->getNumParams(); I < N; ++I) {
      for (const auto *A : Redecl->getParamDecl(I)->specific_attrs<AnnotateAttr>()) {
        if (A->getAnnotation() == "evguard::registers_handler")
          addUnique(R.RegistersParams, I);
        else if (A->getAnnotation() == "evguard::offloaded")
          addUnique(R.OffloadsParams, I);
      }
    }
  }
  // Template instantiations carry the pattern's parameter annotations only
  // through the pattern.
  if (const FunctionDecl *Pattern = FD->getTemplateInstantiationPattern();
      Pattern && Pattern != FD) {
    FunctionRecord FromPattern;
    applyAnnotations(Pattern, FromPattern);
    for (uint32_t P : FromPattern.RegistersParams)
      addUnique(R.RegistersParams, P);
    for (uint32_t P : FromPattern.OffloadsParams)
      addUnique(R.OffloadsParams, P);
    if (FromPattern.Handler)
      R.Handler = true;
    if (FromPattern.Nonblocking)
      R.Nonblocking = true;
    if (FromPattern.Blocking && !R.Blocking)
      R.Blocking = FromPattern.Blocking;
    if (FromPattern.MayFault && !R.MayFault)
      R.MayFault = FromPattern.MayFault;
    if (FromPattern.AllowBlocking && !R.AllowBlocking)
      R.AllowBlocking = FromPattern.AllowBlocking;
  }
}

//===----------------------------------------------------------------------===//
// Value sources: where a callable comes from
//===----------------------------------------------------------------------===//

static const FunctionDecl *enclosingFunction(const ParmVarDecl *P) {
  return dyn_cast_or_null<FunctionDecl>(P->getDeclContext());
}

static bool isCallableWrapperCall(const CallExpr *CE) {
  const FunctionDecl *Callee = CE->getDirectCallee();
  if (!Callee || CE->getNumArgs() == 0 || !Callee->isInStdNamespace())
    return false;
  StringRef Name = Callee->getName();
  return Name == "bind" || Name == "bind_front" || Name == "bind_back" ||
         Name == "ref" || Name == "cref" || Name == "move" ||
         Name == "forward" || Name == "mem_fn";
}

void Summarizer::enqueueLambda(const LambdaExpr *LE) {
  if (FunctionTemplateDecl *Generic = LE->getDependentCallOperator()) {
    for (FunctionDecl *Spec : Generic->specializations())
      PendingLambdas.push_back(Spec);
    return;
  }
  PendingLambdas.push_back(LE->getCallOperator());
}

void Summarizer::callOperatorsOf(QualType T, std::vector<ValueRef> &Sources) {
  const CXXRecordDecl *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition() || inSystemHeader(RD))
    return;
  auto Push = [&](const FunctionDecl *F) {
    if (!RD->isLambda())
      record(F);
    ValueRef R{ValueRef::Kind::Function, usr(F)};
    if (llvm::find(Sources, R) == Sources.end())
      Sources.push_back(std::move(R));
  };
  for (const Decl *D : RD->decls()) {
    if (const auto *FT = dyn_cast<FunctionTemplateDecl>(D)) {
      if (FT->getTemplatedDecl()->getOverloadedOperator() != OO_Call)
        continue;
      for (const FunctionDecl *Spec : FT->specializations()) {
        if (RD->isLambda())
          PendingLambdas.push_back(Spec);
        Push(Spec);
      }
    } else if (const auto *M = dyn_cast<CXXMethodDecl>(D)) {
      if (M->getOverloadedOperator() != OO_Call || M->isDependentContext())
        continue;
      if (RD->isLambda())
        PendingLambdas.push_back(M);
      Push(M);
    }
  }
}

void Summarizer::sourcesOf(const Expr *E, std::vector<ValueRef> &Sources,
                           unsigned Depth) {
  if (!E || Depth > 8)
    return;
  E = E->IgnoreParens();
  auto Push = [&](ValueRef R) {
    if (llvm::find(Sources, R) == Sources.end())
      Sources.push_back(std::move(R));
  };
  // An object with a call operator (a functor, a lambda in a variable) is a
  // callable whatever expression names it.
  if (Depth == 0 || isa<DeclRefExpr, MemberExpr, InitListExpr>(E))
    callOperatorsOf(E->getType(), Sources);
  if (const auto *Cast = dyn_cast<CastExpr>(E))
    return sourcesOf(Cast->getSubExpr(), Sources, Depth + 1);
  if (const auto *FE = dyn_cast<FullExpr>(E))
    return sourcesOf(FE->getSubExpr(), Sources, Depth + 1);
  if (const auto *MT = dyn_cast<MaterializeTemporaryExpr>(E))
    return sourcesOf(MT->getSubExpr(), Sources, Depth + 1);
  if (const auto *BT = dyn_cast<CXXBindTemporaryExpr>(E))
    return sourcesOf(BT->getSubExpr(), Sources, Depth + 1);
  if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
    if (UO->getOpcode() == UO_AddrOf || UO->getOpcode() == UO_Deref)
      sourcesOf(UO->getSubExpr(), Sources, Depth + 1);
    return;
  }
  if (const auto *CO = dyn_cast<AbstractConditionalOperator>(E)) {
    sourcesOf(CO->getTrueExpr(), Sources, Depth + 1);
    sourcesOf(CO->getFalseExpr(), Sources, Depth + 1);
    return;
  }
  if (const auto *LE = dyn_cast<LambdaExpr>(E)) {
    enqueueLambda(LE);
    if (FunctionTemplateDecl *Generic = LE->getDependentCallOperator()) {
      for (FunctionDecl *Spec : Generic->specializations())
        Push({ValueRef::Kind::Function, usr(Spec)});
    } else {
      Push({ValueRef::Kind::Function, usr(LE->getCallOperator())});
    }
    return;
  }
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    const ValueDecl *D = DRE->getDecl();
    if (const auto *F = dyn_cast<FunctionDecl>(D)) {
      record(F);
      Push({ValueRef::Kind::Function, usr(F)});
    } else if (const auto *P = dyn_cast<ParmVarDecl>(D)) {
      if (const FunctionDecl *Owner = enclosingFunction(P))
        Push({ValueRef::Kind::Param, usr(Owner), P->getFunctionScopeIndex()});
    } else if (const auto *V = dyn_cast<VarDecl>(D)) {
      Push({ValueRef::Kind::Var, usr(V)});
    }
    return;
  }
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl()))
      Push({ValueRef::Kind::Field, fieldKey(FD)});
    else if (const auto *MD = dyn_cast<CXXMethodDecl>(ME->getMemberDecl())) {
      record(MD);
      Push({ValueRef::Kind::Function, usr(MD)});
    }
    return;
  }
  if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(E)) {
    // A lambda converted to a function pointer: the lambda itself.
    if (isa_and_nonnull<CXXConversionDecl>(MCE->getMethodDecl()))
      sourcesOf(MCE->getImplicitObjectArgument(), Sources, Depth + 1);
    return;
  }
  if (const auto *CE = dyn_cast<CallExpr>(E)) {
    if (isCallableWrapperCall(CE))
      sourcesOf(CE->getArg(0), Sources, Depth + 1);
    return;
  }
  if (isa<InitListExpr>(E))
    return; // an aggregate functor: its call operators, above
  if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
    const CXXRecordDecl *RD = CE->getConstructor()->getParent();
    // A user functor object: its call operators are the callables. A
    // wrapper (std::function, a copy) wraps its argument.
    if (!inSystemHeader(RD) && !RD->isLambda()) {
      bool Found = false;
      for (const CXXMethodDecl *M : RD->methods())
        if (M->getOverloadedOperator() == OO_Call && M->isThisDeclarationADefinition()) {
          record(M);
          Push({ValueRef::Kind::Function, usr(M)});
          Found = true;
        }
      if (Found)
        return;
    }
    if (CE->getNumArgs() >= 1)
      sourcesOf(CE->getArg(0), Sources, Depth + 1);
    return;
  }
}

static bool mayCarryCallable(QualType T) {
  T = T.getNonReferenceType().getCanonicalType();
  if (T->isFunctionType() || T->isFunctionPointerType() ||
      T->isMemberFunctionPointerType() || T->isBlockPointerType())
    return true;
  return T->isRecordType();
}

void Summarizer::collectCallableArgs(ArrayRef<const Expr *> Args, CallSite &Site) {
  for (unsigned I = 0; I < Args.size(); ++I) {
    const Expr *A = Args[I];
    if (!A || !mayCarryCallable(A->getType()))
      continue;
    CallableArg CA;
    CA.Param = I;
    sourcesOf(A, CA.Sources);
    if (!CA.Sources.empty())
      Site.Callables.push_back(std::move(CA));
  }
}

//===----------------------------------------------------------------------===//
// Conditions and NOLINT
//===----------------------------------------------------------------------===//

static bool holds(const Condition &C, const Expr *Arg, ASTContext &Ctx) {
  if (!Arg || Arg->isValueDependent())
    return false;
  switch (C.K) {
  case Condition::Kind::Equals:
  case Condition::Kind::HasFlag: {
    Expr::EvalResult R;
    if (!Arg->EvaluateAsInt(R, Ctx))
      return false;
    int64_t V = R.Val.getInt().getExtValue();
    return C.K == Condition::Kind::Equals ? V == C.Value : (V & C.FlagValue) != 0;
  }
  case Condition::Kind::NotRegularFile:
    return false; // decided at link time
  case Condition::Kind::PathPrefix: {
    const auto *SL = dyn_cast<StringLiteral>(Arg->IgnoreParenImpCasts());
    if (!SL || !SL->isOrdinary())
      return false;
    StringRef Path = SL->getString();
    // "/proc/../home/x" leaves the pseudo file system.
    if (Path.contains("/.."))
      return false;
    return llvm::any_of(C.Prefixes, [&](const std::string &P) { return Path.starts_with(P); });
  }
  case Condition::Kind::NonNull: {
    if (Arg->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull))
      return false;
    const Expr *E = Arg->IgnoreParenCasts();
    if (isa<LambdaExpr, StringLiteral, CXXThisExpr>(E))
      return true;
    if (const auto *UO = dyn_cast<UnaryOperator>(E); UO && UO->getOpcode() == UO_AddrOf)
      return true;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E); DRE && isa<FunctionDecl>(DRE->getDecl()))
      return true;
    return false;
  }
  }
  return false;
}

const CallExpr *Summarizer::directCall(const Expr *E) const {
  const auto *CE = dyn_cast<CallExpr>(E->IgnoreParenCasts());
  return CE && CE->getDirectCallee() ? CE : nullptr;
}

bool Summarizer::opensFile(const Expr *E) {
  const CallExpr *CE = directCall(E);
  if (!CE)
    return false;
  const FunctionRecord &R = fn(record(CE->getDirectCallee()));
  if (!R.OpensFile)
    return false;
  // open("/proc/self/stat"): a pseudo file, read from memory, not a disk.
  if (R.Blocking)
    for (const Condition &C : R.Blocking->Unless)
      if (C.K == Condition::Kind::PathPrefix && C.Arg < CE->getNumArgs() &&
          holds(C, CE->getArg(C.Arg), Ctx))
        return false;
  return true;
}

bool Summarizer::createsBlockingDescriptor(const Expr *E) {
  const CallExpr *CE = directCall(E);
  if (!CE)
    return false;
  const FunctionRecord &R = fn(record(CE->getDirectCallee()));
  if (!R.BlockingDescriptor)
    return false;
  return llvm::none_of(R.BlockingDescriptor->Unless, [&](const Condition &C) {
    return C.Arg < CE->getNumArgs() && holds(C, CE->getArg(C.Arg), Ctx);
  });
}

void Summarizer::noteDescriptor(ValueRef Dest, const Expr *Value) {
  if (!Value || Dest.K == ValueRef::Kind::Function)
    return;
  if (opensFile(Value))
    Out->FileDescriptors.push_back(std::move(Dest));
  else if (createsBlockingDescriptor(Value))
    Out->BlockingDescriptors.push_back(std::move(Dest));
}

/// Whether `flags & ~O_NONBLOCK` (a constant operand of `&` without the flag)
/// visibly clears Flag.
static bool clearsFlag(const Expr *E, int64_t Flag, ASTContext &Ctx) {
  const auto *BO = dyn_cast<BinaryOperator>(E->IgnoreParenImpCasts());
  if (!BO || BO->getOpcode() != BO_And)
    return false;
  for (const Expr *Side : {BO->getLHS(), BO->getRHS()}) {
    Expr::EvalResult R;
    if (!Side->isValueDependent() && Side->EvaluateAsInt(R, Ctx) &&
        (R.Val.getInt().getExtValue() & Flag) == 0)
      return true;
  }
  return false;
}

/// A SetsNonblocking condition on a value that is not a constant may hold:
/// `fcntl(fd, F_SETFL, flags | O_NONBLOCK)` is the common form.
static bool mayHold(const Condition &C, const Expr *Arg, ASTContext &Ctx) {
  if (!Arg || Arg->isValueDependent())
    return true;
  Expr::EvalResult R;
  if (Arg->EvaluateAsInt(R, Ctx))
    return holds(C, Arg, Ctx);
  return !(C.K == Condition::Kind::HasFlag && clearsFlag(Arg, C.FlagValue, Ctx));
}

/// Descriptor facts of a direct call: fcntl(fd, F_SETFL, ... O_NONBLOCK)
/// switches `fd`; any other function may do it for its `int` parameters,
/// which the link step learns from the passes recorded here.
void Summarizer::noteDescriptorArgs(uint32_t Caller, uint32_t Callee,
                                    ArrayRef<const Expr *> Args) {
  if (Caller == NoFunction)
    return;
  // Copies: sourcesOf() may add records and move the vector.
  std::optional<NonblockingSetter> Setter = fn(Callee).SetsNonblocking;
  std::string CalleeUsr = fn(Callee).Usr;
  bool Opaque = fn(Callee).System || fn(Callee).Blocking.has_value();
  std::vector<ValueRef> Sources;
  if (Setter) {
    if (Setter->Arg >= Args.size() ||
        !llvm::all_of(Setter->If, [&](const Condition &C) {
          return C.Arg < Args.size() && mayHold(C, Args[C.Arg], Ctx);
        }))
      return;
    sourcesOf(Args[Setter->Arg], Sources);
    FunctionRecord &Self = fn(Caller);
    for (ValueRef &R : Sources) {
      if (R.K == ValueRef::Kind::Param && R.Id == Self.Usr)
        addUnique(Self.SetsNonblockingParams, R.Index);
      else if (R.K == ValueRef::Kind::Var || R.K == ValueRef::Kind::Field)
        Out->NonblockingDescriptors.push_back(std::move(R));
    }
    return;
  }
  if (Opaque)
    return;
  for (uint32_t I = 0; I < Args.size(); ++I) {
    const Expr *A = Args[I]->IgnoreParenImpCasts();
    if (!A->getType()->isSpecificBuiltinType(BuiltinType::Int))
      continue;
    Sources.clear();
    sourcesOf(A, Sources);
    for (ValueRef &R : Sources)
      if (R.K != ValueRef::Kind::Function)
        fn(Caller).DescriptorPasses.push_back({CalleeUsr, I, std::move(R)});
  }
}

/// Passes matter when the link step can use them: a parameter (the caller
/// may be a wrapper), a field (set anywhere in the program), or a variable
/// holding a descriptor created in blocking mode.
void Summarizer::keepUsefulDescriptorPasses() {
  std::set<ValueRef> Blocking(Out->BlockingDescriptors.begin(),
                              Out->BlockingDescriptors.end());
  for (FunctionRecord &R : Out->Functions)
    llvm::erase_if(R.DescriptorPasses, [&](const DescriptorPass &DP) {
      return DP.Source.K == ValueRef::Kind::Var && !Blocking.count(DP.Source);
    });
}

bool Summarizer::provedNonblocking(const FunctionRecord &Callee,
                                   ArrayRef<const Expr *> Args, CallSite &Site) {
  if (!Callee.Blocking)
    return false;
  for (const Condition &C : Callee.Blocking->Unless) {
    if (C.Arg >= Args.size())
      continue;
    if (C.K == Condition::Kind::NotRegularFile) {
      Site.DescriptorCheck = true;
      if (opensFile(Args[C.Arg]))
        Site.DescriptorIsFile = true;
      else
        sourcesOf(Args[C.Arg], Site.DescriptorSources);
      continue;
    }
    if (holds(C, Args[C.Arg], Ctx))
      return true;
  }
  return false;
}

static std::pair<StringRef, unsigned> lineText(StringRef Buffer, unsigned Offset) {
  size_t Start = Buffer.rfind('\n', Offset == 0 ? 0 : Offset - 1);
  Start = Start == StringRef::npos ? 0 : Start + 1;
  if (Offset == 0)
    Start = 0;
  size_t End = Buffer.find('\n', Offset);
  return {Buffer.slice(Start, End == StringRef::npos ? Buffer.size() : End), (unsigned)Start};
}

const Summarizer::NoLintFile &Summarizer::noLintFile(FileID FID) {
  auto [It, Inserted] = NoLintFiles.try_emplace(FID);
  if (!Inserted)
    return It->second;
  NoLintFile &F = It->second;
  StringRef Buffer = SM.getBufferData(FID);
  F.Any = Buffer.contains("NOLINT");
  if (!F.Any)
    return F;
  unsigned Line = 1, Begin = 0;
  llvm::SmallVector<StringRef, 0> Lines;
  Buffer.split(Lines, '\n');
  for (StringRef L : Lines) {
    if (L.contains("NOLINTBEGIN"))
      Begin = Line;
    else if (L.contains("NOLINTEND") && Begin) {
      F.Blocks.push_back({Begin, Line});
      Begin = 0;
    }
    ++Line;
  }
  return F;
}

/// Parses "NOLINT(checks) rest" at Pos in Line.
static void parseNoLint(StringRef Line, size_t Pos, size_t MarkerLen,
                        CallSite &Site) {
  StringRef After = Line.substr(Pos + MarkerLen);
  std::string Checks;
  if (After.consume_front("(")) {
    size_t Close = After.find(')');
    Checks = After.substr(0, Close).str();
    After = Close == StringRef::npos ? StringRef() : After.substr(Close + 1);
  }
  After = After.trim().ltrim(":-").trim();
  if (After.ends_with("*/"))
    After = After.drop_back(2).trim();
  Site.NoLintChecks = Checks;
  Site.NoLintText = After.empty() ? Line.trim().str() : After.str();
}

void Summarizer::noLint(SourceLocation L, CallSite &Site) {
  L = SM.getExpansionLoc(L);
  auto [FID, Offset] = SM.getDecomposedLoc(L);
  const NoLintFile &F = noLintFile(FID);
  if (!F.Any)
    return;
  StringRef Buffer = SM.getBufferData(FID);
  auto [Line, Start] = lineText(Buffer, Offset);
  size_t Pos = Line.find("NOLINT");
  while (Pos != StringRef::npos) {
    StringRef Rest = Line.substr(Pos);
    if (!Rest.starts_with("NOLINTNEXTLINE") && !Rest.starts_with("NOLINTBEGIN") &&
        !Rest.starts_with("NOLINTEND"))
      return parseNoLint(Line, Pos, 6, Site);
    Pos = Line.find("NOLINT", Pos + 6);
  }
  if (Start > 0) {
    StringRef Prev = lineText(Buffer, Start - 1).first;
    size_t P = Prev.find("NOLINTNEXTLINE");
    if (P != StringRef::npos)
      return parseNoLint(Prev, P, 14, Site);
  }
  unsigned LineNo = SM.getLineNumber(FID, Offset);
  for (auto [B, E] : F.Blocks) {
    if (LineNo > B && LineNo < E) {
      unsigned BeginOffset = SM.getDecomposedLoc(SM.translateLineCol(FID, B, 1)).second;
      StringRef BeginLine = lineText(Buffer, BeginOffset).first;
      size_t P = BeginLine.find("NOLINTBEGIN");
      if (P != StringRef::npos)
        return parseNoLint(BeginLine, P, 11, Site);
    }
  }
}

//===----------------------------------------------------------------------===//
// Calls and stores
//===----------------------------------------------------------------------===//

bool Summarizer::worthRecording(uint32_t Rec, const CallSite &Site) {
  const FunctionRecord &R = fn(Rec);
  if (!R.System || R.Blocking || R.MayFault || R.Nonblocking ||
      !R.RegistersParams.empty() || !R.OffloadsParams.empty() ||
      !Site.Callables.empty())
    return true;
  // A library outside libc/libstdc++ with no entry: "unknown" in --strict.
  return !R.StandardLibrary;
}

void Summarizer::addCall(uint32_t Caller, CallSite Site) {
  if (Caller == NoFunction)
    return;
  Site.ChildOf = ChildGuard;
  fn(Caller).Calls.push_back(std::move(Site));
}

void Summarizer::addStore(ValueRef Dest, const Expr *Value, SourceLocation At) {
  if (!Value || !mayCarryCallable(Value->getType()))
    return;
  Store St;
  St.Dest = std::move(Dest);
  sourcesOf(Value, St.Sources);
  if (St.Sources.empty())
    return;
  St.At = loc(At);
  Out->Stores.push_back(std::move(St));
}

static std::string pointeeFunctionType(QualType T, ASTContext &Ctx) {
  T = T.getCanonicalType();
  if (const auto *PT = T->getAs<PointerType>())
    T = PT->getPointeeType();
  else if (const auto *RT = T->getAs<ReferenceType>())
    T = RT->getPointeeType();
  if (!T->isFunctionType())
    return "";
  return T.getCanonicalType().getAsString();
}

static bool isVirtualDispatch(const CXXMemberCallExpr *MCE,
                              const CXXMethodDecl *MD) {
  if (!MD->isVirtual())
    return false;
  if (const auto *ME = dyn_cast<MemberExpr>(MCE->getCallee()->IgnoreParens()))
    if (ME->hasQualifier())
      return false; // Base::f() is a direct call
  if (const CXXRecordDecl *RD = MD->getParent(); RD->hasAttr<FinalAttr>())
    return false;
  return !MD->hasAttr<FinalAttr>();
}

bool BodyWalker::VisitCallExpr(CallExpr *CE) {
  if (Fn == NoFunction)
    return true;
  CallSite Site;
  Site.At = S.loc(CE->getBeginLoc());
  const FunctionDecl *Callee = nullptr;
  llvm::SmallVector<const Expr *, 8> Args(CE->arguments());

  if (const auto *OCE = dyn_cast<CXXOperatorCallExpr>(CE)) {
    const auto *MD = dyn_cast_or_null<CXXMethodDecl>(OCE->getDirectCallee());
    if (MD && !Args.empty())
      Args.erase(Args.begin()); // the object is not a parameter
    if (MD && OCE->getOperator() == OO_Call && S.inSystemHeader(MD->getParent()) &&
        !MD->getParent()->isLambda()) {
      // std::function and friends: the call goes wherever the object's
      // value came from.
      Site.K = CallSite::Kind::Pointer;
      S.sourcesOf(OCE->getArg(0), Site.Sources);
      if (const auto *ME = dyn_cast<MemberExpr>(OCE->getArg(0)->IgnoreParenImpCasts()))
        if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl())) {
          Site.K = CallSite::Kind::Field;
          Site.Target = S.fieldKey(FD);
          Site.Sources.clear();
        }
      if (Site.Sources.empty() && Site.K == CallSite::Kind::Pointer)
        return true;
      S.collectCallableArgs(Args, Site);
      S.noLint(CE->getBeginLoc(), Site);
      S.addCall(Fn, std::move(Site));
      return true;
    }
    if (MD && OCE->getOperator() == OO_Equal && OCE->getNumArgs() == 2) {
      const Expr *LHS = OCE->getArg(0)->IgnoreParenImpCasts();
      if (const auto *ME = dyn_cast<MemberExpr>(LHS)) {
        if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl()))
          S.addStore({ValueRef::Kind::Field, S.fieldKey(FD)}, OCE->getArg(1),
                     OCE->getBeginLoc());
      } else if (isa<DeclRefExpr>(LHS)) {
        std::vector<ValueRef> Dest;
        S.sourcesOf(LHS, Dest, 1);
        for (const ValueRef &D : Dest)
          if (D.K != ValueRef::Kind::Function)
            S.addStore(D, OCE->getArg(1), OCE->getBeginLoc());
      }
      if (S.inSystemHeader(MD))
        return true; // std::function::operator= stores, it calls nothing
    }
    Callee = OCE->getDirectCallee();
  } else if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE)) {
    const CXXMethodDecl *MD = MCE->getMethodDecl();
    if (!MD) {
      // (obj->*pmf)(...)
      Site.K = CallSite::Kind::Pointer;
      if (const auto *BO = dyn_cast<BinaryOperator>(MCE->getCallee()->IgnoreParens()))
        S.sourcesOf(BO->getRHS(), Site.Sources);
      if (Site.Sources.empty())
        return true;
      S.collectCallableArgs(Args, Site);
      S.noLint(CE->getBeginLoc(), Site);
      S.addCall(Fn, std::move(Site));
      return true;
    }
    Callee = MD;
    if (isVirtualDispatch(MCE, MD))
      Site.K = CallSite::Kind::Virtual;
  } else {
    Callee = CE->getDirectCallee();
    if (Callee)
      DirectCallees.insert(CE->getCallee()->IgnoreParenImpCasts());
  }

  if (!Callee) {
    // A call through a pointer: a struct field, or anything else.
    const Expr *C = CE->getCallee()->IgnoreParenImpCasts();
    while (const auto *UO = dyn_cast<UnaryOperator>(C)) {
      if (UO->getOpcode() != UO_Deref)
        break;
      C = UO->getSubExpr()->IgnoreParenImpCasts();
    }
    Site.FnType = pointeeFunctionType(CE->getCallee()->getType(), S.Ctx);
    if (const auto *ME = dyn_cast<MemberExpr>(C); ME && isa<FieldDecl>(ME->getMemberDecl())) {
      Site.K = CallSite::Kind::Field;
      Site.Target = S.fieldKey(cast<FieldDecl>(ME->getMemberDecl()));
    } else {
      Site.K = CallSite::Kind::Pointer;
      S.sourcesOf(C, Site.Sources);
      if (Site.Sources.empty() && Site.FnType.empty())
        return true;
    }
    S.collectCallableArgs(Args, Site);
    S.noLint(CE->getBeginLoc(), Site);
    S.addCall(Fn, std::move(Site));
    return true;
  }

  if (Callee->getBuiltinID() && !Callee->hasAttr<AnnotateAttr>() &&
      !S.DB.mentions(Callee->getName()))
    return true;
  uint32_t Rec = S.record(Callee);
  S.noteDescriptorArgs(Fn, Rec, Args);
  const FunctionRecord &CalleeRec = S.fn(Rec);
  noteOffloadedFunctions(CalleeRec, Args);
  // A library class's member (vector::push_back, function::swap) keeps the
  // callables it is given; only free functions (std::for_each, qsort) are
  // assumed to call them back.
  if (!(isa<CXXMethodDecl>(Callee) && CalleeRec.System &&
        CalleeRec.RegistersParams.empty() && CalleeRec.OffloadsParams.empty()))
    S.collectCallableArgs(Args, Site);
  if (!S.worthRecording(Rec, Site))
    return true;
  if (Site.K != CallSite::Kind::Virtual)
    Site.K = CallSite::Kind::Direct;
  Site.Target = S.fn(Rec).Usr;
  Site.ProvedNonblocking = S.provedNonblocking(S.fn(Rec), Args, Site);
  S.noLint(CE->getBeginLoc(), Site);
  S.addCall(Fn, std::move(Site));
  return true;
}

bool BodyWalker::VisitCXXConstructExpr(CXXConstructExpr *CE) {
  if (Fn == NoFunction)
    return true;
  const CXXConstructorDecl *Ctor = CE->getConstructor();
  if (!Ctor || Ctor->isTrivial())
    return true;
  uint32_t Rec = S.record(Ctor);
  const FunctionRecord &R = S.fn(Rec);
  // A system class's constructor never calls the callable it is given
  // (std::function, std::thread): only entries about it matter.
  bool Relevant = !R.System || R.Blocking || R.MayFault ||
                  !R.RegistersParams.empty() || !R.OffloadsParams.empty();
  if (!Relevant)
    return true;
  CallSite Site;
  Site.K = CallSite::Kind::Direct;
  Site.Target = R.Usr;
  Site.At = S.loc(CE->getBeginLoc().isValid() ? CE->getBeginLoc() : CE->getLocation());
  llvm::SmallVector<const Expr *, 8> Args(CE->arguments());
  noteOffloadedFunctions(R, Args);
  S.collectCallableArgs(Args, Site);
  Site.ProvedNonblocking = S.provedNonblocking(S.fn(Rec), Args, Site);
  S.noLint(CE->getBeginLoc(), Site);
  S.addCall(Fn, std::move(Site));
  return true;
}

bool BodyWalker::VisitCXXDeleteExpr(CXXDeleteExpr *DE) {
  if (Fn == NoFunction)
    return true;
  QualType T = DE->getDestroyedType();
  const CXXRecordDecl *RD = T.isNull() ? nullptr : T->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition())
    return true;
  const CXXDestructorDecl *Dtor = RD->getDestructor();
  if (!Dtor || Dtor->isTrivial() || S.inSystemHeader(RD))
    return true;
  CallSite Site;
  Site.K = Dtor->isVirtual() ? CallSite::Kind::Virtual : CallSite::Kind::Direct;
  Site.Target = S.fn(S.record(Dtor)).Usr;
  Site.At = S.loc(DE->getBeginLoc());
  S.noLint(DE->getBeginLoc(), Site);
  S.addCall(Fn, std::move(Site));
  return true;
}

bool BodyWalker::VisitBinaryOperator(BinaryOperator *BO) {
  if (BO->getOpcode() != BO_Assign)
    return true;
  const Expr *LHS = BO->getLHS()->IgnoreParenImpCasts();
  if (const auto *ME = dyn_cast<MemberExpr>(LHS)) {
    if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl())) {
      S.addStore({ValueRef::Kind::Field, S.fieldKey(FD)}, BO->getRHS(), BO->getBeginLoc());
      S.noteDescriptor({ValueRef::Kind::Field, S.fieldKey(FD)}, BO->getRHS());
    }
  } else if (const auto *DRE = dyn_cast<DeclRefExpr>(LHS)) {
    std::vector<ValueRef> Dest;
    S.sourcesOf(DRE, Dest);
    if (Dest.size() == 1 && Dest[0].K != ValueRef::Kind::Function) {
      S.addStore(Dest[0], BO->getRHS(), BO->getBeginLoc());
      S.noteDescriptor(Dest[0], BO->getRHS());
    }
    noteResult(dyn_cast<VarDecl>(DRE->getDecl()), BO->getRHS());
  }
  return true;
}

bool BodyWalker::VisitVarDecl(VarDecl *VD) {
  if (!VD->hasInit() || isa<ParmVarDecl>(VD))
    return true;
  noteResult(VD, VD->getInit());
  S.addStore({ValueRef::Kind::Var, S.usr(VD)}, VD->getInit(), VD->getLocation());
  S.noteDescriptor({ValueRef::Kind::Var, S.usr(VD)}, VD->getInit());
  if (Fn == NoFunction || !VD->hasLocalStorage())
    return true;
  // The destructor of a local object runs in this function (RAII).
  S.addDestructorCall(Fn, VD->getType()->getAsCXXRecordDecl(), VD->getLocation());
  return true;
}

bool BodyWalker::VisitInitListExpr(InitListExpr *Visited) {
  // The traversal shows designated initializers in their written form; the
  // semantic form has one init per field, in field order.
  InitListExpr *ILE = Visited->isSemanticForm() ? Visited : Visited->getSemanticForm();
  if (!ILE)
    return true;
  const RecordDecl *RD = ILE->getType()->getAsRecordDecl();
  if (!RD)
    return true;
  if (RD->isUnion()) {
    if (const FieldDecl *F = ILE->getInitializedFieldInUnion(); F && ILE->getNumInits() == 1)
      S.addStore({ValueRef::Kind::Field, S.fieldKey(F)}, ILE->getInit(0), ILE->getBeginLoc());
    return true;
  }
  unsigned I = 0;
  if (const auto *CXXRD = dyn_cast<CXXRecordDecl>(RD))
    I = CXXRD->getNumBases();
  for (const FieldDecl *F : RD->fields()) {
    if (I >= ILE->getNumInits())
      break;
    const Expr *Init = ILE->getInit(I++);
    if (!Init || isa<ImplicitValueInitExpr>(Init))
      continue;
    SourceLocation At = Init->getBeginLoc().isValid() ? Init->getBeginLoc() : ILE->getBeginLoc();
    S.addStore({ValueRef::Kind::Field, S.fieldKey(F)}, Init, At);
  }
  return true;
}

// The pointer fallback resolves a call with no known value flow to every
// address-taken function of its type. A thread's start routine is address-
// taken only to be run on another thread; counting it would put whole worker
// loops (and their blocking calls) behind every `void *(*)(void *)` call.
void BodyWalker::noteOffloadedFunctions(const FunctionRecord &Callee,
                                        llvm::ArrayRef<const Expr *> Args) {
  for (uint32_t P : Callee.OffloadsParams) {
    if (P >= Args.size())
      continue;
    const Expr *E = Args[P]->IgnoreParenCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(E); UO && UO->getOpcode() == UO_AddrOf)
      E = UO->getSubExpr()->IgnoreParenImpCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E); DRE && isa<FunctionDecl>(DRE->getDecl()))
      OffloadedRefs.insert(DRE);
  }
}

bool BodyWalker::VisitDeclRefExpr(DeclRefExpr *DRE) {
  if (DirectCallees.contains(DRE) || OffloadedRefs.contains(DRE))
    return true;
  if (const auto *F = dyn_cast<FunctionDecl>(DRE->getDecl()))
    S.fn(S.record(F)).AddressTaken = true;
  return true;
}

bool BodyWalker::TraverseLambdaExpr(LambdaExpr *LE) {
  S.enqueueLambda(LE);
  for (Expr *Init : LE->capture_inits())
    if (Init && !TraverseStmt(Init))
      return false;
  return true;
}

//===----------------------------------------------------------------------===//
// fork(): the child's code is not on the loop thread
//
// `if (pid == 0)` after `pid = fork()` is the child. The same test on the
// result of another function (Redis' redisFork()) is the child when that
// function returns fork()'s result, which may only be known once every TU
// is linked: such code is walked, and its calls are tagged with the guarding
// function (CallSite::ChildOf) for the link step to decide.
//===----------------------------------------------------------------------===//

const FunctionDecl *BodyWalker::resultCallee(const Expr *E) const {
  if (!E)
    return nullptr;
  E = E->IgnoreParenCasts();
  if (const auto *CE = dyn_cast<CallExpr>(E))
    return CE->getDirectCallee();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      return ResultOf.lookup(VD);
  if (const auto *BO = dyn_cast<BinaryOperator>(E); BO && BO->getOpcode() == BO_Assign)
    return resultCallee(BO->getRHS());
  return nullptr;
}

void BodyWalker::noteResult(const VarDecl *VD, const Expr *Value) {
  if (!VD || !Value || !VD->getType()->isIntegerType())
    return;
  const auto *CE = dyn_cast<CallExpr>(Value->IgnoreParenCasts());
  if (CE && CE->getDirectCallee())
    ResultOf[VD] = CE->getDirectCallee();
}

bool BodyWalker::VisitReturnStmt(ReturnStmt *RS) {
  if (Fn == NoFunction || !FD || !FD->getReturnType()->isIntegerType())
    return true;
  if (const FunctionDecl *Callee = resultCallee(RS->getRetValue())) {
    std::string U = S.usr(Callee);
    auto &Returns = S.fn(Fn).ReturnsResultOf;
    if (llvm::find(Returns, U) == Returns.end())
      Returns.push_back(U);
  }
  return true;
}

bool BodyWalker::knownToFork(const FunctionDecl *Callee) {
  return Callee && S.fn(S.record(Callee)).Forks;
}

std::pair<ChildBranch, const FunctionDecl *> BodyWalker::childBranch(const Expr *Cond) {
  constexpr std::pair<ChildBranch, const FunctionDecl *> None{ChildBranch::None, nullptr};
  if (!Cond)
    return None;
  Cond = Cond->IgnoreParenImpCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(Cond); UO && UO->getOpcode() == UO_LNot) {
    const FunctionDecl *F = resultCallee(UO->getSubExpr());
    return F ? std::make_pair(ChildBranch::Then, F) : None;
  }
  const auto *BO = dyn_cast<BinaryOperator>(Cond);
  if (!BO || !BO->isComparisonOp()) {
    const FunctionDecl *F = resultCallee(Cond);
    return F ? std::make_pair(ChildBranch::Else, F) : None;
  }
  auto IsZero = [&](const Expr *E) {
    Expr::EvalResult R;
    return E->EvaluateAsInt(R, S.Ctx) && R.Val.getInt() == 0;
  };
  const FunctionDecl *F = nullptr;
  bool ZeroOnRight = true;
  if (IsZero(BO->getRHS()))
    F = resultCallee(BO->getLHS());
  else if (IsZero(BO->getLHS())) {
    F = resultCallee(BO->getRHS());
    ZeroOnRight = false;
  }
  if (!F)
    return None;
  switch (BO->getOpcode()) {
  case BO_EQ:
    return {ChildBranch::Then, F};
  case BO_NE:
    return {ChildBranch::Else, F};
  case BO_GT: // pid > 0: the parent
    return ZeroOnRight ? std::make_pair(ChildBranch::Else, F) : None;
  case BO_LT: // 0 < pid: the parent
    return ZeroOnRight ? None : std::make_pair(ChildBranch::Else, F);
  default:
    return None;
  }
}

/// Walks S as code that runs only when Guard's result was 0: skipped when
/// Guard is known to fork, tagged otherwise.
bool BodyWalker::traverseChild(Stmt *St, const FunctionDecl *Guard) {
  if (!St)
    return true;
  if (knownToFork(Guard))
    return true;
  std::string Saved = S.ChildGuard;
  S.ChildGuard = S.usr(Guard);
  bool Ok = TraverseStmt(St);
  S.ChildGuard = std::move(Saved);
  return Ok;
}

namespace {
/// Collects the locals a body changes after their declaration.
class ModifiedLocals : public RecursiveASTVisitor<ModifiedLocals> {
public:
  explicit ModifiedLocals(llvm::DenseSet<const VarDecl *> &Out) : Out(Out) {}
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->isAssignmentOp())
      note(BO->getLHS());
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->isIncrementDecrementOp() || UO->getOpcode() == UO_AddrOf)
      note(UO->getSubExpr());
    return true;
  }
  bool VisitLambdaExpr(LambdaExpr *LE) {
    for (const LambdaCapture &C : LE->captures())
      if (C.capturesVariable() && C.getCaptureKind() == LCK_ByRef)
        if (const auto *VD = dyn_cast<VarDecl>(C.getCapturedVar()))
          Out.insert(VD);
    return true;
  }

private:
  void note(const Expr *E) {
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts()))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        Out.insert(VD);
  }
  llvm::DenseSet<const VarDecl *> &Out;
};
} // namespace

/// `int debug = 0; ... if (debug) {...}` with `debug` never changed: the
/// branch is dead (Redis' geo.c debug output).
bool BodyWalker::isNeverTrueLocal(const Expr *Cond) {
  const auto *DRE = dyn_cast_or_null<DeclRefExpr>(Cond ? Cond->IgnoreParenImpCasts() : nullptr);
  const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  if (!VD || !VD->isLocalVarDecl() || VD->isStaticLocal() || !VD->hasInit() ||
      !VD->getType()->isIntegerType() || VD->getType().isVolatileQualified())
    return false;
  Expr::EvalResult R;
  if (!VD->getInit()->EvaluateAsInt(R, S.Ctx) || R.Val.getInt() != 0)
    return false;
  if (!Modified) {
    Modified.emplace();
    if (FD && FD->getBody())
      ModifiedLocals(*Modified).TraverseStmt(FD->getBody());
  }
  return !Modified->contains(VD);
}

bool BodyWalker::TraverseIfStmt(IfStmt *If) {
  if (If->getInit() && !TraverseStmt(If->getInit()))
    return false;
  if (If->getConditionVariableDeclStmt() &&
      !TraverseStmt(If->getConditionVariableDeclStmt()))
    return false;
  if (!TraverseStmt(If->getCond()))
    return false;
  auto [Child, Guard] = childBranch(If->getCond());
  bool Ok = true;
  if (isNeverTrueLocal(If->getCond()))
    Ok = true; // a dead branch
  else if (Child == ChildBranch::Then)
    Ok = traverseChild(If->getThen(), Guard);
  else
    Ok = TraverseStmt(If->getThen());
  if (!Ok)
    return false;
  if (!If->getElse())
    return true;
  return Child == ChildBranch::Else ? traverseChild(If->getElse(), Guard)
                                    : TraverseStmt(If->getElse());
}

bool BodyWalker::TraverseSwitchStmt(SwitchStmt *Sw) {
  if (Sw->getInit() && !TraverseStmt(Sw->getInit()))
    return false;
  if (!TraverseStmt(Sw->getCond()))
    return false;
  const auto *Body = dyn_cast_or_null<CompoundStmt>(Sw->getBody());
  const FunctionDecl *Guard = resultCallee(Sw->getCond());
  if (!Body || !Guard)
    return TraverseStmt(Sw->getBody());
  bool InChild = false;
  for (Stmt *St : Body->body()) {
    if (const auto *Case = dyn_cast<CaseStmt>(St)) {
      Expr::EvalResult R;
      InChild = Case->getLHS()->EvaluateAsInt(R, S.Ctx) && R.Val.getInt() == 0;
    } else if (isa<DefaultStmt>(St)) {
      InChild = false;
    }
    if (!(InChild ? traverseChild(St, Guard) : TraverseStmt(St)))
      return false;
    if (isa<BreakStmt>(St))
      InChild = false;
  }
  return true;
}

static bool endsInReturn(const Stmt *S) {
  if (!S)
    return false;
  if (isa<ReturnStmt>(S))
    return true;
  if (const auto *CS = dyn_cast<CompoundStmt>(S))
    return !CS->body_empty() && endsInReturn(CS->body_back());
  return false;
}

bool BodyWalker::TraverseCompoundStmt(CompoundStmt *CS) {
  auto Body = CS->body();
  for (auto It = Body.begin(); It != Body.end(); ++It) {
    if (!TraverseStmt(*It))
      return false;
    // `if (pid != 0) { ...; return; }`: what follows runs in the child.
    const auto *If = dyn_cast<IfStmt>(*It);
    if (!If || If->getElse() || !endsInReturn(If->getThen()))
      continue;
    auto [Child, Guard] = childBranch(If->getCond());
    if (Child != ChildBranch::Else)
      continue;
    for (auto Rest = std::next(It); Rest != Body.end(); ++Rest)
      if (!traverseChild(*Rest, Guard))
        return false;
    return true;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// The TU
//===----------------------------------------------------------------------===//

void Summarizer::summarizeFunction(const FunctionDecl *FD) {
  if (!FD->doesThisDeclarationHaveABody() || FD->isDependentContext() ||
      FD->isInvalidDecl() || inSystemHeader(FD))
    return;
  if (!Summarized.insert(FD).second)
    return;
  uint32_t Rec = record(FD);
  FunctionRecord &R = fn(Rec);
  if (R.HasBody)
    return; // a second definition of the same entity (ODR)
  R.HasBody = true;
  R.At = loc(FD->getLocation());
  BodyWalker Walker(*this, Rec, FD);
  if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(FD)) {
    for (const CXXCtorInitializer *Init : Ctor->inits()) {
      if (!Init->getInit())
        continue;
      if (const FieldDecl *Member = Init->getMember())
        addStore({ValueRef::Kind::Field, fieldKey(Member)}, Init->getInit(),
                 Init->getSourceLocation());
      Walker.TraverseStmt(Init->getInit());
    }
  }
  Walker.TraverseStmt(FD->getBody());
  if (const auto *Dtor = dyn_cast<CXXDestructorDecl>(FD)) {
    // The AST leaves them implicit; CodeGen runs them after the body.
    const CXXRecordDecl *RD = Dtor->getParent();
    for (const FieldDecl *Field : RD->fields())
      if (const CXXRecordDecl *Member = Field->getType()->getAsCXXRecordDecl())
        addDestructorCall(Rec, Member, Dtor->getEndLoc());
    for (const CXXBaseSpecifier &Base : RD->bases())
      if (const CXXRecordDecl *B = Base.getType()->getAsCXXRecordDecl())
        addDestructorCall(Rec, B, Dtor->getEndLoc());
  }
  for (unsigned I = 0, N = FD->getNumParams(); I < N; ++I) {
    const ParmVarDecl *P = FD->getParamDecl(I);
    if (P->hasDefaultArg() && !P->hasUninstantiatedDefaultArg() &&
        !P->hasUnparsedDefaultArg())
      addStore({ValueRef::Kind::Param, R.Usr, I}, P->getDefaultArg(), P->getLocation());
  }
}

void Summarizer::addDestructorCall(uint32_t Caller, const CXXRecordDecl *RD,
                                   SourceLocation At) {
  if (!RD || !RD->hasDefinition() || inSystemHeader(RD))
    return;
  const CXXDestructorDecl *Dtor = RD->getDestructor();
  if (!Dtor || Dtor->isTrivial())
    return;
  CallSite Site;
  Site.Target = fn(record(Dtor)).Usr;
  Site.At = loc(At);
  addCall(Caller, std::move(Site));
}

void Summarizer::summarizeGlobalInit(const VarDecl *VD) {
  if (!VD->hasInit() || VD->getType()->isDependentType() || inSystemHeader(VD))
    return;
  BodyWalker Walker(*this, NoFunction, nullptr);
  addStore({ValueRef::Kind::Var, usr(VD)}, VD->getInit(), VD->getLocation());
  Walker.TraverseStmt(const_cast<Expr *>(VD->getInit()));
}

void Summarizer::summarizeFieldDecl(const FieldDecl *FD) {
  if (inSystemHeader(FD))
    return;
  for (const auto *A : FD->specific_attrs<AnnotateAttr>())
    if (A->getAnnotation() == "evguard::registers_handler")
      Out->HandlerFields.push_back(fieldKey(FD));
  if (FD->hasInClassInitializer() && FD->getInClassInitializer()) {
    addStore({ValueRef::Kind::Field, fieldKey(FD)}, FD->getInClassInitializer(),
             FD->getLocation());
    BodyWalker Walker(*this, NoFunction, nullptr);
    Walker.TraverseStmt(FD->getInClassInitializer());
  }
}

/// Finds every function definition, global and field; never enters
/// statements (the BodyWalker does).
class DeclFinder : public RecursiveASTVisitor<DeclFinder> {
public:
  explicit DeclFinder(Summarizer &S) : S(S) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitImplicitCode() const { return true; }
  bool TraverseStmt(Stmt *, DataRecursionQueue * = nullptr) { return true; }

  bool TraverseDecl(Decl *D) {
    // Nothing of a system header is summarized; skipping its declarations
    // early is most of the analysis' speed on C++ code.
    if (D && !isa<TranslationUnitDecl>(D) && !isa<LinkageSpecDecl>(D) &&
        !isa<NamespaceDecl>(D) && D->getLocation().isValid() &&
        S.SM.isInSystemHeader(S.SM.getExpansionLoc(D->getLocation())))
      return true;
    return RecursiveASTVisitor::TraverseDecl(D);
  }
  bool VisitFunctionDecl(FunctionDecl *FD) {
    S.summarizeFunction(FD);
    return true;
  }
  bool VisitVarDecl(VarDecl *VD) {
    if (!isa<ParmVarDecl>(VD) && !VD->isLocalVarDecl())
      S.summarizeGlobalInit(VD);
    return true;
  }
  bool VisitFieldDecl(FieldDecl *FD) {
    S.summarizeFieldDecl(FD);
    return true;
  }

private:
  Summarizer &S;
};

std::shared_ptr<const TUSummary> Summarizer::run() {
  DeclFinder Finder(*this);
  Finder.TraverseDecl(Ctx.getTranslationUnitDecl());
  while (!PendingLambdas.empty()) {
    const FunctionDecl *FD = PendingLambdas.back();
    PendingLambdas.pop_back();
    summarizeFunction(FD);
  }
  keepUsefulDescriptorPasses();
  collectSymbols(Ctx, *Out);
  return Out;
}

} // namespace

std::shared_ptr<const TUSummary> summarizeTU(ASTContext &Ctx,
                                             const AnnotationDatabase &DB,
                                             llvm::StringRef MainFile) {
  Summarizer S(Ctx, DB, MainFile);
  return S.run();
}

} // namespace evguard
