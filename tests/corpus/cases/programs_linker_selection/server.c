// One program: the server. Its module's run is non-blocking; the vendored
// interpreter stores a blocking one into the same field, but is never linked
// into the server.
#include "module.h"
#include <uv.h>

static void server_run(const char *arg) { (void)arg; }
static struct module server_module = {"server", server_run};

static void on_request(uv_timer_t *t) {
  (void)t;
  modules_run(&server_module, "x");
  stats_flush();
}

int main(void) {
  uv_timer_t t;
  uv_timer_init(uv_default_loop(), &t);
  uv_timer_start(&t, on_request, 10, 10);
  return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
