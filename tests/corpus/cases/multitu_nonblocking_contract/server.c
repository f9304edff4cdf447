#include "metrics.h"
#include <uv.h>

static void on_tick(uv_timer_t *t) {
  (void)t;
  metrics_incr("tick");
  metrics_flush_if_due();
}

int main(void) {
  uv_loop_t *loop = uv_default_loop();
  uv_timer_t t;
  uv_timer_init(loop, &t);
  uv_timer_start(&t, on_tick, 0, 10);
  return uv_run(loop, UV_RUN_DEFAULT);
}
