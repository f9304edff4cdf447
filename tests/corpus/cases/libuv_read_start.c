// uv_read_start registers two handlers: the alloc callback (only mallocs) and
// the read callback, which resolves a host name synchronously.
#include <netdb.h>
#include <stdlib.h>
#include <uv.h>

static void on_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf) {
  (void)h;
  buf->base = malloc(size);
  buf->len = buf->base ? size : 0;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  (void)s;
  if (n > 0) {
    buf->base[n - 1] = '\0';
    struct hostent *he = gethostbyname(buf->base); // EXPECT: evguard-blocking-call callee=gethostbyname roots=on_read via=uv_read_start
    (void)he;
  }
  free(buf->base);
}

int main(void) {
  uv_loop_t *loop = uv_default_loop();
  uv_pipe_t in;
  uv_pipe_init(loop, &in, 0);
  uv_pipe_open(&in, 0);
  uv_read_start((uv_stream_t *)&in, on_alloc, on_read);
  return uv_run(loop, UV_RUN_DEFAULT);
}
