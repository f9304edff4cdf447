// Two programs in one compilation database, each with its own main(): the
// server's main registers the handler; the other main must not replace it.
#include <unistd.h>
#include <uv.h>

static void on_tick(uv_timer_t *t) {
  (void)t;
  sleep(1); // EXPECT: evguard-blocking-call callee=sleep roots=on_tick via=uv_timer_start
}

int main(void) {
  uv_timer_t t;
  uv_timer_init(uv_default_loop(), &t);
  uv_timer_start(&t, on_tick, 10, 10);
  return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
