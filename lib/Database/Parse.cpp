//===- Parse.cpp - Reading one annotation file ----------------------------===//

#include "Parse.h"
#include "evguard/JsonLocator.h"
#include "evguard/JsonRead.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include <limits>
#include <nlohmann/json.hpp>

using namespace evguard;
using Json = nlohmann::ordered_json;

llvm::Error evguard::databaseError(const Origin &At, const llvm::Twine &What,
                                   const llvm::Twine &ToDo) {
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      llvm::formatv("{0}: error: {1}; {2}", At.str(), What.str(), ToDo.str())
          .str());
}

namespace {

constexpr unsigned MaxIndex = 63;
constexpr int SupportedFormat = 1;

const char *const TopKeys[] = {"$schema",        "format",
                               "description",    "functions",
                               "handler_fields", "remove_handler_fields"};
const char *const EntryKeys[] = {"name",           "class",
                                 "params",         "blocking",
                                 "may_fault",      "registers_handler",
                                 "offloads",       "nonblocking",
                                 "opens_file",     "blocking_descriptor",
                                 "sets_nonblocking", "allow_blocking",
                                 "forks",          "remove",
                                 "note",           "origin"};
/// What a removal may carry besides "remove" itself.
const char *const RemoveKeys[] = {"name",   "class", "params",
                                  "remove", "note",  "origin"};
const char *const BlockingKeys[] = {"category", "reason", "unless"};
const char *const BlockingDescriptorKeys[] = {"unless"};
const char *const SetsNonblockingKeys[] = {"arg", "if"};
const char *const FaultKeys[] = {"reason"};
const char *const ConditionKeys[] = {"arg",      "equals",
                                     "has_flag", "value",
                                     "non_null", "not_regular_file",
                                     "path_prefix"};
const char *const HandlerFieldKeys[] = {"record", "field", "note", "origin"};

const char *const ConditionForms =
    "a condition is {\"arg\": N, \"equals\": INTEGER}, {\"arg\": N, "
    "\"has_flag\": \"NAME\", \"value\": INTEGER}, {\"arg\": N, "
    "\"non_null\": true}, {\"arg\": N, \"not_regular_file\": true} or "
    "{\"arg\": N, \"path_prefix\": [\"/proc/\", ...]}";

template <size_t N> std::string joinKeys(const char *const (&Keys)[N]) {
  return llvm::join(llvm::ArrayRef<const char *>(Keys, N), ", ");
}

std::string categoryList() {
  std::vector<std::string> Names;
  for (Category C : allCategories())
    Names.push_back(categoryName(C).str());
  return llvm::join(Names, ", ");
}

/// Validates one file; every method reports the first problem it finds at
/// the position of the offending value.
class FileParser {
public:
  FileParser(llvm::StringRef Text, llvm::StringRef File)
      : Text(Text), File(File), Locator(Text) {}

  llvm::Expected<ParsedFile> parse(const Json &Root);

private:
  Origin at(const std::string &Pointer) const {
    TextPosition P = Locator.valuePosition(Pointer);
    return Origin{File.str(), P.Line, P.Column};
  }
  Origin atKey(const std::string &Pointer) const {
    TextPosition P = Locator.keyPosition(Pointer);
    return Origin{File.str(), P.Line, P.Column};
  }

  llvm::Error wrongType(const std::string &Pointer, const Json &V,
                        llvm::StringRef What, llvm::StringRef Expected) {
    return databaseError(at(Pointer),
                         llvm::formatv("{0} must be {1}, found {2}", What,
                                       Expected, V.type_name()),
                         llvm::formatv("make {0} {1}", What, Expected));
  }

