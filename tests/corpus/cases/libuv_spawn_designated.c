// A database handler field set through a designated initializer:
// uv_process_options_t{.exit_cb = on_child_exit} registers the handler.
#include <stdio.h>
#include <uv.h>

static void on_child_exit(uv_process_t *p, int64_t status, int signal) {
  (void)signal;
  fprintf(stderr, "child %d exited with %lld\n", p->pid, (long long)status); // EXPECT: evguard-blocking-call callee=fprintf roots=on_child_exit
  uv_close((uv_handle_t *)p, NULL);
}

int main(void) {
  uv_loop_t *loop = uv_default_loop();
  char *args[] = {"sleep", "1", NULL};
  uv_process_options_t opts = {.file = "sleep", .args = args, .exit_cb = on_child_exit};
  static uv_process_t child;
  if (uv_spawn(loop, &child, &opts) != 0)
    return 1;
  return uv_run(loop, UV_RUN_DEFAULT);
}
