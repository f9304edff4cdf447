//===- Database.cpp - The annotation database -----------------------------===//

#include "evguard/Database.h"
#include "Parse.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include <nlohmann/json.hpp>

using namespace evguard;

static constexpr std::pair<Category, llvm::StringLiteral> CategoryNames[] = {
    {Category::Sleep, "sleep"},
    {Category::Lock, "lock"},
    {Category::Wait, "wait"},
    {Category::DiskIO, "disk-io"},
    {Category::NetworkIO, "network-io"},
    {Category::DNS, "dns"},
    {Category::Process, "process"},
    {Category::IPC, "ipc"},
    {Category::PageFault, "page-fault"},
    {Category::Other, "other"},
};

llvm::StringRef evguard::categoryName(Category C) {
  for (const auto &[Cat, Name] : CategoryNames)
    if (Cat == C)
      return Name;
  llvm_unreachable("every category has a name");
}

std::optional<Category> evguard::parseCategory(llvm::StringRef Name) {
  for (const auto &[Cat, CatName] : CategoryNames)
    if (CatName == Name)
      return Cat;
  return std::nullopt;
}

llvm::ArrayRef<Category> evguard::allCategories() {
  static const Category All[] = {
      Category::Sleep,     Category::Lock, Category::Wait,    Category::DiskIO,
      Category::NetworkIO, Category::DNS,  Category::Process, Category::IPC,
      Category::PageFault, Category::Other};
  return All;
}

std::string Origin::str() const {
  if (Line == 0)
    return File;
  return File + ":" + std::to_string(Line) + ":" + std::to_string(Column);
}

/// A == B once all whitespace is dropped from both ("mutex_type &" is
/// "mutex_type&"), without allocating: lookup runs for every call site.
static bool equalIgnoringSpace(llvm::StringRef A, llvm::StringRef B) {
  size_t I = 0, J = 0;
  for (;;) {
    while (I < A.size() && llvm::isSpace(A[I]))
      ++I;
    while (J < B.size() && llvm::isSpace(B[J]))
      ++J;
    if (I == A.size() || J == B.size())
      return I == A.size() && J == B.size();
    if (A[I++] != B[J++])
      return false;
  }
}

static bool paramsMatch(const std::vector<std::string> &Params,
                        const FunctionKey &Key) {
  if (Params.size() != Key.ParamTypes.size())
    return false;
  for (size_t I = 0; I < Params.size(); ++I) {
    bool Declared = equalIgnoringSpace(Params[I], Key.ParamTypes[I]);
    bool Canonical = I < Key.CanonicalParamTypes.size() &&
                     equalIgnoringSpace(Params[I], Key.CanonicalParamTypes[I]);
    if (!Declared && !Canonical)
      return false;
  }
  return true;
}

std::optional<unsigned> evguard::matchRank(const FunctionEntry &Entry,
                                           const FunctionKey &Key) {
  if (Entry.Name != Key.Name)
    return std::nullopt;
  unsigned Rank = 0;
  if (Entry.Class) {
    llvm::StringRef Class = *Entry.Class;
    if (!Key.Class.empty() && equalIgnoringSpace(Class, Key.Class))
      Rank += 2;
    else if (!Class.contains('<') && !Key.ClassTemplate.empty() &&
             Class == Key.ClassTemplate)
      Rank += 1;
    else
      return std::nullopt;
  }
  if (Entry.Params) {
    if (!paramsMatch(*Entry.Params, Key))
      return std::nullopt;
    Rank += 4;
  }
  return Rank;
}

/// Two entries with the same key are the same entry (one replaces the
/// other); params compare as lookup compares them.
static bool sameKey(const FunctionEntry &A, const FunctionEntry &B) {
  if (A.Name != B.Name || A.Class != B.Class ||
      A.Params.has_value() != B.Params.has_value())
    return false;
  if (!A.Params)
    return true;
  return A.Params->size() == B.Params->size() &&
         llvm::all_of(llvm::zip(*A.Params, *B.Params), [](const auto &P) {
           return equalIgnoringSpace(std::get<0>(P), std::get<1>(P));
         });
}