  template <size_t N>
  llvm::Error checkKeys(const std::string &Pointer, const Json &Object,
                        llvm::StringRef Where,
                        const char *const (&Allowed)[N]) {
    for (const auto &Item : Object.items()) {
      if (llvm::is_contained(Allowed, llvm::StringRef(Item.key())))
        continue;
      return databaseError(
          atKey(Pointer + "/" + jsonPointerToken(Item.key())),
          llvm::formatv("unknown key '{0}' in {1}", Item.key(), Where),
          llvm::formatv("the allowed keys are {0}", joinKeys(Allowed)));
    }
    return llvm::Error::success();
  }

  llvm::Error requireObject(const std::string &Pointer, const Json &V,
                            llvm::StringRef What) {
    if (V.is_object())
      return llvm::Error::success();
    return wrongType(Pointer, V, What, "an object");
  }

  llvm::Expected<std::string> nonEmptyString(const std::string &Pointer,
                                             const Json &V,
                                             llvm::StringRef What,
                                             llvm::StringRef Hint);
  llvm::Expected<int64_t> integer(const std::string &Pointer, const Json &V,
                                  llvm::StringRef What);
  /// {"reason": "..."}: may_fault and allow_blocking.
  llvm::Expected<std::string> parseReason(const std::string &Pointer,
                                          const Json &V, llvm::StringRef Key,
                                          llvm::StringRef Why);
  llvm::Expected<unsigned>
  index(const std::string &Pointer, const Json &V, llvm::StringRef What,
        const std::optional<std::vector<std::string>> &Params);

  llvm::Error parseFormat(const Json &Root);
  llvm::Error parseFunction(const std::string &Pointer, const Json &V,
                            ParsedFile &Out);
  llvm::Error parseKey(const std::string &Pointer, const Json &V,
                       FunctionEntry &E);
  llvm::Error parseBlocking(const std::string &Pointer, const Json &V,
                            FunctionEntry &E);
  llvm::Error parseCondition(const std::string &Pointer, const Json &V,
                             const FunctionEntry &E, Condition &C);
  llvm::Error parseConditions(const std::string &Pointer, const Json &V,
                              const FunctionEntry &E,
                              std::vector<Condition> &Out);
  /// A list of equals/has_flag conditions (what descriptor facts test).
  llvm::Error parseValueConditions(const std::string &Pointer, const Json &V,
                                   const FunctionEntry &E,
                                   std::vector<Condition> &Out);
  llvm::Error parseBlockingDescriptor(const std::string &Pointer,
                                      const Json &V, FunctionEntry &E);
  llvm::Error parseSetsNonblocking(const std::string &Pointer, const Json &V,
                                   FunctionEntry &E);
  llvm::Error parsePathPrefixes(const std::string &Pointer, const Json &V,
                                Condition &C);
  llvm::Error parseIndices(const std::string &Pointer, const Json &V,
                           const FunctionEntry &E, std::vector<unsigned> &Out);
  llvm::Error parseHandlerFields(const std::string &Pointer, const Json &V,
                                 std::vector<HandlerField> &Out);

  llvm::StringRef Text;
  llvm::StringRef File;
  JsonLocator Locator;
};

} // namespace

llvm::Expected<std::string>
FileParser::nonEmptyString(const std::string &Pointer, const Json &V,
                           llvm::StringRef What, llvm::StringRef Hint) {
  if (!V.is_string())
    return wrongType(Pointer, V, What, "a string");
  std::string S = V.get<std::string>();
  if (llvm::StringRef(S).trim().empty())
    return databaseError(at(Pointer), llvm::formatv("{0} is empty", What),
                         Hint);
  return S;
}

llvm::Error FileParser::parseConditions(const std::string &Pointer,
                                        const Json &V, const FunctionEntry &E,
                                        std::vector<Condition> &Out) {
  if (!V.is_array())
    return wrongType(Pointer, V,
                     "'" + Pointer.substr(Pointer.rfind('/') + 1) + "'",
                     "an array of conditions");
  for (size_t I = 0; I < V.size(); ++I) {
    Condition C;
    if (auto Err =
            parseCondition(Pointer + "/" + std::to_string(I), V[I], E, C))
      return Err;
    Out.push_back(std::move(C));
  }
  return llvm::Error::success();
}

