// Registration through wrappers: add_periodic forwards its own callback
// parameter to uv_timer_start, and every_second forwards to add_periodic, so
// the functions given to either wrapper are handlers.
#include <stdio.h>
#include <uv.h>

static uv_loop_t *loop;

static void add_periodic(uv_timer_t *t, uv_timer_cb cb, uint64_t ms) {
  uv_timer_init(loop, t);
  uv_timer_start(t, cb, ms, ms);
}

static void every_second(uv_timer_t *t, uv_timer_cb cb) { add_periodic(t, cb, 1000); }

static void on_stats(uv_timer_t *t) {
  (void)t;
  printf("stats\n"); // EXPECT: evguard-blocking-call callee=printf roots=on_stats
}

static void on_heartbeat(uv_timer_t *t) {
  (void)t;
  puts("alive"); // EXPECT: evguard-blocking-call callee=puts roots=on_heartbeat
}

static void not_a_handler(void) { puts("never registered"); }

int main(void) {
  loop = uv_default_loop();
  static uv_timer_t stats, heartbeat;
  add_periodic(&stats, on_stats, 5000);
  every_second(&heartbeat, on_heartbeat);
  not_a_handler();
  return uv_run(loop, UV_RUN_DEFAULT);
}
