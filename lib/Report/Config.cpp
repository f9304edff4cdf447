//===- Config.cpp - Loading .evguard.json ---------------------------------===//

#include "evguard/Config.h"
#include "evguard/JsonLocator.h"
#include "evguard/JsonRead.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <nlohmann/json.hpp>

using namespace evguard;
using Json = nlohmann::json;

llvm::StringRef evguard::levelName(Level L) {
  switch (L) {
  case Level::Note:
    return "note";
  case Level::Warning:
    return "warning";
  case Level::Error:
    return "error";
  }
  llvm_unreachable("unknown level");
}

std::optional<Level> evguard::parseLevel(llvm::StringRef Name) {
  for (Level L : {Level::Note, Level::Warning, Level::Error})
    if (levelName(L) == Name)
      return L;
  return std::nullopt;
}

struct PathPattern::Impl {
  llvm::GlobPattern Glob;
};

PathPattern::~PathPattern() = default;

llvm::Expected<std::unique_ptr<PathPattern>>
PathPattern::create(llvm::StringRef Glob) {
  // GlobPattern keeps pointers into its pattern: compile the copy we own.
  std::unique_ptr<PathPattern> P(new PathPattern());
  P->Text = Glob.str();
  auto Compiled = llvm::GlobPattern::create(P->Text, /*MaxSubPatterns=*/64);
  if (!Compiled)
    return Compiled.takeError();
  P->Compiled.reset(new Impl{std::move(*Compiled)});
  return std::move(P);
}

bool PathPattern::matches(llvm::StringRef RelativePath) const {
  return Compiled->Glob.match(RelativePath);
}

bool Config::isExcluded(llvm::StringRef RelativePath) const {
  return llvm::any_of(Excludes, [&](const std::unique_ptr<PathPattern> &P) {
    return P->matches(RelativePath);
  });
}

namespace {

/// Reads one config text, reporting the first problem with its position.
class ConfigParser {
public:
  ConfigParser(llvm::StringRef Text, llvm::StringRef Path)
      : Text(Text), Path(Path), Locator(Text) {}

  llvm::Expected<Config> parse(const Json &Root);

private:
  llvm::Error error(llvm::StringRef Pointer, const llvm::Twine &What,
                    bool AtKey = false) const {
    TextPosition Pos = AtKey ? Locator.keyPosition(Pointer)
                             : Locator.valuePosition(Pointer);
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        Path + ":" + llvm::Twine(Pos.Line) + ":" + llvm::Twine(Pos.Column) +
            ": error: " + What);
  }

  std::string resolve(llvm::StringRef Relative) const {
    llvm::SmallString<256> Dir(llvm::sys::path::parent_path(Path));
    if (llvm::sys::path::is_absolute(Relative))
      Dir = Relative;
    else
      llvm::sys::path::append(Dir, Relative);
    llvm::sys::fs::make_absolute(Dir);
    llvm::sys::path::remove_dots(Dir, /*remove_dot_dot=*/true);
    return std::string(Dir);
  }

  llvm::Expected<bool> boolean(const Json &V, llvm::StringRef Ptr) const;
  llvm::Expected<std::string> string(const Json &V, llvm::StringRef Ptr) const;
  llvm::Expected<std::vector<std::string>> strings(const Json &V,
                                                   llvm::StringRef Ptr) const;
  llvm::Expected<Category> category(const Json &V, llvm::StringRef Ptr) const;

  llvm::Error member(Config &C, llvm::StringRef Key, const Json &V);
  llvm::Error levels(Config &C, const Json &V, llvm::StringRef Ptr) const;
  llvm::Error excludes(Config &C, const Json &V, llvm::StringRef Ptr) const;

  llvm::StringRef Text;
  llvm::StringRef Path;
  JsonLocator Locator;
};

} // namespace

static const char *const AllowedKeys =
    "version, database, default_database, categories, levels, exclude, "
    "strict, keep_going, pointer_fallback, chain_limit, source_root, "
    "sarif_category";

static std::string allCategoryNames() {
  std::string Names;
  for (Category C : allCategories()) {
    if (!Names.empty())
      Names += ", ";
    Names += categoryName(C).str();
  }
  return Names;
}

llvm::Expected<bool> ConfigParser::boolean(const Json &V,
                                           llvm::StringRef Ptr) const {
  if (!V.is_boolean())
    return error(Ptr, "expected true or false");
  return V.get<bool>();
}

