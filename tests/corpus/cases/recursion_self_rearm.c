// A timer callback that re-arms itself (registering itself from its own body)
// and retries recursively: the analysis terminates and reports the blocking
// call once.
#include <unistd.h>
#include <uv.h>

static int attempts;

static int try_connect(int depth) {
  if (depth > 3)
    return -1;
  usleep(1000u << depth); // EXPECT: evguard-blocking-call callee=usleep roots=on_retry
  return attempts++ % 2 ? 0 : try_connect(depth + 1);
}

static void on_retry(uv_timer_t *t) {
  if (try_connect(0) != 0)
    uv_timer_start(t, on_retry, 500, 0);
}

int main(void) {
  uv_loop_t *loop = uv_default_loop();
  uv_timer_t t;
  uv_timer_init(loop, &t);
  uv_timer_start(&t, on_retry, 0, 0);
  return uv_run(loop, UV_RUN_DEFAULT);
}
