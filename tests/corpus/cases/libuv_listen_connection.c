// uv_listen's connection callback is a handler: it looks up the peer's name
// synchronously (blocks); the echo read callback it registers does not block.
#include <netdb.h>
#include <stdlib.h>
#include <uv.h>

static char slab[65536];

static void on_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf) {
  (void)h, (void)size;
  *buf = uv_buf_init(slab, sizeof slab);
}

static void on_echo(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  if (n < 0) {
    uv_close((uv_handle_t *)s, NULL);
    return;
  }
  uv_buf_t out = uv_buf_init(buf->base, (unsigned)n);
  uv_try_write(s, &out, 1);
}

static void on_connection(uv_stream_t *server, int status) {
  if (status < 0)
    return;
  uv_tcp_t *client = malloc(sizeof *client);
  uv_tcp_init(server->loop, client);
  if (uv_accept(server, (uv_stream_t *)client) != 0)
    return;
  struct sockaddr_storage peer;
  int len = sizeof peer;
  uv_tcp_getpeername(client, (struct sockaddr *)&peer, &len);
  char host[NI_MAXHOST];
  getnameinfo((struct sockaddr *)&peer, (socklen_t)len, host, sizeof host, NULL, 0, 0); // EXPECT: evguard-blocking-call callee=getnameinfo roots=on_connection via=uv_listen
  uv_read_start((uv_stream_t *)client, on_alloc, on_echo);
}

int main(void) {
  uv_loop_t *loop = uv_default_loop();
  uv_tcp_t server;
  struct sockaddr_in addr;
  uv_tcp_init(loop, &server);
  uv_ip4_addr("127.0.0.1", 7000, &addr);
  uv_tcp_bind(&server, (const struct sockaddr *)&addr, 0);
  uv_listen((uv_stream_t *)&server, 128, on_connection);
  return uv_run(loop, UV_RUN_DEFAULT);
}
