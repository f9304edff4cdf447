// CFLAGS: -isystem$CASE/include
#include <store.h>
#include <uv.h>

static void on_timer(uv_timer_t *t) {
  (void)t;
  store_put(1, "tick");
}

int main(void) {
  uv_loop_t *loop = uv_default_loop();
  uv_timer_t timer;
  uv_timer_init(loop, &timer);
  uv_timer_start(&timer, on_timer, 10, 0);
  return uv_run(loop, UV_RUN_DEFAULT);
}