llvm::Error FileParser::parseValueConditions(const std::string &Pointer,
                                             const Json &V,
                                             const FunctionEntry &E,
                                             std::vector<Condition> &Out) {
  if (auto Err = parseConditions(Pointer, V, E, Out))
    return Err;
  for (size_t I = 0; I < Out.size(); ++I)
    if (Out[I].K != Condition::Kind::Equals &&
        Out[I].K != Condition::Kind::HasFlag)
      return databaseError(at(Pointer + "/" + std::to_string(I)),
                           "a descriptor fact tests argument values only",
                           "use {\"arg\": N, \"equals\": INTEGER} or "
                           "{\"arg\": N, \"has_flag\": \"NAME\", "
                           "\"value\": INTEGER}");
  return llvm::Error::success();
}

llvm::Error FileParser::parseBlockingDescriptor(const std::string &Pointer,
                                                const Json &V,
                                                FunctionEntry &E) {
  BlockingDescriptorInfo Info;
  if (V.is_boolean()) {
    if (V.get<bool>())
      E.BlockingDescriptor = std::move(Info);
    return llvm::Error::success();
  }
  if (!V.is_object())
    return wrongType(Pointer, V, "'blocking_descriptor'",
                     "true or {\"unless\": [conditions]}");
  if (auto Err = checkKeys(Pointer, V, "'blocking_descriptor'",
                           BlockingDescriptorKeys))
    return Err;
  if (auto It = V.find("unless"); It != V.end())
    if (auto Err = parseValueConditions(Pointer + "/unless", *It, E,
                                        Info.Unless))
      return Err;
  E.BlockingDescriptor = std::move(Info);
  return llvm::Error::success();
}

llvm::Error FileParser::parseSetsNonblocking(const std::string &Pointer,
                                             const Json &V, FunctionEntry &E) {
  if (auto Err = requireObject(Pointer, V, "'sets_nonblocking'"))
    return Err;
  if (auto Err =
          checkKeys(Pointer, V, "'sets_nonblocking'", SetsNonblockingKeys))
    return Err;
  auto ArgIt = V.find("arg");
  if (ArgIt == V.end())
    return databaseError(at(Pointer), "'sets_nonblocking' has no 'arg'",
                         "add \"arg\": the index of the descriptor argument");
  auto Arg = index(Pointer + "/arg", *ArgIt, "argument index", E.Params);
  if (!Arg)
    return Arg.takeError();
  NonblockingSetter Setter;
  Setter.Arg = *Arg;
  if (auto It = V.find("if"); It != V.end())
    if (auto Err = parseValueConditions(Pointer + "/if", *It, E, Setter.If))
      return Err;
  E.SetsNonblocking = std::move(Setter);
  return llvm::Error::success();
}

llvm::Error FileParser::parsePathPrefixes(const std::string &Pointer,
                                          const Json &V, Condition &C) {
  const char *Hint = "list absolute directory prefixes, each ending in '/' "
                     "(\"path_prefix\": [\"/proc/\", \"/sys/\"])";
  if (!V.is_array() || V.empty())
    return databaseError(at(Pointer),
                         "'path_prefix' must be a non-empty array of strings",
                         Hint);
  C.K = Condition::Kind::PathPrefix;
  for (size_t I = 0; I < V.size(); ++I) {
    std::string ItemPointer = Pointer + "/" + std::to_string(I);
    auto Prefix = nonEmptyString(ItemPointer, V[I], "a path prefix", Hint);
    if (!Prefix)
      return Prefix.takeError();
    llvm::StringRef P(*Prefix);
    if (!P.starts_with("/") || !P.ends_with("/") || P == "/" ||
        P.contains("/../") || P.contains("/./"))
      return databaseError(
          at(ItemPointer),
          llvm::formatv("path prefix '{0}' is not an absolute directory", P),
          Hint);
    C.Prefixes.push_back(*Prefix);
  }
  return llvm::Error::success();
}

