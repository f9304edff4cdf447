// A virtual call only reaches overrides below the static type: calling through
// a Cache& (whose subclasses do not block) does not reach the blocking
// override in an unrelated branch; a qualified call is not dispatched at all.
#include <evguard/annotations.h>
#include <unistd.h>

struct Backend {
  virtual ~Backend() = default;
  virtual int fetch(int key) = 0;
};

struct Cache : Backend {
  int fetch(int key) override { return key; }
};

struct LruCache : Cache {
  int fetch(int key) override { return key + 1; }
};

struct Database : Backend {
  int fetch(int key) override {
    fsync(key); // EXPECT: evguard-blocking-call callee=fsync roots=on_miss
    return 0;
  }
};

EVGUARD_HANDLER int on_hit(Cache &c, int key) { return c.fetch(key); }
EVGUARD_HANDLER int on_peek(LruCache &c, int key) { return c.Cache::fetch(key); }
EVGUARD_HANDLER int on_miss(Backend &b, int key) { return b.fetch(key); }

int main() {
  LruCache lru;
  Database db;
  on_hit(lru, 1);
  on_peek(lru, 1);
  on_miss(db, 2);
}
