//===- SummaryCache.cpp - TU summaries kept between runs ------------------===//

#include "SummaryCache.h"
#include "SummaryJson.h"
#include "evguard/JsonRead.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using nlohmann::json;

namespace evguard {

// Bumped when the entry layout changes (the summary has its own format).
static constexpr int CacheFormat = 1;

static std::string hexDigest(llvm::BLAKE3 &Hash) {
  auto Digest = Hash.final<16>();
  return llvm::toHex(llvm::ArrayRef<uint8_t>(Digest), /*LowerCase=*/true);
}

SummaryCache::SummaryCache(std::string Dir, std::string Version, std::string Salt)
    : Dir(std::move(Dir)), Version(std::move(Version)), Salt(std::move(Salt)) {}

std::string
SummaryCache::keyFor(llvm::ArrayRef<clang::tooling::CompileCommand> Commands) const {
  llvm::BLAKE3 Hash;
  auto Add = [&](llvm::StringRef S) {
    Hash.update(S);
    Hash.update(llvm::StringRef("\0", 1));
  };
  for (const clang::tooling::CompileCommand &C : Commands) {
    Add(C.Directory);
    Add(C.Filename);
    for (const std::string &Arg : C.CommandLine)
      Add(Arg);
    Add("\n");
  }
  return hexDigest(Hash);
}

std::string SummaryCache::entryPath(llvm::StringRef Key) const {
  llvm::SmallString<256> Path(Dir);
  llvm::sys::path::append(Path, Key.take_front(2), Key.str() + ".json");
  return std::string(Path);
}

std::optional<std::string> SummaryCache::contentHash(llvm::StringRef Path) {
  {
    std::lock_guard<std::mutex> Guard(Lock);
    auto It = Hashes.find(Path);
    if (It != Hashes.end())
      return It->second;
  }
  std::optional<std::string> Result;
  if (auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                                /*RequiresNullTerminator=*/false)) {
    llvm::BLAKE3 Hash;
    Hash.update((*Buffer)->getBuffer());
    Result = hexDigest(Hash);
  }
  std::lock_guard<std::mutex> Guard(Lock);
  Hashes[Path] = Result;
  return Result;
}

std::shared_ptr<const TUSummary> SummaryCache::lookup(llvm::StringRef Key,
                                                      std::string &Why) {
  std::string Path = entryPath(Key);
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  if (!Buffer)
    return nullptr; // never stored: an ordinary miss
  json J;
  if (std::optional<JsonSyntaxError> E = readJson((*Buffer)->getBuffer(), J)) {
    Why = "damaged cache entry '" + Path + "' (" + E->Message + "); summarizing again";
    return nullptr;
  }
  try {
    if (J.value("evguard_cache", 0) != CacheFormat ||
        J.value("version", std::string()) != Version) {
      Why = "written by another evguard (" + J.value("version", std::string("?")) +
            "); summarizing again";
      return nullptr;
    }
    if (J.value("salt", std::string()) != Salt) {
      Why = "the database or the options changed; summarizing again";
      return nullptr;
    }
    for (const json &Dep : J.at("deps")) {
      std::string File = Dep.at(0).get<std::string>();
      std::optional<std::string> Now = contentHash(File);
      if (!Now || *Now != Dep.at(1).get<std::string>())
        return nullptr; // a source changed: an ordinary miss
    }
    return summaryFromJson(J.at("summary"));
  } catch (const std::exception &E) {
    Why = "damaged cache entry '" + Path + "' (" + E.what() + "); summarizing again";
    return nullptr;
  }
}

llvm::Error SummaryCache::store(llvm::StringRef Key, llvm::ArrayRef<std::string> Deps,
                                const TUSummary &S) {
  json DepList = json::array();
  for (const std::string &File : Deps) {
    std::optional<std::string> Hash = contentHash(File);
    if (!Hash) // a file vanished mid-run: keep nothing
      return llvm::createStringError(std::errc::no_such_file_or_directory,
                                     "not cached: cannot read '%s', which the parse read",
                                     File.c_str());
    DepList.push_back({File, *Hash});
  }
  json J = {{"evguard_cache", CacheFormat}, {"version", Version}, {"salt", Salt},
            {"deps", std::move(DepList)}, {"summary", summaryToJson(S)}};
  std::string Path = entryPath(Key);
  if (std::error_code EC =
          llvm::sys::fs::create_directories(llvm::sys::path::parent_path(Path)))
    return llvm::createStringError(EC, "cannot create cache folder for '%s': %s",
                                   Path.c_str(), EC.message().c_str());
  return writeWholeFile(Path, J.dump());
}

} // namespace evguard