llvm::Expected<std::string> FileParser::parseReason(const std::string &Pointer,
                                                    const Json &V,
                                                    llvm::StringRef Key,
                                                    llvm::StringRef Why) {
  std::string Quoted = ("'" + Key + "'").str();
  if (auto Err = requireObject(Pointer, V, Quoted))
    return std::move(Err);
  if (auto Err = checkKeys(Pointer, V, Quoted, FaultKeys))
    return std::move(Err);
  if (!V.contains("reason"))
    return databaseError(at(Pointer), llvm::formatv("{0} has no 'reason'", Quoted),
                         llvm::formatv("add \"reason\": {0}", Why));
  return nonEmptyString(Pointer + "/reason", V["reason"], "'reason'",
                        llvm::formatv("say {0}", Why).str());
}

llvm::Expected<int64_t> FileParser::integer(const std::string &Pointer,
                                            const Json &V,
                                            llvm::StringRef What) {
  if (!V.is_number_integer())
    return wrongType(Pointer, V, What, "an integer");
  if (V.is_number_unsigned() &&
      V.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))
    return databaseError(at(Pointer),
                         llvm::formatv("{0} does not fit in 64 bits", What),
                         "use a value between -2^63 and 2^63-1");
  return V.get<int64_t>();
}

llvm::Expected<unsigned>
FileParser::index(const std::string &Pointer, const Json &V,
                  llvm::StringRef What,
                  const std::optional<std::vector<std::string>> &Params) {
  if (!V.is_number_integer())
    return wrongType(Pointer, V, What, "an integer");
  bool Negative =
      V.is_number_integer() && !V.is_number_unsigned() && V.get<int64_t>() < 0;
  if (Negative || V.get<uint64_t>() > MaxIndex)
    return databaseError(
        at(Pointer), llvm::formatv("{0} {1} is out of range", What, V.dump()),
        llvm::formatv("indices are 0-based, do not count `this`, and lie in "
                      "0..{0}",
                      MaxIndex));
  unsigned I = V.get<unsigned>();
  if (Params && I >= Params->size())
    return databaseError(
        at(Pointer),
        llvm::formatv("{0} {1} is out of range for the {2} parameter(s) "
                      "listed in 'params'",
                      What, I, Params->size()),
        "indices are 0-based and do not count `this`; fix the index or "
        "'params'");
  return I;
}

llvm::Error FileParser::parseFormat(const Json &Root) {
  auto It = Root.find("format");
  if (It == Root.end())
    return databaseError(
        at(""), "the file has no 'format'",
        llvm::formatv("add \"format\": {0} at the top level", SupportedFormat));
  auto Version = integer("/format", *It, "'format'");
  if (!Version)
    return Version.takeError();
  if (*Version != SupportedFormat)
    return databaseError(
        at("/format"),
        llvm::formatv("unsupported format version {0}", *Version),
        llvm::formatv("this evguard reads format {0}; update evguard or "
                      "rewrite the file in format {0}",
                      SupportedFormat));
  return llvm::Error::success();
}

