// Negative: blocking calls reached only from main() before the loop runs
// (configuration, name resolution, pid file) are not reported.
#include <netdb.h>
#include <stdio.h>
#include <unistd.h>
#include <uv.h>

static struct addrinfo *upstream;

static void load_config(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f)
    return;
  char line[256];
  while (fgets(line, sizeof line, f)) {
  }
  fclose(f);
}

static void on_timer(uv_timer_t *t) { (void)t; }

int main(void) {
  load_config("/etc/app.conf");
  getaddrinfo("upstream.internal", "443", NULL, &upstream);
  FILE *pid = fopen("/run/app.pid", "w");
  fprintf(pid, "%d\n", (int)getpid());
  fclose(pid);
  sleep(1);
  uv_loop_t *loop = uv_default_loop();
  uv_timer_t t;
  uv_timer_init(loop, &t);
  uv_timer_start(&t, on_timer, 0, 1000);
  return uv_run(loop, UV_RUN_DEFAULT);
}
