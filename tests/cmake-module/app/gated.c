#include <unistd.h>
#include <uv.h>

static void on_gate(uv_timer_t *t) {
  (void)t;
  usleep(1000);
}

int run_gated(void) {
  uv_loop_t *loop = uv_default_loop();
  uv_timer_t timer;
  uv_timer_init(loop, &timer);
  uv_timer_start(&timer, on_gate, 10, 0);
  return uv_run(loop, UV_RUN_DEFAULT);
}