llvm::Error FileParser::parseKey(const std::string &Pointer, const Json &V,
                                 FunctionEntry &E) {
  auto NameIt = V.find("name");
  if (NameIt == V.end())
    return databaseError(at(Pointer), "a function entry has no 'name'",
                         "add \"name\": the function's name, qualified for "
                         "C++ (\"std::mutex::lock\")");
  auto Name = nonEmptyString(Pointer + "/name", *NameIt, "'name'",
                             "give the function's name, qualified for C++ "
                             "(\"std::mutex::lock\")");
  if (!Name)
    return Name.takeError();
  E.Name = std::move(*Name);
  if (auto It = V.find("class"); It != V.end()) {
    auto Class = nonEmptyString(Pointer + "/class", *It, "'class'",
                                "give the class (\"std::lock_guard\" or "
                                "\"std::lock_guard<std::mutex>\") or drop "
                                "'class'");
    if (!Class)
      return Class.takeError();
    E.Class = std::move(*Class);
  }
  auto ParamsIt = V.find("params");
  if (ParamsIt == V.end())
    return llvm::Error::success();
  std::string ParamsPointer = Pointer + "/params";
  if (!ParamsIt->is_array())
    return wrongType(ParamsPointer, *ParamsIt, "'params'",
                     "an array of type spellings");
  E.Params.emplace();
  for (size_t I = 0; I < ParamsIt->size(); ++I) {
    auto Param = nonEmptyString(ParamsPointer + "/" + std::to_string(I),
                                (*ParamsIt)[I], "a parameter type",
                                "spell the parameter's type as declared "
                                "(\"mutex_type &\") or canonically");
    if (!Param)
      return Param.takeError();
    E.Params->push_back(std::move(*Param));
  }
  return llvm::Error::success();
}

llvm::Error FileParser::parseCondition(const std::string &Pointer,
                                       const Json &V, const FunctionEntry &E,
                                       Condition &C) {
  if (!V.is_object())
    return wrongType(Pointer, V, "a condition", "an object");
  for (const auto &Item : V.items()) {
    if (llvm::is_contained(ConditionKeys, llvm::StringRef(Item.key())))
      continue;
    return databaseError(atKey(Pointer + "/" + jsonPointerToken(Item.key())),
                         llvm::formatv("unknown condition '{0}'", Item.key()),
                         ConditionForms);
  }
  auto ArgIt = V.find("arg");
  if (ArgIt == V.end())
    return databaseError(at(Pointer), "a condition has no 'arg'",
                         "add \"arg\": the 0-based index of the argument "
                         "it tests");
  auto Arg = index(Pointer + "/arg", *ArgIt, "argument index", E.Params);
  if (!Arg)
    return Arg.takeError();
  C.Arg = *Arg;

  unsigned Kinds = V.contains("equals") + V.contains("has_flag") +
                   V.contains("non_null") + V.contains("not_regular_file") +
                   V.contains("path_prefix");
  if (Kinds != 1)
    return databaseError(at(Pointer),
                         Kinds ? "a condition has more than one test"
                               : "a condition has no test",
                         ConditionForms);
  if (V.contains("value") && !V.contains("has_flag"))
    return databaseError(atKey(Pointer + "/value"),
                         "'value' belongs to a 'has_flag' condition",
                         ConditionForms);
  if (auto It = V.find("equals"); It != V.end()) {
    auto Value = integer(Pointer + "/equals", *It, "'equals'");
    if (!Value)
      return Value.takeError();
    C.K = Condition::Kind::Equals;
    C.Value = *Value;
    return llvm::Error::success();
  }
  if (auto It = V.find("path_prefix"); It != V.end())
    return parsePathPrefixes(Pointer + "/path_prefix", *It, C);
  for (auto [Key, Kind] :
       {std::pair{"non_null", Condition::Kind::NonNull},
        std::pair{"not_regular_file", Condition::Kind::NotRegularFile}}) {
    auto It = V.find(Key);
    if (It == V.end())
      continue;
    if (!It->is_boolean() || !It->get<bool>())
      return databaseError(
          at(Pointer + "/" + Key), llvm::formatv("'{0}' must be true", Key),
          llvm::formatv("write \"{0}\": true or drop the condition", Key));
    C.K = Kind;
    return llvm::Error::success();
  }
  auto Flag = nonEmptyString(Pointer + "/has_flag", V["has_flag"], "'has_flag'",
                             "name the flag as the headers spell it "
                             "(\"MSG_DONTWAIT\")");
  if (!Flag)
    return Flag.takeError();
  auto ValueIt = V.find("value");
  if (ValueIt == V.end())
    return databaseError(
        at(Pointer), llvm::formatv("flag '{0}' has no 'value'", *Flag),
        "add \"value\": the flag's integer value on Linux x86-64");
  auto Value = integer(Pointer + "/value", *ValueIt, "'value'");
  if (!Value)
    return Value.takeError();
  if (*Value == 0)
    return databaseError(at(Pointer + "/value"),
                         llvm::formatv("flag '{0}' has value 0, which no "
                                       "argument can have set",
                                       *Flag),
                         "give the flag's non-zero value on Linux x86-64");
  C.K = Condition::Kind::HasFlag;
  C.Flag = std::move(*Flag);
  C.FlagValue = *Value;
  return llvm::Error::success();
}