llvm::Expected<std::string> ConfigParser::string(const Json &V,
                                                 llvm::StringRef Ptr) const {
  if (!V.is_string() || V.get<std::string>().empty())
    return error(Ptr, "expected a non-empty string");
  return V.get<std::string>();
}

llvm::Expected<std::vector<std::string>>
ConfigParser::strings(const Json &V, llvm::StringRef Ptr) const {
  if (!V.is_array())
    return error(Ptr, "expected an array of strings");
  std::vector<std::string> Out;
  for (size_t I = 0; I < V.size(); ++I) {
    auto S = string(V[I], (Ptr + "/" + llvm::Twine(I)).str());
    if (!S)
      return S.takeError();
    Out.push_back(std::move(*S));
  }
  return Out;
}

llvm::Expected<Category> ConfigParser::category(const Json &V,
                                                llvm::StringRef Ptr) const {
  auto Name = string(V, Ptr);
  if (!Name)
    return Name.takeError();
  if (auto C = parseCategory(*Name))
    return *C;
  return error(Ptr, "unknown category '" + *Name + "'; use one of " +
                        allCategoryNames());
}

llvm::Error ConfigParser::levels(Config &C, const Json &V,
                                 llvm::StringRef Ptr) const {
  if (!V.is_object())
    return error(Ptr, "expected an object mapping categories to levels, "
                      "e.g. {\"disk-io\": \"error\"}");
  for (const auto &[Key, Value] : V.items()) {
    std::string Member = (Ptr + "/" + jsonPointerToken(Key)).str();
    std::optional<Level> L;
    if (Value.is_string())
      L = parseLevel(Value.get<std::string>());
    if (!L)
      return error(Member, "expected \"error\", \"warning\" or \"note\"");
    if (Key == "unknown-call") {
      C.UnknownCallLevel = *L;
      continue;
    }
    std::optional<Category> Cat = parseCategory(Key);
    if (!Cat)
      return error(Member,
                   "unknown category '" + Key + "'; use one of " +
                       allCategoryNames() + ", or unknown-call",
                   /*AtKey=*/true);
    C.Levels[*Cat] = *L;
  }
  return llvm::Error::success();
}

llvm::Error ConfigParser::excludes(Config &C, const Json &V,
                                   llvm::StringRef Ptr) const {
  auto Globs = strings(V, Ptr);
  if (!Globs)
    return Globs.takeError();
  for (size_t I = 0; I < Globs->size(); ++I) {
    auto P = PathPattern::create((*Globs)[I]);
    if (!P)
      return error((Ptr + "/" + llvm::Twine(I)).str(),
                   "invalid glob: " + llvm::toString(P.takeError()) +
                       "; see docs/cli.md for the glob syntax");
    C.Excludes.push_back(std::move(*P));
  }
  return llvm::Error::success();
}

