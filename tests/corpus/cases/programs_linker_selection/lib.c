// The library TU both the server and the benchmark link.
#include "module.h"
#include <unistd.h>

static struct module *current;

void set_module(struct module *m) { current = m; }

void modules_run(struct module *m, const char *arg) { m->run(arg); }

void stats_flush(void) {
  // Reached from the server's handler only (tests/cli covers one call
  // reached from two programs: clang-tidy prints such a pair once).
  usleep(100); // EXPECT: evguard-blocking-call callee=usleep program=server roots=on_request
}

static int counted;
void stats_count(void) { ++counted; }
