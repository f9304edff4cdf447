// Overloaded operators are calls: a stream-like operator<< that writes to a
// file and an operator[] that loads from disk both block.
#include <cstdio>
#include <evguard/annotations.h>
#include <sys/stat.h>

struct Journal {
  std::FILE *f;
};

Journal &operator<<(Journal &j, const char *text) {
  std::fputs(text, j.f); // EXPECT: evguard-blocking-call callee=fputs roots=on_request
  return j;
}

struct FileCache {
  long operator[](const char *path) const {
    struct stat st;
    if (stat(path, &st) != 0) // EXPECT: evguard-blocking-call callee=stat roots=on_request
      return -1;
    return st.st_size;
  }
  bool operator==(const FileCache &) const { return true; }
};

EVGUARD_HANDLER void on_request(Journal &j, const FileCache &cache, const char *path) {
  if (cache == cache)
    j << "request " << path;
  (void)cache[path];
}

int main() {
  Journal j{stderr};
  FileCache c;
  on_request(j, c, "/etc/hosts");
}
