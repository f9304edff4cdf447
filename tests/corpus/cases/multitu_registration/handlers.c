#include "handlers.h"

void on_refresh(uv_timer_t *t) {
  (void)t;
  resolve_upstream("backend.internal");
}

void on_reload(uv_signal_t *s, int signum) {
  (void)s, (void)signum;
  resolve_upstream("config.internal");
}
