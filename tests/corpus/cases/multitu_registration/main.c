// Cross-TU registration: handlers are registered here, defined in handlers.c,
// and reach a DNS lookup in resolve.c.
#include "handlers.h"

int main(void) {
  uv_loop_t *loop = uv_default_loop();
  uv_timer_t refresh;
  uv_timer_init(loop, &refresh);
  uv_timer_start(&refresh, on_refresh, 0, 30000);
  uv_signal_t hup;
  uv_signal_init(loop, &hup);
  uv_signal_start(&hup, on_reload, SIGHUP);
  resolve_upstream("startup.internal");
  return uv_run(loop, UV_RUN_DEFAULT);
}
