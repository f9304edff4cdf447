// The library TU both the server and the benchmark link.
#include "module.h"
#include <unistd.h>

static struct module *current;

void set_module(struct module *m) { current = m; }

void modules_run(struct module *m, const char *arg) { m->run(arg); }

void stats_flush(void) {
  // Reached from the handlers of both programs: one finding per program.
  usleep(100); // EXPECT: evguard-blocking-call callee=usleep program=server roots=on_request; evguard-blocking-call callee=usleep program=bench roots=on_bench_tick
}