llvm::Error FileParser::parseBlocking(const std::string &Pointer, const Json &V,
                                      FunctionEntry &E) {
  if (auto Err = requireObject(Pointer, V, "'blocking'"))
    return Err;
  if (auto Err = checkKeys(Pointer, V, "'blocking'", BlockingKeys))
    return Err;
  BlockingInfo B;
  auto CatIt = V.find("category");
  if (CatIt == V.end())
    return databaseError(at(Pointer), "'blocking' has no 'category'",
                         "add \"category\": one of " + categoryList());
  if (!CatIt->is_string())
    return wrongType(Pointer + "/category", *CatIt, "'category'", "a string");
  std::optional<Category> Cat = parseCategory(CatIt->get<std::string>());
  if (!Cat)
    return databaseError(
        at(Pointer + "/category"),
        llvm::formatv("unknown category '{0}'", CatIt->get<std::string>()),
        "use one of " + categoryList());
  B.Cat = *Cat;
  auto ReasonIt = V.find("reason");
  if (ReasonIt == V.end())
    return databaseError(at(Pointer), "'blocking' has no 'reason'",
                         "add \"reason\": why the call blocks, for reports");
  auto Reason = nonEmptyString(Pointer + "/reason", *ReasonIt, "'reason'",
                               "say why the call blocks, for reports");
  if (!Reason)
    return Reason.takeError();
  B.Reason = std::move(*Reason);
  if (auto It = V.find("unless"); It != V.end())
    if (auto Err = parseConditions(Pointer + "/unless", *It, E, B.Unless))
      return Err;
  E.Blocking = std::move(B);
  return llvm::Error::success();
}

llvm::Error FileParser::parseIndices(const std::string &Pointer, const Json &V,
                                     const FunctionEntry &E,
                                     std::vector<unsigned> &Out) {
  if (!V.is_array())
    return wrongType(Pointer, V,
                     "'" + Pointer.substr(Pointer.rfind('/') + 1) + "'",
                     "an array of parameter indices");
  for (size_t I = 0; I < V.size(); ++I) {
    auto Index = index(Pointer + "/" + std::to_string(I), V[I],
                       "parameter index", E.Params);
    if (!Index)
      return Index.takeError();
    Out.push_back(*Index);
  }
  llvm::sort(Out);
  Out.erase(std::unique(Out.begin(), Out.end()), Out.end());
  return llvm::Error::success();
}

