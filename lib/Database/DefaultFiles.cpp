//===- DefaultFiles.cpp - Where the default database lives ----------------===//

#include "evguard/Database.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

using namespace evguard;

#ifndef EVGUARD_SOURCE_ANNOTATIONS_DIR
#error "EVGUARD_SOURCE_ANNOTATIONS_DIR must name the source tree's annotations/"
#endif

// getMainExecutable wants an address inside the running program.
static int MainExecutableAnchor;

std::string evguard::defaultDatabaseDir() {
  if (std::optional<std::string> Env =
          llvm::sys::Process::GetEnv("EVGUARD_DATA_DIR");
      Env && !Env->empty())
    return *Env;
  std::string Exe =
      llvm::sys::fs::getMainExecutable("evguard", &MainExecutableAnchor);
  if (!Exe.empty()) {
    // <prefix>/bin/evguard -> <prefix>/share/evguard/annotations
    llvm::SmallString<256> Installed(llvm::sys::path::parent_path(Exe));
    llvm::sys::path::append(Installed, "..", "share", "evguard", "annotations");
    llvm::sys::path::remove_dots(Installed, /*remove_dot_dot=*/true);
    if (llvm::sys::fs::is_directory(Installed))
      return std::string(Installed);
  }
  return EVGUARD_SOURCE_ANNOTATIONS_DIR;
}

llvm::Expected<std::vector<std::string>> evguard::defaultDatabaseFiles() {
  std::string Dir = defaultDatabaseDir();
  std::vector<std::string> Files;
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC)) {
    llvm::StringRef Path = It->path();
    llvm::StringRef Name = llvm::sys::path::filename(Path);
    if (!Name.ends_with(".json") || Name == "schema.json")
      continue;
    Files.push_back(Path.str());
  }
  if (EC)
    return llvm::createStringError(
        EC,
        "%s: error: cannot list the annotation directory: %s; set "
        "EVGUARD_DATA_DIR to a directory of database files",
        Dir.c_str(), EC.message().c_str());
  llvm::sort(Files);
  return Files;
}
