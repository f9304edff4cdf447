// Function-pointer variables, parameters and struct fields whose stored values
// are visible: every value that can reach the registering argument is a
// handler; a function that is never stored there is not.
#include <stdio.h>
#include <unistd.h>
#include <uv.h>

struct config {
  int verbose;
  uv_timer_cb on_flush;
};

static void on_tick_quiet(uv_timer_t *t) {
  (void)t;
  fsync(1); // EXPECT: evguard-blocking-call callee=fsync roots=on_tick_quiet
}

static void on_tick_verbose(uv_timer_t *t) {
  (void)t;
  puts("tick"); // EXPECT: evguard-blocking-call callee=puts roots=on_tick_verbose
}

static void on_flush_slow(uv_timer_t *t) {
  (void)t;
  sync(); // EXPECT: evguard-blocking-call callee=sync roots=on_flush_slow
}

static void unused_cb(uv_timer_t *t) {
  (void)t;
  sleep(1);
}

static void arm(uv_timer_t *t, uv_timer_cb cb) { uv_timer_start(t, cb, 1000, 1000); }

int main(int argc, char **argv) {
  (void)argv;
  uv_loop_t *loop = uv_default_loop();
  static uv_timer_t tick, flush;
  uv_timer_init(loop, &tick);
  uv_timer_init(loop, &flush);
  uv_timer_cb cb = argc > 1 ? on_tick_verbose : &on_tick_quiet;
  uv_timer_start(&tick, cb, 0, 1000);
  struct config cfg = {.verbose = argc > 2};
  cfg.on_flush = on_flush_slow;
  arm(&flush, cfg.on_flush);
  void (*keep)(uv_timer_t *) = unused_cb;
  (void)keep;
  return uv_run(loop, UV_RUN_DEFAULT);
}
