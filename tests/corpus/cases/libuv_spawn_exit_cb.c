// uv_spawn's options.exit_cb field holds a handler (database handler_fields);
// it reaps with a blocking waitpid. uv_spawn inside a handler blocks.
#include <sys/wait.h>
#include <uv.h>

static uv_loop_t *loop;
static uv_process_t child;

static void on_exit_cb(uv_process_t *p, int64_t status, int signal) {
  (void)status, (void)signal;
  int st;
  waitpid(p->pid, &st, 0); // EXPECT: evguard-blocking-call callee=waitpid roots=on_exit_cb
  uv_close((uv_handle_t *)p, NULL);
}

static void on_signal(uv_signal_t *s, int signum) {
  (void)s, (void)signum;
  char *args[] = {"logrotate", "/etc/logrotate.conf", NULL};
  uv_process_options_t opts = {0};
  opts.file = args[0];
  opts.args = args;
  opts.exit_cb = on_exit_cb;
  uv_spawn(loop, &child, &opts); // EXPECT: evguard-blocking-call callee=uv_spawn roots=on_signal via=uv_signal_start
}

int main(void) {
  loop = uv_default_loop();
  uv_signal_t sig;
  uv_signal_init(loop, &sig);
  uv_signal_start(&sig, on_signal, SIGHUP);
  return uv_run(loop, UV_RUN_DEFAULT);
}
