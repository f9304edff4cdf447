//===- BuildTargets.cpp - Executables from CMake's file API ---------------===//
//
// When the build directory holds replies of CMake's file API, what goes
// into each executable is known instead of guessed: its own sources, and
// the sources of the libraries it links (transitively through libraries,
// never through other executables or utility targets).
//
//===----------------------------------------------------------------------===//

#include "evguard/Analysis.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <nlohmann/json.hpp>
#include <map>
#include <set>

using nlohmann::json;

namespace evguard {
namespace {

llvm::Error replyError(llvm::StringRef File, const llvm::Twine &Why) {
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      File + ": error: unreadable CMake file API reply (" + Why +
          "); re-run cmake on the build directory, or delete its "
          ".cmake/api/v1/reply directory to analyze without link information");
}

llvm::Expected<json> readJson(llvm::StringRef Path) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  if (!Buffer)
    return replyError(Path, Buffer.getError().message());
  json J = json::parse((*Buffer)->getBuffer().begin(),
                       (*Buffer)->getBuffer().end(), nullptr,
                       /*allow_exceptions=*/false);
  if (J.is_discarded())
    return replyError(Path, "not JSON");
  return J;
}

struct TargetInfo {
  std::string Name;
  std::string Type;
  std::vector<std::string> Sources;
  std::vector<std::string> Dependencies; ///< target ids
};

std::string absoluteIn(llvm::StringRef Root, llvm::StringRef Path) {
  llvm::SmallString<256> Out;
  if (llvm::sys::path::is_absolute(Path))
    Out = Path;
  else
    llvm::sys::path::append(Out, Root, Path);
  llvm::sys::path::remove_dots(Out, /*remove_dot_dot=*/true);
  return std::string(Out);
}

bool isLibrary(llvm::StringRef Type) {
  return Type == "STATIC_LIBRARY" || Type == "SHARED_LIBRARY" ||
         Type == "OBJECT_LIBRARY";
}

} // namespace

llvm::Expected<std::vector<BuildTarget>>
readCMakeTargets(llvm::StringRef BuildDir) {
  llvm::SmallString<256> ReplyDir(BuildDir);
  llvm::sys::path::append(ReplyDir, ".cmake", "api", "v1", "reply");
  std::string Index;
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(ReplyDir, EC), End; It != End && !EC;
       It.increment(EC)) {
    llvm::StringRef Name = llvm::sys::path::filename(It->path());
    // The newest index sorts last (its name holds a timestamp).
    if (Name.starts_with("index-") && Name.ends_with(".json") &&
        It->path() > Index)
      Index = It->path();
  }
  if (Index.empty())
    return std::vector<BuildTarget>();
  auto IndexJson = readJson(Index);
  if (!IndexJson)
    return IndexJson.takeError();
  const json *Model = nullptr;
  if (IndexJson->contains("reply") && (*IndexJson)["reply"].is_object() &&
      (*IndexJson)["reply"].contains("codemodel-v2"))
    Model = &(*IndexJson)["reply"]["codemodel-v2"];
  if (!Model || !Model->contains("jsonFile"))
    return std::vector<BuildTarget>(); // no codemodel was asked for

  auto Join = [&](const json &File) {
    llvm::SmallString<256> P(ReplyDir);
    llvm::sys::path::append(P, File.get<std::string>());
    return std::string(P);
  };
  std::string ModelFile = Join((*Model)["jsonFile"]);
  auto ModelJson = readJson(ModelFile);
  if (!ModelJson)
    return ModelJson.takeError();

  std::map<std::string, TargetInfo> ById;
  try {
    std::string SourceRoot = ModelJson->at("paths").at("source").get<std::string>();
    const json &Configs = ModelJson->at("configurations");
    if (Configs.empty())
      return std::vector<BuildTarget>();
    for (const json &T : Configs.at(0).at("targets")) {
      std::string TargetFile = Join(T.at("jsonFile"));
      auto TJ = readJson(TargetFile);
      if (!TJ)
        return TJ.takeError();
      TargetInfo Info;
      Info.Name = TJ->at("name").get<std::string>();
      Info.Type = TJ->at("type").get<std::string>();
      for (const json &S : TJ->value("sources", json::array()))
        if (S.contains("compileGroupIndex"))
          Info.Sources.push_back(
              absoluteIn(SourceRoot, S.at("path").get<std::string>()));
      for (const json &D : TJ->value("dependencies", json::array()))
        Info.Dependencies.push_back(D.at("id").get<std::string>());
      ById[T.at("id").get<std::string>()] = std::move(Info);
    }
  } catch (const json::exception &E) {
    return replyError(ModelFile, E.what());
  }

  std::vector<BuildTarget> Out;
  for (const auto &[Id, Info] : ById) {
    if (Info.Type != "EXECUTABLE")
      continue;
    BuildTarget T;
    T.Name = Info.Name;
    T.Sources = Info.Sources;
    std::set<std::string> Seen{Id};
    std::vector<std::string> Work = Info.Dependencies;
    while (!Work.empty()) {
      std::string Dep = Work.back();
      Work.pop_back();
      auto It = ById.find(Dep);
      if (!Seen.insert(Dep).second || It == ById.end() ||
          !isLibrary(It->second.Type))
        continue;
      llvm::append_range(T.LibrarySources, It->second.Sources);
      llvm::append_range(Work, It->second.Dependencies);
    }
    Out.push_back(std::move(T));
  }
  llvm::sort(Out, [](const BuildTarget &A, const BuildTarget &B) {
    return A.Name < B.Name;
  });
  return Out;
}

} // namespace evguard
