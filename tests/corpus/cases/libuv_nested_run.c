// Running the loop from inside a handler blocks unless it is UV_RUN_NOWAIT.
#include <uv.h>

static void on_timer(uv_timer_t *t) {
  uv_loop_t *loop = t->loop;
  uv_run(loop, UV_RUN_NOWAIT);
  uv_run(loop, UV_RUN_ONCE); // EXPECT: evguard-blocking-call callee=uv_run roots=on_timer
  uv_run(loop, UV_RUN_DEFAULT); // EXPECT: evguard-blocking-call callee=uv_run roots=on_timer
}

int main(void) {
  uv_loop_t *loop = uv_default_loop();
  uv_timer_t t;
  uv_timer_init(loop, &t);
  uv_timer_start(&t, on_timer, 10, 0);
  return uv_run(loop, UV_RUN_DEFAULT);
}
