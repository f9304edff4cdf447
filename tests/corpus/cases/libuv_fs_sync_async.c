// uv_fs_* with a NULL callback runs synchronously (blocks); with a callback it
// does not, and the callback is a handler. A callback that may be NULL (a
// parameter) counts as blocking.
#include <fcntl.h>
#include <uv.h>

static uv_loop_t *loop;
static uv_fs_t stat_req, open_req, sync_req, param_req;

static void stat_path(const char *path, uv_fs_cb cb) {
  uv_fs_stat(loop, &param_req, path, cb); // EXPECT: evguard-blocking-call callee=uv_fs_stat roots=on_timer
}

static void on_stat(uv_fs_t *req) {
  if (req->result == 0)
    uv_fs_open(loop, &open_req, req->path, O_RDONLY, 0, NULL); // EXPECT: evguard-blocking-call callee=uv_fs_open roots=on_stat via=uv_fs_stat
  uv_fs_req_cleanup(req);
}

static void on_timer(uv_timer_t *t) {
  (void)t;
  uv_fs_stat(loop, &stat_req, "/etc/hosts", on_stat);
  uv_fs_stat(loop, &sync_req, "/etc/services", NULL); // EXPECT: evguard-blocking-call callee=uv_fs_stat roots=on_timer
  stat_path("/etc/passwd", on_stat);
}

int main(void) {
  loop = uv_default_loop();
  uv_timer_t t;
  uv_timer_init(loop, &t);
  uv_timer_start(&t, on_timer, 1000, 1000);
  return uv_run(loop, UV_RUN_DEFAULT);
}
