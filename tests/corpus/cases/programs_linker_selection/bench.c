// Another program of the same build, sharing lib.c with the server.
#include "module.h"
#include <uv.h>

static void on_bench_tick(uv_timer_t *t) {
  (void)t;
  stats_count();
}

int main(void) {
  uv_timer_t t;
  uv_timer_init(uv_default_loop(), &t);
  uv_timer_start(&t, on_bench_tick, 1, 1);
  return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
