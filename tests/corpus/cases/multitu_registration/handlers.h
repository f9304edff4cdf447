#ifndef HANDLERS_H
#define HANDLERS_H
#include <uv.h>
void on_refresh(uv_timer_t *t);
void on_reload(uv_signal_t *s, int signum);
int resolve_upstream(const char *host);
#endif