static std::string describeKey(const FunctionEntry &E) {
  std::string S = "'" + E.Name + "'";
  if (E.Class)
    S += " with class '" + *E.Class + "'";
  if (E.Params)
    S += " with params [" + llvm::join(*E.Params, ", ") + "]";
  return S;
}

static std::string handlerFieldKey(llvm::StringRef Record,
                                   llvm::StringRef Field) {
  return (Record + llvm::StringRef("\0", 1) + Field).str();
}

llvm::Error AnnotationDatabase::addFile(llvm::StringRef Path) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buffer)
    return llvm::createStringError(
        Buffer.getError(),
        "%s: error: cannot read the annotation file: %s; check the path "
        "(default files live in %s)",
        Path.str().c_str(), Buffer.getError().message().c_str(),
        defaultDatabaseDir().c_str());
  return addBuffer((*Buffer)->getBuffer(), Path);
}

llvm::Error AnnotationDatabase::addBuffer(llvm::StringRef Text,
                                          llvm::StringRef FileName) {
  auto Parsed = parseDatabaseText(Text, FileName);
  if (!Parsed)
    return Parsed.takeError();

  // Merge into copies, so that a failing removal leaves *this untouched.
  std::vector<FunctionEntry> NewFunctions = Functions;
  for (ParsedFunction &F : Parsed->Functions) {
    auto Same = llvm::find_if(NewFunctions, [&](const FunctionEntry &E) {
      return sameKey(E, F.Entry);
    });
    if (F.Remove) {
      if (Same == NewFunctions.end())
        return databaseError(
            F.Entry.From,
            "cannot remove " + describeKey(F.Entry) +
                ": no earlier entry has that name, class and params",
            "check the spelling against `evguard --print-database`, or drop "
            "the removal");
      NewFunctions.erase(Same);
    } else if (Same != NewFunctions.end()) {
      *Same = std::move(F.Entry);
    } else {
      NewFunctions.push_back(std::move(F.Entry));
    }
  }

  std::vector<HandlerField> NewFields = HandlerFields;
  auto FindField = [&](const HandlerField &H) {
    return llvm::find_if(NewFields, [&](const HandlerField &Old) {
      return Old.Record == H.Record && Old.Field == H.Field;
    });
  };
  for (HandlerField &H : Parsed->HandlerFields) {
    auto Same = FindField(H);
    if (Same != NewFields.end())
      *Same = std::move(H);
    else
      NewFields.push_back(std::move(H));
  }
  for (const HandlerField &H : Parsed->RemovedHandlerFields) {
    auto Same = FindField(H);
    if (Same == NewFields.end())
      return databaseError(H.From,
                           "cannot remove handler field '" + H.Record + "::" +
                               H.Field + "': no earlier file declares it",
                           "check the record and field names, or drop the "
                           "removal");
    NewFields.erase(Same);
  }

  Functions = std::move(NewFunctions);
  HandlerFields = std::move(NewFields);
  Files.push_back(FileName.str());
  rebuildIndex();
  return llvm::Error::success();
}

void AnnotationDatabase::rebuildIndex() {
  ByName.clear();
  for (unsigned I = 0; I < Functions.size(); ++I)
    ByName[Functions[I].Name].push_back(I);
  HandlerFieldKeys.clear();
  for (const HandlerField &H : HandlerFields)
    HandlerFieldKeys.insert(handlerFieldKey(H.Record, H.Field));
}

const FunctionEntry *AnnotationDatabase::lookup(const FunctionKey &Key) const {
  auto It = ByName.find(Key.Name);
  if (It == ByName.end())
    return nullptr;
  const FunctionEntry *Best = nullptr;
  unsigned BestRank = 0;
  for (unsigned I : It->second) {
    std::optional<unsigned> Rank = matchRank(Functions[I], Key);
    if (Rank && (!Best || *Rank > BestRank)) {
      Best = &Functions[I];
      BestRank = *Rank;
    }
  }
  return Best;
}

