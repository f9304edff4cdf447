// The completion callback given to uv_write is a handler of its own: it
// flushes an audit log with stdio (blocks). The read callback only writes.
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

static FILE *audit;
static char slab[4096];

static void on_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf) {
  (void)h, (void)size;
  *buf = uv_buf_init(slab, sizeof slab);
}

static void on_written(uv_write_t *req, int status) {
  (void)status;
  free(req);
  fflush(audit); // EXPECT: evguard-blocking-call callee=fflush roots=on_written via=uv_write
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  if (n <= 0)
    return;
  uv_write_t *req = malloc(sizeof *req);
  uv_buf_t out = uv_buf_init(buf->base, (unsigned)n);
  uv_write(req, s, &out, 1, on_written);
}

int main(void) {
  audit = fopen("audit.log", "a");
  uv_loop_t *loop = uv_default_loop();
  uv_tty_t tty;
  uv_tty_init(loop, &tty, 0, 1);
  uv_read_start((uv_stream_t *)&tty, on_alloc, on_read);
  return uv_run(loop, UV_RUN_DEFAULT);
}
