// The close callback given to uv_close is a handler: it removes the socket's
// file synchronously.
#include <stdlib.h>
#include <unistd.h>
#include <uv.h>

static void on_closed(uv_handle_t *h) {
  unlink("/tmp/evguard-corpus.sock"); // EXPECT: evguard-blocking-call callee=unlink roots=on_closed via=uv_close
  free(h);
}

static void on_timer(uv_timer_t *t) {
  uv_close((uv_handle_t *)t->data, on_closed);
  uv_close((uv_handle_t *)t, NULL);
}

int main(void) {
  uv_loop_t *loop = uv_default_loop();
  uv_pipe_t *server = malloc(sizeof *server);
  uv_pipe_init(loop, server, 0);
  uv_pipe_bind(server, "/tmp/evguard-corpus.sock");
  uv_timer_t t;
  uv_timer_init(loop, &t);
  t.data = server;
  uv_timer_start(&t, on_timer, 1000, 0);
  return uv_run(loop, UV_RUN_DEFAULT);
}
