// A loadable module holding its own copy of evguardDatabase, as the
// clang-tidy plugin does: DefaultFilesTest copies it into a fake install
// tree and asks it where the default files are.

#include "evguard/Database.h"
#include <string>

extern "C" __attribute__((visibility("default"))) const char *
evguardProbeDefaultDir() {
  static std::string Dir;
  Dir = evguard::defaultDatabaseDir();
  return Dir.c_str();
}