bool AnnotationDatabase::mentions(llvm::StringRef Name) const {
  return ByName.contains(Name);
}

bool AnnotationDatabase::isHandlerField(llvm::StringRef Record,
                                        llvm::StringRef Field) const {
  return HandlerFieldKeys.contains(handlerFieldKey(Record, Field));
}

using OrderedJson = nlohmann::ordered_json;

static OrderedJson conditionJson(const Condition &C) {
  OrderedJson J;
  J["arg"] = C.Arg;
  switch (C.K) {
  case Condition::Kind::Equals:
    J["equals"] = C.Value;
    break;
  case Condition::Kind::HasFlag:
    J["has_flag"] = C.Flag;
    J["value"] = C.FlagValue;
    break;
  case Condition::Kind::NonNull:
    J["non_null"] = true;
    break;
  case Condition::Kind::NotRegularFile:
    J["not_regular_file"] = true;
    break;
  case Condition::Kind::PathPrefix:
    J["path_prefix"] = C.Prefixes;
    break;
  }
  return J;
}

static OrderedJson entryJson(const FunctionEntry &E) {
  OrderedJson J;
  J["name"] = E.Name;
  if (E.Class)
    J["class"] = *E.Class;
  if (E.Params)
    J["params"] = *E.Params;
  if (E.Blocking) {
    OrderedJson B;
    B["category"] = categoryName(E.Blocking->Cat).str();
    B["reason"] = E.Blocking->Reason;
    if (!E.Blocking->Unless.empty()) {
      B["unless"] = OrderedJson::array();
      for (const Condition &C : E.Blocking->Unless)
        B["unless"].push_back(conditionJson(C));
    }
    J["blocking"] = std::move(B);
  }
  if (E.MayFault)
    J["may_fault"] = {{"reason", E.MayFault->Reason}};
  if (!E.RegistersHandler.empty())
    J["registers_handler"] = E.RegistersHandler;
  if (!E.Offloads.empty())
    J["offloads"] = E.Offloads;
  if (E.Nonblocking)
    J["nonblocking"] = true;
  if (E.OpensFile)
    J["opens_file"] = true;
  if (E.AllowBlocking)
    J["allow_blocking"] = {{"reason", *E.AllowBlocking}};
  if (E.BlockingDescriptor) {
    if (E.BlockingDescriptor->Unless.empty()) {
      J["blocking_descriptor"] = true;
    } else {
      OrderedJson Unless = OrderedJson::array();
      for (const Condition &C : E.BlockingDescriptor->Unless)
        Unless.push_back(conditionJson(C));
      J["blocking_descriptor"]["unless"] = std::move(Unless);
    }
  }
  if (E.SetsNonblocking) {
    OrderedJson S;
    S["arg"] = E.SetsNonblocking->Arg;
    OrderedJson If = OrderedJson::array();
    for (const Condition &C : E.SetsNonblocking->If)
      If.push_back(conditionJson(C));
    S["if"] = std::move(If);
    J["sets_nonblocking"] = std::move(S);
  }
  if (E.Forks)
    J["forks"] = true;
  if (!E.Note.empty())
    J["note"] = E.Note;
  J["origin"] = E.From.str();
  return J;
}

std::string AnnotationDatabase::toJson() const {
  OrderedJson Root;
  Root["format"] = 1;
  Root["description"] =
      "evguard's merged annotation database, from: " + llvm::join(Files, ", ");
  Root["functions"] = OrderedJson::array();
  for (const FunctionEntry &E : Functions)
    Root["functions"].push_back(entryJson(E));
  Root["handler_fields"] = OrderedJson::array();
  for (const HandlerField &H : HandlerFields) {
    OrderedJson J{{"record", H.Record}, {"field", H.Field}};
    if (!H.Note.empty())
      J["note"] = H.Note;
    J["origin"] = H.From.str();
    Root["handler_fields"].push_back(std::move(J));
  }
  // replace: a note with invalid UTF-8 must not make printing throw.
  return Root.dump(2, ' ', false, OrderedJson::error_handler_t::replace) + "\n";
}