llvm::Error FileParser::parseFunction(const std::string &Pointer, const Json &V,
                                      ParsedFile &Out) {
  if (auto Err = requireObject(Pointer, V, "a function entry"))
    return Err;
  if (auto Err = checkKeys(Pointer, V, "a function entry", EntryKeys))
    return Err;
  ParsedFunction F;
  FunctionEntry &E = F.Entry;
  E.From = at(Pointer);
  if (auto Err = parseKey(Pointer, V, E))
    return Err;
  if (auto It = V.find("note"); It != V.end()) {
    if (!It->is_string())
      return wrongType(Pointer + "/note", *It, "'note'", "a string");
    E.Note = It->get<std::string>();
  }
  if (auto It = V.find("origin"); It != V.end() && !It->is_string())
    return wrongType(Pointer + "/origin", *It, "'origin'", "a string");

  if (auto It = V.find("remove"); It != V.end()) {
    if (!It->is_boolean() || !It->get<bool>())
      return databaseError(at(Pointer + "/remove"), "'remove' must be true",
                           "write \"remove\": true, or drop it");
    if (auto Err = checkKeys(Pointer, V, "a removal", RemoveKeys))
      return Err;
    F.Remove = true;
    Out.Functions.push_back(std::move(F));
    return llvm::Error::success();
  }

  if (auto It = V.find("blocking"); It != V.end())
    if (auto Err = parseBlocking(Pointer + "/blocking", *It, E))
      return Err;
  if (auto It = V.find("may_fault"); It != V.end()) {
    auto Reason = parseReason(Pointer + "/may_fault", *It, "may_fault",
                              "why the call may fault");
    if (!Reason)
      return Reason.takeError();
    E.MayFault = FaultInfo{std::move(*Reason)};
  }
  if (auto It = V.find("allow_blocking"); It != V.end()) {
    auto Reason = parseReason(Pointer + "/allow_blocking", *It, "allow_blocking",
                              "why blocking below this function is accepted");
    if (!Reason)
      return Reason.takeError();
    E.AllowBlocking = std::move(*Reason);
  }
  if (auto It = V.find("blocking_descriptor"); It != V.end())
    if (auto Err = parseBlockingDescriptor(Pointer + "/blocking_descriptor",
                                           *It, E))
      return Err;
  if (auto It = V.find("sets_nonblocking"); It != V.end())
    if (auto Err = parseSetsNonblocking(Pointer + "/sets_nonblocking", *It, E))
      return Err;
  if (auto It = V.find("registers_handler"); It != V.end())
    if (auto Err = parseIndices(Pointer + "/registers_handler", *It, E,
                                E.RegistersHandler))
      return Err;
  if (auto It = V.find("offloads"); It != V.end())
    if (auto Err = parseIndices(Pointer + "/offloads", *It, E, E.Offloads))
      return Err;
  for (auto [Key, Member] : {std::pair{"nonblocking", &E.Nonblocking},
                             std::pair{"opens_file", &E.OpensFile},
                             std::pair{"forks", &E.Forks}}) {
    auto It = V.find(Key);
    if (It == V.end())
      continue;
    if (!It->is_boolean())
      return wrongType(Pointer + "/" + Key, *It,
                       llvm::formatv("'{0}'", Key).str(), "true or false");
    *Member = It->get<bool>();
  }

  if (E.Nonblocking && E.Blocking)
    return databaseError(at(Pointer + "/nonblocking"),
                         llvm::formatv("'{0}' is both blocking and "
                                       "nonblocking",
                                       E.Name),
                         "keep one of 'blocking' and 'nonblocking'");
  if (!E.Blocking && !E.MayFault && !E.Nonblocking && !E.OpensFile &&
      !E.BlockingDescriptor && !E.SetsNonblocking && !E.AllowBlocking &&
      !E.Forks && E.RegistersHandler.empty() && E.Offloads.empty())
    return databaseError(
        at(Pointer), llvm::formatv("the entry for '{0}' says nothing", E.Name),
        "add blocking, may_fault, registers_handler, offloads, nonblocking, "
        "opens_file, blocking_descriptor, sets_nonblocking, allow_blocking or "
        "forks, or \"remove\": true to delete an earlier entry");
  Out.Functions.push_back(std::move(F));
  return llvm::Error::success();
}

