// With --no-pointer-fallback, a call through a function pointer whose values
// are not visible resolves to nothing: the blocking hook is not reported.
// RUN-ARGS: --no-pointer-fallback
#include <evguard/annotations.h>
#include <unistd.h>

typedef void (*hook_fn)(int fd);

hook_fn plugin_lookup(const char *name);
void plugin_export(const char *name, hook_fn fn);

static void fsync_hook(int fd) {
  fsync(fd);
}

/* Address-taken too, but of another type: never a target of h(fd). */
static int count_hook(int fd, int n) {
  sleep(1);
  return fd + n;
}

EVGUARD_HANDLER void on_write(int fd) {
  hook_fn h = plugin_lookup("after_write");
  if (h)
    h(fd);
}

int main(void) {
  plugin_export("fsync", fsync_hook);
  int (*unused)(int, int) = count_hook;
  (void)unused;
  on_write(1);
  return 0;
}
