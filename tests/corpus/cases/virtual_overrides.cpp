// A virtual call reaches every override (class hierarchy analysis): only the
// blocking override's call sites are reported, listing both handlers.
#include <cstdio>
#include <evguard/annotations.h>
#include <string>
#include <unordered_map>

class Storage {
public:
  virtual ~Storage() = default;
  virtual void put(const std::string &k, const std::string &v) = 0;
};

class MemStorage : public Storage {
public:
  void put(const std::string &k, const std::string &v) override { map_[k] = v; }

private:
  std::unordered_map<std::string, std::string> map_;
};

class DiskStorage : public Storage {
public:
  void put(const std::string &k, const std::string &v) override {
    std::fprintf(file_, "%s=%s\n", k.c_str(), v.c_str()); // EXPECT: evguard-blocking-call callee=fprintf roots=on_set,on_import
    std::fflush(file_); // EXPECT: evguard-blocking-call callee=fflush roots=on_set,on_import
  }

private:
  std::FILE *file_ = stderr;
};

static Storage *store;

EVGUARD_HANDLER void on_set(const std::string &k, const std::string &v) { store->put(k, v); }
EVGUARD_HANDLER void on_import(const std::string &line) { store->put(line, "1"); }

int main() {
  static MemStorage mem;
  static DiskStorage disk;
  store = &mem;
  store = &disk;
  on_set("a", "b");
  on_import("c");
}
