//===- DefaultFiles.cpp - Where the default database lives ----------------===//

#include "evguard/Database.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include <dlfcn.h>

using namespace evguard;

#ifndef EVGUARD_SOURCE_ANNOTATIONS_DIR
#error "EVGUARD_SOURCE_ANNOTATIONS_DIR must name the source tree's annotations/"
#endif

// getMainExecutable wants an address inside the running program, and dladdr
// an address inside the object that holds this code.
static int MainExecutableAnchor;

/// Where the running code was loaded from: the executable's directory, and
/// the directory of the shared object holding this code when that is not the
/// executable (the clang-tidy plugin, loaded into clang-tidy).
static std::vector<std::string> codeDirs() {
  std::vector<std::string> Dirs;
  std::string Exe =
      llvm::sys::fs::getMainExecutable("evguard", &MainExecutableAnchor);
  if (!Exe.empty())
    Dirs.push_back(llvm::sys::path::parent_path(Exe).str());
  Dl_info Info;
  if (dladdr(&MainExecutableAnchor, &Info) && Info.dli_fname) {
    llvm::SmallString<256> Object(Info.dli_fname);
    llvm::sys::fs::make_absolute(Object);
    Dirs.push_back(llvm::sys::path::parent_path(Object).str());
  }
  return Dirs;
}

std::string evguard::defaultDatabaseDir() {
  if (std::optional<std::string> Env =
          llvm::sys::Process::GetEnv("EVGUARD_DATA_DIR");
      Env && !Env->empty())
    return *Env;
  // <prefix>/bin/evguard and <prefix>/lib/libX.so find ../share; the plugin,
  // installed as <prefix>/lib/evguard/libevguard-tidy.so, ../../share.
  for (const std::string &Dir : codeDirs()) {
    for (const char *Up : {"..", "../.."}) {
      llvm::SmallString<256> Installed(Dir);
      llvm::sys::path::append(Installed, Up, "share", "evguard", "annotations");
      llvm::sys::path::remove_dots(Installed, /*remove_dot_dot=*/true);
      if (llvm::sys::fs::is_directory(Installed))
        return std::string(Installed);
    }
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