llvm::Error ConfigParser::member(Config &C, llvm::StringRef Key,
                                 const Json &V) {
  std::string Ptr = "/" + jsonPointerToken(Key);
  auto Assign = [&](std::optional<bool> &Field) -> llvm::Error {
    auto B = boolean(V, Ptr);
    if (!B)
      return B.takeError();
    Field = *B;
    return llvm::Error::success();
  };
  if (Key == "version") {
    if (!V.is_number_integer() || V.get<int64_t>() != 1)
      return error(Ptr, "unsupported version; this evguard reads version 1");
    return llvm::Error::success();
  }
  if (Key == "database") {
    auto Files = strings(V, Ptr);
    if (!Files)
      return Files.takeError();
    for (size_t I = 0; I < Files->size(); ++I) {
      std::string Abs = resolve((*Files)[I]);
      if (!llvm::sys::fs::is_regular_file(Abs))
        return error(Ptr + "/" + std::to_string(I),
                     "database file '" + Abs +
                         "' does not exist; paths are relative to the "
                         "config file's directory");
      C.DatabaseFiles.push_back(Abs);
    }
    return llvm::Error::success();
  }
  if (Key == "default_database")
    return Assign(C.DefaultDatabase);
  if (Key == "strict")
    return Assign(C.Strict);
  if (Key == "keep_going")
    return Assign(C.KeepGoing);
  if (Key == "pointer_fallback")
    return Assign(C.PointerFallback);
  if (Key == "categories") {
    if (!V.is_array())
      return error(Ptr, "expected an array of category names");
    std::vector<Category> Cats;
    for (size_t I = 0; I < V.size(); ++I) {
      auto Cat = category(V[I], Ptr + "/" + std::to_string(I));
      if (!Cat)
        return Cat.takeError();
      Cats.push_back(*Cat);
    }
    C.Categories = std::move(Cats);
    return llvm::Error::success();
  }
  if (Key == "levels")
    return levels(C, V, Ptr);
  if (Key == "exclude")
    return excludes(C, V, Ptr);
  if (Key == "chain_limit") {
    if (!V.is_number_integer() || V.get<int64_t>() < 0 ||
        V.get<int64_t>() > 1000)
      return error(Ptr, "expected an integer from 0 to 1000");
    C.ChainLimit = V.get<unsigned>();
    return llvm::Error::success();
  }
  if (Key == "source_root") {
    auto Dir = string(V, Ptr);
    if (!Dir)
      return Dir.takeError();
    std::string Abs = resolve(*Dir);
    if (!llvm::sys::fs::is_directory(Abs))
      return error(Ptr, "source root '" + Abs +
                            "' is not a directory; paths are relative to the "
                            "config file's directory");
    C.SourceRoot = Abs;
    return llvm::Error::success();
  }
  if (Key == "sarif_category") {
    auto Cat = string(V, Ptr);
    if (!Cat)
      return Cat.takeError();
    bool Ok = llvm::all_of(*Cat, [](char Ch) {
      return llvm::isAlnum(Ch) || Ch == '-' || Ch == '_' || Ch == '.' ||
             Ch == '/';
    });
    if (!Ok)
      return error(Ptr, "use letters, digits, '-', '_', '.' and '/' only");
    C.SarifCategory = *Cat;
    return llvm::Error::success();
  }
  return error(Ptr, "unknown key '" + Key + "'; allowed keys: " + AllowedKeys,
               /*AtKey=*/true);
}

llvm::Expected<Config> ConfigParser::parse(const Json &Root) {
  if (!Root.is_object())
    return error("", "expected a JSON object, e.g. {\"version\": 1}");
  Config C;
  C.Path = Path.str();
  for (const auto &[Key, Value] : Root.items())
    if (llvm::Error E = member(C, Key, Value))
      return std::move(E);
  return std::move(C);
}

llvm::Expected<Config> evguard::parseConfig(llvm::StringRef Text,
                                            llvm::StringRef Path) {
  Json Root;
  if (std::optional<JsonSyntaxError> E = readJson(Text, Root)) {
    TextPosition Pos = positionOfOffset(Text, E->Offset);
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        Path + ":" + llvm::Twine(Pos.Line) + ":" + llvm::Twine(Pos.Column) +
            ": error: malformed JSON: " + E->Message + "; fix the syntax");
  }
  return ConfigParser(Text, Path).parse(Root);
}

llvm::Expected<Config> evguard::loadConfig(llvm::StringRef Path) {
  llvm::SmallString<256> Abs(Path);
  llvm::sys::fs::make_absolute(Abs);
  auto Buf = llvm::MemoryBuffer::getFile(Abs, /*IsText=*/true);
  if (!Buf)
    return llvm::createStringError(Buf.getError(),
                                   Path + ": error: cannot read config file: " +
                                       Buf.getError().message());
  // Positions in messages are for the file as the user named it.
  return parseConfig((*Buf)->getBuffer(), Path);
}

std::optional<std::string> evguard::findConfigFile(llvm::StringRef StartDir) {
  llvm::SmallString<256> Dir(StartDir);
  llvm::sys::fs::make_absolute(Dir);
  llvm::sys::path::remove_dots(Dir, /*remove_dot_dot=*/true);
  while (!Dir.empty()) {
    llvm::SmallString<256> Candidate(Dir);
    llvm::sys::path::append(Candidate, ConfigFileName);
    if (llvm::sys::fs::is_regular_file(Candidate))
      return std::string(Candidate);
    llvm::StringRef Parent = llvm::sys::path::parent_path(Dir);
    if (Parent.size() >= Dir.size())
      break;
    Dir.resize(Parent.size()); // a parent is a prefix of its child
  }
  return std::nullopt;
}