llvm::Error FileParser::parseHandlerFields(const std::string &Pointer,
                                           const Json &V,
                                           std::vector<HandlerField> &Out) {
  if (!V.is_array())
    return wrongType(Pointer, V, "'" + Pointer.substr(1) + "'",
                     "an array of {\"record\": ..., \"field\": ...}");
  for (size_t I = 0; I < V.size(); ++I) {
    std::string P = Pointer + "/" + std::to_string(I);
    const Json &Item = V[I];
    if (auto Err = requireObject(P, Item, "a handler field"))
      return Err;
    if (auto Err = checkKeys(P, Item, "a handler field", HandlerFieldKeys))
      return Err;
    HandlerField H;
    H.From = at(P);
    for (auto [Key, Member] :
         {std::pair{"record", &H.Record}, std::pair{"field", &H.Field}}) {
      if (!Item.contains(Key))
        return databaseError(at(P),
                             llvm::formatv("a handler field has no '{0}'", Key),
                             "write {\"record\": \"struct_name\", \"field\": "
                             "\"member_name\"}");
      auto S = nonEmptyString(P + "/" + Key, Item[Key],
                              llvm::formatv("'{0}'", Key).str(),
                              "name the record (struct tag, typedef or "
                              "qualified class) and its field");
      if (!S)
        return S.takeError();
      *Member = std::move(*S);
    }
    if (auto It = Item.find("note"); It != Item.end()) {
      if (!It->is_string())
        return wrongType(P + "/note", *It, "'note'", "a string");
      H.Note = It->get<std::string>();
    }
    Out.push_back(std::move(H));
  }
  return llvm::Error::success();
}

llvm::Expected<ParsedFile> FileParser::parse(const Json &Root) {
  if (!Root.is_object())
    return wrongType("", Root, "the top level", "an object");
  if (auto Err = checkKeys("", Root, "the top level", TopKeys))
    return std::move(Err);
  if (auto Err = parseFormat(Root))
    return std::move(Err);
  if (auto It = Root.find("description"); It != Root.end() && !It->is_string())
    return wrongType("/description", *It, "'description'", "a string");
  ParsedFile Out;
  if (auto It = Root.find("functions"); It != Root.end()) {
    if (!It->is_array())
      return wrongType("/functions", *It, "'functions'",
                       "an array of function entries");
    for (size_t I = 0; I < It->size(); ++I)
      if (auto Err =
              parseFunction("/functions/" + std::to_string(I), (*It)[I], Out))
        return std::move(Err);
  }
  if (auto It = Root.find("handler_fields"); It != Root.end())
    if (auto Err =
            parseHandlerFields("/handler_fields", *It, Out.HandlerFields))
      return std::move(Err);
  if (auto It = Root.find("remove_handler_fields"); It != Root.end())
    if (auto Err = parseHandlerFields("/remove_handler_fields", *It,
                                      Out.RemovedHandlerFields))
      return std::move(Err);
  return Out;
}

/// nlohmann's message without its "[json.exception...] parse error at line
/// L, column C: " prefix: the position is ours to print.
static std::string parseErrorText(const std::string &What) {
  llvm::StringRef Text = What;
  size_t Colon = Text.find(": ");
  if (Text.contains("column") && Colon != llvm::StringRef::npos)
    Text = Text.drop_front(Colon + 2);
  else if (Text.starts_with("["))
    Text = Text.drop_until([](char C) { return C == ' '; }).drop_front();
  return Text.str();
}

llvm::Expected<ParsedFile> evguard::parseDatabaseText(llvm::StringRef Text,
                                                      llvm::StringRef File) {
  Json Root;
  if (std::optional<JsonSyntaxError> E = readJson(Text, Root)) {
    TextPosition P = positionOfOffset(Text, E->Offset);
    return databaseError(Origin{File.str(), P.Line, P.Column},
                         "malformed JSON: " + E->Message,
                         "fix the JSON syntax (a trailing comma, a missing "
                         "comma or an unquoted name are the usual causes)");
  }
  try {
    return FileParser(Text, File).parse(Root);
  } catch (const Json::exception &E) {
    // Every access above is type-checked first; this is a safety net so
    // that a bug here is still an error message, never an escaped exception.
    return databaseError(Origin{File.str(), 1, 1},
                         llvm::Twine("internal error while reading: ") +
                             E.what(),
                         "please report this with the file");
  }
}
