// A call through a struct field that nothing in the program stores to names
// no function: the fallback by type is for plain pointers only, and must not
// drag in a thread's start routine.
#include <evguard/annotations.h>
#include <pthread.h>
#include <stddef.h>
#include <unistd.h>

typedef void *alloc_fn(void *);
struct fns {
  alloc_fn *key;
};

static void *worker(void *arg) {
  sleep(1); // a thread of its own: not reported
  return arg;
}

static void walk(struct fns *f, void *k) {
  if (f)
    f->key(k);
}

EVGUARD_HANDLER void on_scan(void) { walk(NULL, 0); }

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  on_scan();
  return 0;
}
